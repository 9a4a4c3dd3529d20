// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlContent
public import TrawlHTTP
public import TrawlWARC

extension WARCRecord {
    /// The archived response as a fetch would have handed it over, for ``PageProcessor``:
    /// the same content decoding, charset rules and patterns as the crawl that archived it,
    /// so new patterns on an old crawl give what a new crawl would.
    /// - Parameters:
    ///   - index: the result's index (the record's position among the responses).
    ///   - maxBytes: the decoded-size limit, as ``CrawlOptions/maxBytes``.
    /// - Returns: nil for a record that is not an HTTP response (`warcinfo`, `request`, …),
    ///   and for a redirect (a 3xx with a `Location`): a crawl follows it, and its result is
    ///   the response it led to, archived after it.
    public func archivedResponse(index: Int, maxBytes: Int) -> FetchResponse? {
        guard type == "response", let uri = self["WARC-Target-URI"],
              self["Content-Type"]?.lowercased().hasPrefix("application/http") ?? false,
              let http = HTTPMessage(block: block) else { return nil }
        if let status = http.status, (300..<400).contains(status), !http.values("Location").isEmpty { return nil }
        var r = FetchResponse(index: index, url: uri, finalURL: uri, status: http.status,
                              contentType: http.values("Content-Type").last)
        r.rawBody = Array(http.payload)
        switch ContentDecoder.decode(r.rawBody, contentEncoding: http.values("Content-Encoding"),
                                     limits: ContentLimits(maxBytes: maxBytes)) {
        case .success(let body): r.body = body
        case .failure(let error): r.error = error
        }
        return r
    }
}
