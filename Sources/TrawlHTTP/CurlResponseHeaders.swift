// SPDX-License-Identifier: Apache-2.0

import CCurl

extension CurlEasy {
    /// The last response's header fields, in the order received, read after the transfer
    /// through libcurl's header API (`curl_easy_nextheader`, request -1: the last one, after
    /// redirects), so no header callback is needed.
    func responseHeaders() -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        var prev: UnsafeMutablePointer<curl_header>? = nil
        while let h = curl_easy_nextheader(handle, UInt32(CURLH_HEADER), -1, prev) {
            let name = h.pointee.name.map { String(cString: $0) } ?? ""
            let value = h.pointee.value.map { String(cString: $0) } ?? ""
            out.append((name, value))
            prev = h
        }
        return out
    }
}
