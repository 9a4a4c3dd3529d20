// SPDX-License-Identifier: Apache-2.0

// Foundation's `URL` as input, in this module only: the modules libtrawl.so is built from
// take strings, so that the C library carries no Foundation.
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension Crawler {
    /// Starts a batch of `urls` (given as their `absoluteString`); see ``start(_:onProgress:)-([String],_)``.
    /// - Throws: as ``start(_:onProgress:)-([String],_)``.
    public func start(_ urls: [URL],
                      onProgress: (@Sendable (Progress) -> Void)? = nil) throws(TrawlError) -> Batch {
        try start(urls.map(\.absoluteString), onProgress: onProgress)
    }

    /// Crawls `urls` (given as their `absoluteString`) to completion; see
    /// ``crawl(_:onProgress:)-([String],_)``.
    /// - Throws: as ``start(_:onProgress:)-([String],_)``.
    public func crawl(_ urls: [URL],
                      onProgress: (@Sendable (Progress) -> Void)? = nil) throws(TrawlError) -> [CrawlResult] {
        try crawl(urls.map(\.absoluteString), onProgress: onProgress)
    }

    /// The results of a batch of `urls` (given as their `absoluteString`) as an
    /// `AsyncSequence`; see ``results(for:)-([String])``.
    public func results(for urls: [URL]) -> CrawlResults {
        results(for: urls.map(\.absoluteString))
    }
}
