// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlExtract

/// The one builder of results for URLs that ended without a page (cancelled, lost with a
/// worker, refused by the batch): every pattern named, with no matches, so that JSON always
/// lists each pattern. Hosts, pipe workers and cluster workers all build them here.
struct FailedResults: Sendable {
    let patterns: [PatternSpec]
    let groups: [Int]

    init(_ extractor: Extractor) {
        patterns = extractor.patterns
        groups = extractor.groupCounts
    }

    /// No attempt of these is known: ``CrawlResult/attempts`` is 0.
    func result(index: Int, url: String, _ error: TrawlError) -> CrawlResult {
        var r = CrawlResult.failed(index: index, url: url, error: error, patterns: patterns, groups: groups)
        r.attempts = 0
        return r
    }
}
