// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlCore

/// Owns one `curl_slist` of extra request headers, shared by all easy handles of a lane
/// (libcurl does not copy the list, so every easy handle keeps this object alive).
final class CurlHeaderList {
    /// The `struct curl_slist *`; nil for an empty list.
    let list: UnsafeMutablePointer<curl_slist>?

    /// `curl_slist_append` for each `"Name: value"` line. Lines with CR, LF or NUL are
    /// refused: they would smuggle extra headers or a second request into the stream.
    init(_ headers: [String]) throws(TrawlError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers {
            if header.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                curl_slist_free_all(list)
                throw TrawlError(.invalidArgument,
                                 "header \(String(reflecting: header)) contains a line break or NUL")
            }
            guard header.contains(":") || header.hasSuffix(";") else {
                curl_slist_free_all(list)
                throw TrawlError(.invalidArgument,
                                 "header \(String(reflecting: header)) is not of the form 'Name: value'")
            }
            guard let appended = curl_slist_append(list, header) else {
                curl_slist_free_all(list)
                throw TrawlError(.outOfMemory, "curl_slist_append failed")
            }
            list = appended
        }
        self.list = list
    }

    deinit {
        curl_slist_free_all(list)
    }
}
