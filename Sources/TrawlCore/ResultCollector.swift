// SPDX-License-Identifier: Apache-2.0

/// How far a batch has got; handed to progress callbacks.
public struct Progress: Sendable, Equatable {
    /// Results produced so far (failed ones included).
    public var done: Int
    /// URLs in the batch.
    public var total: Int
    /// Results that carry an error.
    public var failed: Int
    /// Seconds since the batch started.
    public var elapsed: Double
    /// Transfers in flight and their limit now (adaptive with `concurrency` auto), for
    /// progress callbacks: the in-process lanes', or the sum the process backend's workers
    /// last reported; nil on the cluster, whose workers report to no one.
    public var concurrency: ConcurrencySnapshot?

    public init(done: Int, total: Int, failed: Int, elapsed: Double, concurrency: ConcurrencySnapshot? = nil) {
        self.done = done
        self.total = total
        self.failed = failed
        self.elapsed = elapsed
        self.concurrency = concurrency
    }
}

/// What a consumer gets when it asks a batch for its next result.
public enum NextResult: Sendable, Equatable {
    case result(CrawlResult)
    /// Every result has been handed out.
    case done
    /// None arrived before the deadline; ask again.
    case timedOut
}

/// Gathers results from any number of producer threads and hands them to one consumer in
/// input or completion order.
///
/// Input order is kept with a reorder buffer that holds only results that finished ahead of
/// an earlier URL: results are small (bodies are dropped after extraction), so even a batch
/// whose first URL is slow holds at most its results, never its pages.
///
/// Invariant behind `@unchecked Sendable`: every stored property is read and written only
/// with `lock` held.
public final class ResultCollector: @unchecked Sendable {
    public let order: ResultOrder
    private let lock = ConditionLock()
    private let started = MonotonicClock.now()

    /// Whether each URL from `producedBase` on has its result; every one below has. The
    /// answered prefix is dropped as it grows, so a batch of any length keeps a flag only
    /// for the URLs from its oldest unanswered one on.
    private var produced: [Bool]
    private var producedBase = 0
    /// The oldest index without a result.
    private var firstMissing = 0
    private var pending: [Int: CrawlResult] = [:]
    private var fifo: [CrawlResult] = []
    private var fifoHead = 0
    private var nextIndex = 0
    private var handedOut = 0
    /// Whether an intake waits in ``waitForRoom(window:deadline:)`` for the consumer.
    private var intakeWaiting = false
    private var doneCount = 0
    private var failedCount = 0
    private var statsSoFar = BatchStats()
    private var count: Int
    /// Whether ``expand(by:)`` may still add URLs (streaming input, follow mode).
    private var open = false

    /// A collector for `total` URLs; with `open`, more may be added until ``close()``.
    public init(total: Int, order: ResultOrder, open: Bool = false) {
        self.count = total
        self.order = order
        self.open = open
        self.produced = Array(repeating: false, count: total)
    }

    /// URLs expected so far.
    public var total: Int { lock.withLock { count } }

    /// Expects `n` more URLs (indexes `total..<total+n`); ignored once closed.
    public func expand(by n: Int) {
        lock.withLock {
            guard open, n > 0 else { return }
            count += n
            produced.append(contentsOf: repeatElement(false, count: n))
        }
    }

    /// No more URLs will be added: once every result is out, ``next(deadline:)`` says done.
    public func close() {
        lock.withLock { open = false }
        lock.broadcast()
    }

    /// Adds one result. A second result for the same index (a task that ran twice) is
    /// dropped, so the consumer sees exactly one per URL. The consumer is woken only when it
    /// can take a result: in input order, a result that arrives ahead of the one it waits for
    /// does not wake it (with 64 transfers in flight, most arrive ahead).
    /// - Returns: the progress after this result, or `nil` if it was a duplicate or out of range.
    @discardableResult
    public func push(_ result: CrawlResult) -> Progress? {
        let (progress, wake) = lock.withLock { (pushLocked(result), readyLocked()) }
        if progress != nil && wake { lock.broadcast() }
        return progress
    }

    /// Adds several results with one wake-up of the consumer: a backend that receives results
    /// in bursts (the process backend reads many frames at once) saves a context switch per
    /// result. Duplicates and out-of-range indexes are dropped as in ``push(_:)``.
    /// - Returns: the progress after each accepted result, in order.
    @discardableResult
    public func push(contentsOf results: [CrawlResult]) -> [Progress] {
        let (accepted, wake) = lock.withLock { (results.compactMap { pushLocked($0) }, readyLocked()) }
        if !accepted.isEmpty && wake { lock.broadcast() }
        return accepted
    }

    private func pushLocked(_ result: CrawlResult) -> Progress? {
        guard result.index >= producedBase, result.index < count, !produced[result.index - producedBase] else { return nil }
        produced[result.index - producedBase] = true
        while firstMissing < count && produced[firstMissing - producedBase] { firstMissing += 1 }
        let answered = firstMissing - producedBase
        if answered >= 4096 && answered * 2 >= produced.count {
            produced.removeFirst(answered)
            producedBase = firstMissing
        }
        doneCount += 1
        if result.error != nil { failedCount += 1 }
        statsSoFar.add(result)
        switch order {
        case .input: pending[result.index] = result
        case .completed: fifo.append(result)
        }
        return Progress(done: doneCount, total: count, failed: failedCount,
                        elapsed: MonotonicClock.now() - started)
    }

    /// Whether `index` already has a result.
    public func hasResult(_ index: Int) -> Bool {
        lock.withLock { index >= 0 && index < count && (index < producedBase || produced[index - producedBase]) }
    }

    /// Indexes that have no result yet, in order: after the producers stop, the engine gives
    /// each of these a result of its own so that no URL is ever lost.
    public func missing() -> [Int] {
        lock.withLock { (firstMissing..<count).filter { !produced[$0 - producedBase] } }
    }

    /// The batch's statistics so far, from every result accepted (duplicates never count).
    public var stats: BatchStats {
        lock.withLock {
            var s = statsSoFar
            s.wallSeconds = MonotonicClock.now() - started
            return s
        }
    }

    /// The current progress.
    public var progress: Progress {
        lock.withLock {
            Progress(done: doneCount, total: count, failed: failedCount,
                     elapsed: MonotonicClock.now() - started)
        }
    }

    /// The next result in the collector's order.
    /// - Parameter deadline: a ``MonotonicClock`` time; `nil` waits as long as it takes.
    public func next(deadline: Double?) -> NextResult {
        let (next, wakeIntake) = lock.withLock { () -> (NextResult, Bool) in
            let r = nextLocked(deadline: deadline)
            defer { if case .result = r { intakeWaiting = false } }
            if case .result = r { return (r, intakeWaiting) }
            return (r, false)
        }
        if wakeIntake { lock.broadcast() }
        return next
    }

    /// Waits until fewer than `window` URLs of an open batch are without a result handed out
    /// (running, waiting to run, or results in the reorder buffer or queue), or `deadline`
    /// passes; returns whether there is room. The intake of a streamed batch calls it before
    /// reading each URL, so its memory is bounded whatever the input's length and however
    /// slowly the consumer reads.
    public func waitForRoom(window: Int, deadline: Double?) -> Bool {
        lock.withLock {
            guard count - handedOut >= window else { return true }
            intakeWaiting = true
            return lock.wait(until: { self.count - self.handedOut < window }, deadline: deadline)
        }
    }

    private func nextLocked(deadline: Double?) -> NextResult {
        let ready = lock.wait(until: { self.readyLocked() || (!self.open && self.handedOut == self.count) },
                              deadline: deadline)
        guard ready else { return .timedOut }
        if handedOut == count && !open { return .done }
        handedOut += 1
        switch order {
        case .input:
            let r = pending.removeValue(forKey: nextIndex)
            nextIndex += 1
            return r.map(NextResult.result) ?? .done
        case .completed:
            let r = fifo[fifoHead]
            fifoHead += 1
            if fifoHead > 1024 && fifoHead * 2 > fifo.count {
                fifo.removeFirst(fifoHead)
                fifoHead = 0
            }
            return .result(r)
        }
    }

    private func readyLocked() -> Bool {
        switch order {
        case .input: pending[nextIndex] != nil
        case .completed: fifoHead < fifo.count
        }
    }
}
