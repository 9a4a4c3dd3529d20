// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import TrawlHTTP
import TrawlFollow
import Synchronization

/// One running batch of URLs.
///
/// Results are pulled with ``next(timeout:)`` (or all at once with ``results()``) by one
/// consumer; ``cancel()`` and ``progress`` may be called from any thread. Every submitted URL
/// yields exactly one result: a URL that never ran (the batch was cancelled, or its worker
/// failed) gets a result with an error of its own.
public final class Batch: Sendable {
    /// The submitted URLs, by index.
    public var urls: [String] { hub.submitted }
    /// The backends' side: results in, cancellation, progress.
    let hub: BatchHub
    private let driver = Mutex<OSThread?>(nil)

    init(urls: [String], source: (any URLSource)? = nil, crawler: Crawler, order: ResultOrder? = nil,
         onProgress: (@Sendable (Progress) -> Void)?) throws(TrawlError) {
        var urls = urls
        var source = source
        var readError: TrawlError?
        // Backends stream (``CrawlOptions/wholeInputReason`` says when not: a following batch,
        // whose source's URLs are its seeds, or a cluster batch that may be resumed by its id).
        // A journal of a streamed batch is checked URL by URL as the intake reads them.
        if let s = source, crawler.options.wholeInputReason != nil {
            reading: while true {
                switch s.next() {
                case .url(let u): urls.append(u)
                case .end: break reading
                case .failed(let e):
                    readError = TrawlError(.inputError, e.message)
                    break reading
                }
            }
            source = nil
        }
        // An unreadable or malformed cookie file fails the start on every backend (worker
        // processes load the same file for their own jars).
        let cookies = try CookieJar.forBatch(crawler.options)
        let journal = try crawler.options.journal.map { path throws(TrawlError) in
            try Self.openJournal(path, urls: urls, streamed: source != nil, crawler: crawler)
        }
        // Follow mode streams: the seeds, then the links of every page, through the frontier;
        // on a backend whose workers share a frontier of their own (the cluster's, in Redis),
        // the batch is its seeds and grows as the backend counts pages.
        let shared = crawler.options.backend.capabilities.contains(.sharesFrontier)
        let follow = shared ? nil : crawler.follow.map { FollowSource(seeds: urls, rules: $0.rules, pattern: $0.pattern) }
        if let follow {
            urls = []
            source = follow
        }
        let hub = BatchHub(urls: urls, source: source, crawler: crawler, order: order ?? crawler.options.order,
                           onProgress: onProgress, journal: journal, cookies: cookies, follow: follow,
                           grows: shared && crawler.follow != nil)
        if let readError { hub.inputEnded(readError) }
        self.hub = hub
        do throws(TrawlError) {
            // Made here, on the caller's thread: a backend that submits on start (the cluster's
            // Redis) fails the start instead of every URL.
            let backend = try crawler.options.backend.implementation.start(hub: hub)
            hub.deliverResumed()
            let thread = try OSThread(name: "trawl-batch") { [self] in
                backend.run()
                self.hub.finish()
                try? self.hub.journal?.close()
                try? self.hub.warc?.close()
            }
            driver.withLock { $0 = thread }
        } catch {
            try? journal?.close()
            throw error
        }
    }

    /// Opens the batch's journal and checks that it is of this batch (options, patterns and
    /// the URL at every index it holds; for a streamed batch, whose `urls` are empty here,
    /// ``URLIntake`` checks each URL as it reads it).
    private static func openJournal(_ path: String, urls: [String], streamed: Bool,
                                    crawler: Crawler) throws(TrawlError) -> Journal {
        let journal = try Journal(path: path, fingerprint: JournalFingerprint(options: crawler.options),
                                  patterns: crawler.extractor.patterns, groups: crawler.extractor.groupCounts)
        do throws(TrawlError) {
            for index in journal.resumed.keys.sorted() where index < urls.count {
                try journal.check(index: index, url: urls[index])
            }
            if !streamed { try journal.check(total: urls.count) }
        } catch {
            try? journal.close()
            throw error
        }
        return journal
    }

    /// Why the journal stopped the batch (a full disk, say), or nil: the URLs it left
    /// without a result end with this error's code, `io`.
    public var journalError: TrawlError? { hub.journal?.error }

    /// Why the batch's WARC files stopped (a full disk, a missing directory), or nil; the
    /// results are whole either way. Worker processes report theirs on standard error.
    public var warcError: TrawlError? { hub.warc?.error }

    /// The WARC files this process wrote for the batch so far (worker processes' files are
    /// theirs: `PATH-PID-NNNNN.warc.gz`).
    public var warcFiles: [String] { hub.warc?.files ?? [] }

    /// Why the cookie jar could not be saved to ``CrawlOptions/cookieFile`` at the end of the
    /// batch (thread backend), or nil; the results are whole either way.
    public var cookieError: TrawlError? { hub.cookieError }

    /// How many URLs the batch holds (so far, for a streamed batch).
    public var total: Int { hub.collector.total }

    /// Why a streamed batch's input ended early (`input_error`: the source failed); every URL
    /// read before it still gets its result. Nil while the input is fine, and for a list.
    public var inputError: TrawlError? { hub.inputError }

    /// The next result, waiting at most `timeout` seconds (`nil`: as long as it takes).
    /// - Returns: `.result`, `.done` once every result has been handed out, or `.timedOut`.
    public func next(timeout: Double? = nil) -> NextResult {
        hub.collector.next(deadline: timeout.map { MonotonicClock.now() + max(0, $0) })
    }

    /// Every result not yet handed out, after waiting for the batch to finish.
    public func results() -> [CrawlResult] {
        var out: [CrawlResult] = []
        out.reserveCapacity(total)
        while case .result(let r) = next() { out.append(r) }
        wait()
        return out
    }

    /// Stops the batch soon: transfers in flight end as `cancelled`, and so do URLs that had
    /// not started. Callable from any thread, any number of times.
    public func cancel() { hub.cancel() }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { hub.isCancelled }

    /// Results produced so far.
    public var progress: Progress { hub.collector.progress }

    /// What the batch did so far: pages per second, bytes, statuses, errors by code, retries,
    /// robots.txt refusals, the hosts that took the most time, fetch vs decode vs extract
    /// time. Callable from any thread; after ``wait()`` it covers every URL.
    public var stats: BatchStats {
        var s = hub.collector.stats
        s.concurrency = hub.concurrency
        return s
    }

    /// Transfers in flight now and their limit: with `concurrency` auto, the adaptive limit as
    /// it moves (on the process backend, the sum of its workers' limits and transfers as they
    /// last reported them); pinned, the number given. On the cluster backend, the number each
    /// worker starts from (`running` counts this process's transfers, so 0 there). Any thread.
    public var concurrency: ConcurrencySnapshot { hub.concurrency ?? hub.limiter.snapshot }

    /// Waits until the batch's threads have ended (all results produced).
    public func wait() {
        let t = driver.withLock { t -> OSThread? in
            let old = t
            t = nil
            return old
        }
        t?.join()
    }

    deinit {
        // The batch's own thread holds a reference until it ends, so a batch dropped while
        // running finishes in the background (call cancel() to stop it) and this runs only
        // then, possibly on that very thread: join it from elsewhere, detach it from itself.
        driver.withLock { $0 }?.joinOrDetach()
    }
}
