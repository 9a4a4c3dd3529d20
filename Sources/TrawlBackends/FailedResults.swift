// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlExtract
import TrawlLinks

/// The one builder of results for URLs that ended without a page (cancelled, lost with a
/// worker, refused by the batch): every pattern named, with no matches, so that JSON always
/// lists each pattern (and, with absolute_links, each link pattern's empty raw list). Hosts,
/// pipe workers and cluster workers all build them here.
struct FailedResults: Sendable {
    let patterns: [PatternSpec]
    let groups: [Int]
    let links: LinkRewriter?

    init(_ extractor: Extractor, options: CrawlOptions) {
        patterns = extractor.patterns
        groups = extractor.groupCounts
        links = extractor.linkRewriter(options)
    }

    /// No attempt of these is known: ``CrawlResult/attempts`` is 0.
    func result(index: Int, url: String, _ error: TrawlError) -> CrawlResult {
        var r = CrawlResult.failed(index: index, url: url, error: error, patterns: patterns, groups: groups)
        r.attempts = 0
        links?.applyEmpty(to: &r)
        return r
    }
}

extension Extractor {
    /// The rewriter of `options.absoluteLinks` (and the `follow` pattern, which is followed
    /// as absolute URLs) over these patterns; nil when there is none, or for names the
    /// submitter's ``Crawler`` would have refused (it checks them first).
    func linkRewriter(_ options: CrawlOptions) -> LinkRewriter? {
        let names = options.resolvedLinkPatterns
        guard !names.isEmpty else { return nil }
        return try? LinkRewriter(names: names, patterns: patterns, groups: groupCounts)
    }
}
