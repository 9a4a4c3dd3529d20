// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlCore

/// Owns one `CURLU` URL handle: libcurl's own parser, so that a URL trawl accepts is one
/// libcurl accepts too.
final class CurlURL {
    private let handle: OpaquePointer

    /// `curl_url`.
    init() throws(TrawlError) {
        try CurlGlobal.ensure()
        guard let handle = curl_url() else {
            throw TrawlError(.outOfMemory, "curl_url failed")
        }
        self.handle = handle
    }

    deinit {
        curl_url_cleanup(handle)
    }

    /// `curl_url_set(CURLUPART_URL)`: parses `url`; returns libcurl's complaint, or nil.
    func parse(_ url: String) -> String? {
        let code = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard code == CURLUE_OK else {
            guard let text = curl_url_strerror(code) else { return "CURLUcode \(code.rawValue)" }
            return String(cString: text)
        }
        return nil
    }

    /// `curl_url_set(CURLUPART_HOST)`: replaces the host of the last parsed URL; returns
    /// libcurl's complaint, or nil.
    func setHost(_ host: String) -> String? {
        let code = curl_url_set(handle, CURLUPART_HOST, host, 0)
        guard code == CURLUE_OK else {
            guard let text = curl_url_strerror(code) else { return "CURLUcode \(code.rawValue)" }
            return String(cString: text)
        }
        return nil
    }

    /// `curl_url_get(CURLUPART_URL)`: the last parsed URL as libcurl writes it.
    var url: String? { part(CURLUPART_URL, flags: 0) }

    /// `curl_url_get(CURLUPART_HOST)` of the last parsed URL; nil when it has none.
    var host: String? { part(CURLUPART_HOST, flags: 0) }

    /// `curl_url_get(CURLUPART_PORT, CURLU_DEFAULT_PORT)`: the port, explicit or the scheme's.
    var port: String? { part(CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT)) }

    private func part(_ which: CURLUPart, flags: UInt32) -> String? {
        var text: UnsafeMutablePointer<CChar>? = nil
        guard curl_url_get(handle, which, &text, flags) == CURLUE_OK, let text else {
            return nil
        }
        defer { curl_free(text) }
        return String(cString: text)
    }
}
