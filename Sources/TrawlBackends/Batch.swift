// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import Synchronization

/// One running batch of URLs.
///
/// Results are pulled with ``next(timeout:)`` (or all at once with ``results()``) by one
/// consumer; ``cancel()`` and ``progress`` may be called from any thread. Every submitted URL
/// yields exactly one result: a URL that never ran (the batch was cancelled, or its worker
/// failed) gets a result with an error of its own.
public final class Batch: Sendable {
    /// The submitted URLs, by index.
    public let urls: [String]
    let collector: ResultCollector
    let crawler: Crawler
    private let cancelled = Atomic<Bool>(false)
    private let wakers = Mutex<[@Sendable () -> Void]>([])
    private let progressLock = Mutex<Void>(())
    private let onProgress: (@Sendable (Progress) -> Void)?
    private let reporter: ProgressReporter
    private let driver = Mutex<OSThread?>(nil)

    init(urls: [String], crawler: Crawler, order: ResultOrder? = nil,
         onProgress: (@Sendable (Progress) -> Void)?) throws(TrawlError) {
        self.urls = urls
        self.crawler = crawler
        self.collector = ResultCollector(total: urls.count, order: order ?? crawler.options.order)
        self.onProgress = onProgress
        let lanes = min(crawler.options.effectiveJobs(cores: OSThread.availableCores), max(1, urls.count))
        self.reporter = ProgressReporter(verbose: crawler.options.verbose, jobs: lanes)
        let backend = crawler.options.backend
        // The cluster backend submits here, on the caller's thread, so that an unreachable
        // Redis or a refused password fails the start instead of every URL.
        let cluster = backend == .cluster ? try ClusterBackend(batch: self) : nil
        let thread = try OSThread(name: "trawl-batch") { [self] in
            switch backend {
            case .process: ProcessBackend(batch: self, workers: lanes).run()
            case .cluster: cluster?.run()
            case .thread: ThreadBackend(batch: self, lanes: lanes).run()
            }
            self.finish()
        }
        driver.withLock { $0 = thread }
    }

    /// How many URLs the batch holds.
    public var total: Int { urls.count }

    /// The next result, waiting at most `timeout` seconds (`nil`: as long as it takes).
    /// - Returns: `.result`, `.done` once every result has been handed out, or `.timedOut`.
    public func next(timeout: Double? = nil) -> NextResult {
        collector.next(deadline: timeout.map { MonotonicClock.now() + max(0, $0) })
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
    public func cancel() {
        cancelled.store(true, ordering: .releasing)
        for wake in wakers.withLock({ $0 }) { wake() }
    }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Results produced so far.
    public var progress: Progress { collector.progress }

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

    // MARK: For backends

    /// Registers a way to interrupt a backend's wait, called by ``cancel()``.
    func register(wake: @escaping @Sendable () -> Void) {
        wakers.withLock { $0.append(wake) }
        if isCancelled { wake() }
    }

    /// Hands one result to the consumer and reports progress.
    func deliver(_ result: CrawlResult) {
        deliver(contentsOf: [result])
    }

    /// Hands several results over with one wake-up of the consumer.
    func deliver(contentsOf results: [CrawlResult]) {
        guard !results.isEmpty else { return }
        guard onProgress != nil || reporter.verbose > 0 else {
            collector.push(contentsOf: results)
            return
        }
        // Pushing under the progress lock keeps callbacks in the order of `done`.
        progressLock.withLock { _ in
            for p in collector.push(contentsOf: results) {
                onProgress?(p)
                if let line = reporter.line(for: p) {
                    if reporter.toStdout { Console.output(line + "\n") } else { Console.error(line + "\n") }
                }
            }
        }
    }

    /// Gives every URL without a result one: `cancelled` after a cancel, otherwise an
    /// internal error naming the loss (which would be a bug in a backend).
    private func finish() {
        let cancelledNow = isCancelled
        for i in collector.missing() {
            let error = cancelledNow
                ? TrawlError(.cancelled, "batch cancelled before this URL was fetched")
                : TrawlError(.internalError, "no worker produced a result for this URL")
            deliver(CrawlResult.failed(index: i, url: urls[i], error: error,
                                       patterns: crawler.extractor.patterns,
                                       groups: crawler.extractor.groupCounts))
        }
    }
}
