// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import TrawlDecode
public import TrawlLinks
public import TrawlExtract
public import TrawlHTTP

/// Turns one fetched response into its result: decode the body, run every pattern, drop the
/// body. Every backend's worker runs this same code, so the thread, process and cluster
/// backends give identical results.
///
/// Owns an ``ExtractionSession`` (PCRE2 match data), so it belongs to one thread.
public final class PageProcessor {
    private let extractor: Extractor
    private let session: ExtractionSession
    private let decodeMode: DecodeMode
    private let observer: (any PageObserver)?
    private let links: LinkRewriter?

    /// - Parameters:
    ///   - links: the patterns whose matches become absolute URLs (``CrawlOptions/absoluteLinks``).
    ///   - observer: sees each page before its body is dropped (see ``PageObserver``).
    public init(extractor: Extractor, decode: DecodeMode, links: LinkRewriter? = nil,
         observer: (any PageObserver)? = nil) {
        self.links = links
        self.extractor = extractor
        self.session = extractor.makeSession()
        self.decodeMode = decode
        self.observer = observer
    }

    /// The result for `response`. Matches are extracted from every body that arrived,
    /// whatever its HTTP status, as the Python baseline does.
    public func result(for response: FetchResponse) -> CrawlResult {
        var r = CrawlResult(index: response.index, url: response.url, finalURL: response.finalURL,
                            status: response.status, contentType: response.contentType,
                            bytes: response.body.count, error: response.error)
        r.timing.fetch = response.elapsed
        if response.error == nil {
            let start = MonotonicClock.now()
            let decoded = BodyDecoder.decode(response.body, contentType: response.contentType, mode: decodeMode,
                                             validated: response.validUTF8)
            r.charset = decoded.charset
            let decodedAt = MonotonicClock.now()
            let extraction = session.extract(decoded.utf8)
            r.matches = extraction.matches
            r.error = extraction.error
            links?.apply(to: &r, html: decoded.utf8.bytes)
            let end = MonotonicClock.now()
            r.timing.decode = decodedAt - start
            r.timing.extract = end - decodedAt
            r.elapsed = response.elapsed + (end - start)
            observer?.observe(ObservedPage(response: response, received: response.rawBody, decoded: decoded), result: &r)
        } else {
            r.matches = CrawlResult.emptyMatches(patterns: extractor.patterns, groups: extractor.groupCounts)
            links?.applyEmpty(to: &r)
            r.elapsed = response.elapsed
            observer?.observe(ObservedPage(response: response, received: [], decoded: nil), result: &r)
        }
        return r
    }
}
