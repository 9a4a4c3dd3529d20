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
    public var urls: [String] { hub.urls }
    /// The backends' side: results in, cancellation, progress.
    let hub: BatchHub
    private let driver = Mutex<OSThread?>(nil)

    init(urls: [String], crawler: Crawler, order: ResultOrder? = nil,
         onProgress: (@Sendable (Progress) -> Void)?) throws(TrawlError) {
        let hub = BatchHub(urls: urls, crawler: crawler, order: order ?? crawler.options.order,
                           onProgress: onProgress)
        self.hub = hub
        // Made here, on the caller's thread: a backend that submits on start (the cluster's
        // Redis) fails the start instead of every URL.
        let backend = try crawler.options.backend.implementation.start(hub: hub)
        let thread = try OSThread(name: "trawl-batch") { [self] in
            backend.run()
            self.hub.finish()
        }
        driver.withLock { $0 = thread }
    }

    /// How many URLs the batch holds.
    public var total: Int { hub.collector.total }

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
