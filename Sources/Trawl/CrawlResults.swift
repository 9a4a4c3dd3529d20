// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The results of one batch as an `AsyncSequence`: `for try await result in
/// crawler.results(for: urls)`.
///
/// The batch starts when iteration starts, in the crawler's ``CrawlOptions/order``
/// (``ResultOrder/input`` or ``ResultOrder/completed``), and yields exactly one result per
/// URL. Waiting never blocks a thread of Swift's cooperative pool: the batch runs on its own
/// threads and wakes the waiting task when a result arrives.
///
/// Cancelling the iterating task cancels the batch: transfers in flight and URLs not yet
/// started end as ``ErrorCode/cancelled``, and the loop still receives every URL's result
/// (finished ones with their pages, the rest with that error). Leaving the loop early (with
/// `break`, `return` or an error) cancels the batch too.
///
/// Each iteration runs its own batch: iterating the same sequence twice crawls twice.
public struct CrawlResults: AsyncSequence, Sendable {
    public typealias Element = CrawlResult
    public typealias Failure = TrawlError

    /// The crawler the batch runs with.
    public let crawler: Crawler
    /// The URLs, in input order.
    public let urls: [String]

    init(crawler: Crawler, urls: [String]) {
        self.crawler = crawler
        self.urls = urls
    }

    /// Starts nothing yet: the batch starts at the iterator's first ``Iterator/next()``.
    public func makeAsyncIterator() -> Iterator {
        Iterator(run: Run(crawler: crawler, urls: urls))
    }

    /// Pulls the results of one batch. Not `Sendable`: one task iterates.
    public struct Iterator: AsyncIteratorProtocol {
        private let run: Run

        fileprivate init(run: Run) { self.run = run }

        /// The next result, or `nil` once every URL has had its result.
        /// - Throws: what ``Crawler/start(_:onProgress:)-([String],_)`` throws, on the first call only
        ///   (with the cluster backend, an unreachable Redis); results never throw, a failed
        ///   URL is a result with its ``CrawlResult/error``.
        public mutating func next() async throws(TrawlError) -> CrawlResult? {
            try await run.next()
        }

        /// The next result, or `nil` at the end; as ``next()``.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(TrawlError) -> CrawlResult? {
            try await run.next()
        }
    }
}

extension Crawler {
    /// The results of a batch of `urls` as an `AsyncSequence`, one per URL, in
    /// ``CrawlOptions/order``:
    ///
    /// ```swift
    /// for try await result in crawler.results(for: urls) {
    ///     print(result.url, result.status ?? 0, result[pattern: "link"]?.strings ?? [])
    /// }
    /// ```
    ///
    /// - Parameter urls: every one gets exactly one result, even if it is not a valid URL.
    /// - Returns: a sequence that starts the batch when iteration starts; cancelling the
    ///   iterating task cancels the batch.
    public func results(for urls: [String]) -> CrawlResults {
        CrawlResults(crawler: self, urls: urls)
    }
}

/// One iteration's batch: started on the first `next()`, cancelled when the iterator is
/// dropped before the end.
private final class Run: Sendable {
    let crawler: Crawler
    let urls: [String]
    /// Woken after every result the batch produces (its progress callback).
    let signal = ResultSignal()
    private let state = Mutex<State>(.notStarted)

    private enum State {
        case notStarted
        case running(Batch)
        case finished
    }

    init(crawler: Crawler, urls: [String]) {
        self.crawler = crawler
        self.urls = urls
    }

    func next() async throws(TrawlError) -> CrawlResult? {
        guard let batch = try startIfNeeded() else { return nil }
        while true {
            switch batch.next(timeout: 0) {
            case .result(let r):
                return r
            case .done:
                state.withLock { $0 = .finished }
                return nil
            case .timedOut:
                // The batch calls the progress callback after each result is stored, so a
                // result that arrives between the poll above and this wait is not missed.
                await withTaskCancellationHandler {
                    await signal.wait()
                } onCancel: {
                    batch.cancel()
                }
            }
        }
    }

    private func startIfNeeded() throws(TrawlError) -> Batch? {
        switch state.withLock({ $0 }) {
        case .finished: return nil
        case .running(let batch): return batch
        case .notStarted: break
        }
        let signal = self.signal
        do {
            let batch = try crawler.start(urls) { _ in signal.notify() }
            state.withLock { $0 = .running(batch) }
            return batch
        } catch {
            state.withLock { $0 = .finished }
            throw error
        }
    }

    deinit {
        if case .running(let batch) = state.withLock({ $0 }) { batch.cancel() }
    }
}

/// A wake-up that is never lost: ``notify()`` before ``wait()`` makes the next wait return
/// at once. One waiter at a time (the iterating task).
final class ResultSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>? = nil
    }

    private let state = Mutex(State())

    /// Returns after the next ``notify()``, or at once if one came since the last wait.
    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.pending {
                    s.pending = false
                    return true
                }
                s.waiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    /// Wakes the waiter, or the next one to come. Callable from any thread.
    func notify() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else {
                s.pending = true
                return nil
            }
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }
}
