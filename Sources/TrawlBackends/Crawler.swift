// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
public import TrawlExtract
import TrawlLinks
import TrawlFollow

/// The entry point: options and compiled patterns, ready to run any number of batches.
///
/// ```swift
/// let crawler = try Crawler(options: CrawlOptions())
/// for r in crawler.crawl(["http://127.0.0.1:8080/"]) { print(r[pattern: "link"]?.strings ?? []) }
/// ```
///
/// Thread-safe: batches may be started from several threads at once; they share the compiled
/// patterns (read-only) and nothing else.
public final class Crawler: Sendable {
    /// The options every batch of this crawler runs with.
    public let options: CrawlOptions
    /// The compiled patterns (JIT-compiled once, shared by every worker thread).
    public let extractor: Extractor

    /// Sees every page on the matcher threads before its body is dropped; nil for none.
    public let observer: (any PageObserver)?

    /// Follow mode's compiled rules and the index of the followed pattern; nil without `follow`.
    let follow: (rules: FollowRules, pattern: Int)?

    /// Validates the options and compiles the patterns.
    /// - Parameter observer: a ``PageObserver`` for every page (backends with
    ///   ``BackendCapabilities/inProcess`` only).
    /// - Throws: `invalid_regex` (with PCRE2's message and offset), `invalid_argument` (also
    ///   for `absoluteLinks` naming no pattern or one with several groups, for `allowedProtocols` naming a scheme other than http and https, and for an observer
    ///   on a backend whose lanes are other processes; for `follow` naming no pattern or one
    ///   with several groups, on a backend that does not follow links or with a journal), `invalid_regex` for a
    ///   `follow_allow` or `follow_deny` that does not compile, or `backend_unavailable` for a backend
    ///   this build cannot run.
    public init(options: CrawlOptions, observer: (any PageObserver)? = nil) throws(TrawlError) {
        if observer != nil && !options.backend.capabilities.contains(.inProcess) {
            throw TrawlError(.invalidArgument,
                             "a page observer runs on this process's matcher threads: the \(options.backend.rawValue) backend's lanes are other processes")
        }
        if options.journal != nil && options.backend.capabilities.contains(.distributed) {
            throw TrawlError(.invalidArgument,
                             "the \(options.backend.rawValue) backend resumes through Redis: run again with the same batch_id instead of a journal")
        }
        if options.follow != nil {
            guard options.backend.capabilities.contains(.followsLinks) else {
                throw TrawlError(.invalidArgument,
                                 "follow: the \(options.backend.rawValue) backend does not follow links (backends that do: \(BackendKind.following))")
            }
            guard options.journal == nil else {
                throw TrawlError(.invalidArgument, "follow: a following batch cannot be resumed from a journal (its URLs are found as it runs)")
            }
        }
        self.observer = observer
        try options.validate()
        try options.backend.implementation.validate(options)
        self.options = options
        self.extractor = try Extractor(patterns: options.effectivePatterns,
                                       matchLimit: options.regexMatchLimit,
                                       budget: options.regexBudget)
        // Names checked here, on the caller's thread, before any worker sees them.
        _ = try LinkRewriter(names: options.absoluteLinks, patterns: extractor.patterns,
                             groups: extractor.groupCounts)
        self.follow = try Self.followPlan(options, extractor)
    }

    /// The `follow` pattern's index and the compiled rules, checked before any batch starts.
    private static func followPlan(_ options: CrawlOptions,
                                   _ extractor: Extractor) throws(TrawlError) -> (rules: FollowRules, pattern: Int)? {
        guard let name = options.follow else { return nil }
        guard let i = extractor.patterns.firstIndex(where: { $0.name == name }) else {
            let known = extractor.patterns.map(\.name).joined(separator: ", ")
            throw TrawlError(.invalidArgument, "follow names no pattern '\(name)' (the patterns: \(known))")
        }
        guard extractor.groupCounts[i] <= 1 else {
            throw TrawlError(.invalidArgument,
                             "follow: pattern '\(name)' has \(extractor.groupCounts[i]) groups; a link pattern must have at most one")
        }
        return (try FollowRules(options), i)
    }

    /// Starts a batch in the background and returns at once; results come from the batch's
    /// ``Batch/next(timeout:)`` in ``CrawlOptions/order``.
    /// - Parameters:
    ///   - urls: the URLs; every one gets exactly one result, even if it is not a valid URL.
    ///   - onProgress: called after every result, on a trawl thread, one call at a time.
    /// - Throws: `internal` if no worker thread could be started; with the cluster backend,
    ///   `backend_unavailable` when Redis cannot be reached, refuses the password, or fails
    ///   while the tasks are written (within `redis_timeout`), and `invalid_argument` when
    ///   `batch_id` names a running batch of other URLs.
    public func start(_ urls: [String],
                      onProgress: (@Sendable (Progress) -> Void)? = nil) throws(TrawlError) -> Batch {
        try Batch(urls: urls, crawler: self, onProgress: onProgress)
    }

    /// Starts a batch whose URLs are read from `source` as the batch has room for them: at
    /// most 4 × ``CrawlOptions/concurrency`` URLs (and at least 1,024) are read ahead of the
    /// results the consumer has taken, so memory stays bounded whatever the input's length, and results
    /// come out while the source is still being read. A source that fails ends the input:
    /// every URL read before it gets its result and ``Batch/inputError`` says why.
    ///
    /// A batch with `follow` (the source is its seeds) and a cluster batch with a `batch_id`
    /// (a run again with the id is matched with the list) read the whole source here first.
    /// With a `journal`, each URL is compared with the journal's
    /// entry at its index as it is read: a journaled one is not fetched and its result comes
    /// out in its place; one that differs (or a journal with entries past the input's end)
    /// ends the input there, ``Batch/inputError`` (`input_error`) naming both URLs, and every
    /// URL read before it still gets its result.
    /// - Throws: as ``start(_:onProgress:)-([String],_)``.
    public func start(source: any URLSource,
                      onProgress: (@Sendable (Progress) -> Void)? = nil) throws(TrawlError) -> Batch {
        try Batch(urls: [], source: source, crawler: self, onProgress: onProgress)
    }

    /// Starts a batch whose URLs are added while it runs, through the returned ``URLFeed``:
    /// ``URLFeed/add(_:timeout:)`` each URL, then ``URLFeed/close()``; results come from the
    /// batch as they complete, while URLs are still being added. Memory stays bounded as for
    /// ``start(source:onProgress:)``: the feed holds at most `capacity` URLs the batch has not
    /// read, and `add` waits while it is full.
    /// - Throws: `invalid_argument` for a batch that reads its whole input before it starts
    ///   (a cluster batch with a `batch_id`), with a `journal` (a URL that differs from the journal's ends the
    ///   input, which a producer adding to a feed would not hear of) or with `follow` (its
    ///   input is its seeds and the links it finds): give those a list or a ``URLSource``;
    ///   otherwise as ``start(_:onProgress:)-([String],_)``.
    public func open(capacity: Int = 256,
                     onProgress: (@Sendable (Progress) -> Void)? = nil) throws(TrawlError) -> (batch: Batch, feed: URLFeed) {
        guard options.follow == nil else {
            throw TrawlError(.invalidArgument,
                             "URLs cannot be added to a running batch with follow: its input is its seeds and the links it finds; pass the seeds as a list or a URL source")
        }
        if let reason = options.wholeInputReason {
            throw TrawlError(.invalidArgument, "URLs cannot be added to a running batch: \(reason); pass the list or a URL source")
        }
        guard options.journal == nil else {
            throw TrawlError(.invalidArgument,
                             "URLs cannot be added to a running batch with a journal: pass the list or a URL source,"
                             + " whose URLs the journal checks as they are read")
        }
        let feed = URLFeed(capacity: capacity)
        return (try start(source: feed, onProgress: onProgress), feed)
    }

    /// Crawls `urls` to completion and returns one result per URL, in input order.
    /// - Throws: as ``start(_:onProgress:)-([String],_)``.
    public func crawl(_ urls: [String],
                      onProgress: (@Sendable (Progress) -> Void)? = nil) throws(TrawlError) -> [CrawlResult] {
        let batch = try Batch(urls: urls, crawler: self, order: .input, onProgress: onProgress)
        return batch.results()
    }

    /// A result for a URL that ended without a page (cancelled, lost with its worker): every
    /// pattern named, with no matches.
    public func failure(index: Int, url: String, _ error: TrawlError) -> CrawlResult {
        FailedResults(extractor, options: options).result(index: index, url: url, error)
    }

    /// Runs the crawler's patterns over `text`, with no network: for offline use and benchmarks.
    public func extract(_ text: String) -> Extraction {
        extractor.makeSession().extract(text)
    }
}
