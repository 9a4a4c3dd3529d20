// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The batch's limit on transfers in flight, shared by its lanes in this process: fixed when
/// `concurrency` is a number, adaptive (``GradientLimit``) when it is `auto`. Every transfer
/// reports its start and end here; each lane runs ``share(lanes:)`` transfers at most.
///
/// Thread-safe: one lock around the controller, an atomic for the running count (read on
/// every pass of every lane).
public final class ConcurrencyLimiter: Sendable {
    /// Whether the limit adapts.
    public let isAdaptive: Bool
    private let state: Mutex<(limit: GradientLimit, peak: Int)>
    private let running = Atomic<Int>(0)
    private let limitNow: Atomic<Int>

    /// The limiter of `options`: `concurrency` fixed, or adaptive from 64 (at least one per
    /// lane) up to `max_concurrency`.
    public convenience init(_ options: CrawlOptions, lanes: Int) {
        if options.concurrency > 0 {
            self.init(fixed: options.concurrency)
        } else {
            self.init(adaptive: GradientLimit(initial: 64, min: Swift.max(4, lanes), max: options.maxConcurrency))
        }
    }

    /// A limit that never moves.
    public init(fixed: Int) {
        isAdaptive = false
        let n = Swift.max(1, fixed)
        state = Mutex((GradientLimit(initial: n, min: n, max: n), n))
        limitNow = Atomic(n)
    }

    public init(adaptive: GradientLimit) {
        isAdaptive = true
        state = Mutex((adaptive, adaptive.current))
        limitNow = Atomic(adaptive.current)
    }

    /// The transfers one of `lanes` lanes may run now.
    public func share(lanes: Int) -> Int {
        let n = limitNow.load(ordering: .relaxed)
        return Swift.max(1, (n + lanes - 1) / Swift.max(1, lanes))
    }

    /// The limit now and the transfers running, read without the controller's lock (for a
    /// caller on every transfer's path; ``snapshot`` takes the lock).
    public var current: (limit: Int, running: Int) {
        (limitNow.load(ordering: .relaxed), running.load(ordering: .relaxed))
    }

    /// A transfer started.
    public func started() { running.add(1, ordering: .relaxed) }

    /// A transfer ended after `rtt` seconds; `strained` for a 429 or 503, a timeout or a
    /// connect failure.
    public func ended(rtt: Double, strained: Bool) {
        let before = running.subtract(1, ordering: .relaxed).oldValue
        guard isAdaptive else { return }
        state.withLock { s in
            if s.limit.record(rtt: rtt, running: before, strained: strained) {
                let n = s.limit.current
                s.peak = Swift.max(s.peak, n)
                limitNow.store(n, ordering: .relaxed)
            }
        }
    }

    /// A transfer was ended by the lane (cancelled, or the multi handle failed): no sample.
    public func abandoned() { running.subtract(1, ordering: .relaxed) }

    /// What `--stats` and progress show.
    public var snapshot: ConcurrencySnapshot {
        let (limit, peak) = state.withLock { ($0.limit, $0.peak) }
        return ConcurrencySnapshot(adaptive: isAdaptive, limit: limit.current, peak: peak,
                                   max: Int(limit.maxLimit), running: running.load(ordering: .relaxed))
    }
}

/// The batch's limit on transfers in flight at one moment.
public struct ConcurrencySnapshot: Sendable, Equatable {
    /// Whether the limit adapts (`concurrency` auto) or is pinned.
    public var adaptive: Bool
    /// The limit now, and the highest it reached.
    public var limit: Int
    public var peak: Int
    /// `max_concurrency` when adaptive, else the pinned number.
    public var max: Int
    /// Transfers running now, in this process.
    public var running: Int

    public init(adaptive: Bool, limit: Int, peak: Int, max: Int, running: Int) {
        self.adaptive = adaptive
        self.limit = limit
        self.peak = peak
        self.max = max
        self.running = running
    }

    /// One JSON object, as the stats' `concurrency` key holds it.
    public var json: String {
        "{\"mode\":\"\(adaptive ? "auto" : "fixed")\",\"limit\":\(limit),\"peak\":\(peak),\"max\":\(max),\"running\":\(running)}"
    }
}
