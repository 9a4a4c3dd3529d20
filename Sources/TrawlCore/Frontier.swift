// SPDX-License-Identifier: Apache-2.0

/// The URLs of one batch between the batch and its lanes: which runs next, which runs again
/// and when, and when there is nothing left. Pure state (no I/O, no clock: callers pass the
/// time), so every rule is tested alone.
///
/// URLs enter by index (``add(_:)`` grows the batch while its input is open) and leave through
/// ``next(now:)``; each one handed out is answered with ``complete(_:_:now:)``. Retries wait
/// here, without holding a transfer slot, until they are due; the process backend's crash
/// retries are its first case, HTTP retries with back-off, streaming input, de-duplication,
/// follow mode and robots.txt gating are the ones it is shaped for.
///
/// Memory: a URL is held from ``add(_:)`` until its result stands (done, or out of tries),
/// not for the rest of the batch, so a streamed batch of any length holds only the URLs
/// waiting or running. (A list's URLs are the caller's array, shared, not copied.)
public struct Frontier: Sendable {
    /// What a lane gets when it asks for work.
    public enum Next: Sendable, Equatable {
        /// Run URL `index`; `attempt` is 1 for its first try.
        case request(index: Int, url: String, attempt: Int)
        /// Nothing now; ask again at `until` (a time on the caller's clock), or when woken
        /// (nil: only when woken, e.g. more input or a completion).
        case wait(until: Double?)
        /// Nothing ever again.
        case finished
    }

    /// How a try of a URL ended.
    public enum Outcome: Sendable, Equatable {
        /// The result stands (success or a final error).
        case done
        /// The try failed in a way worth another, no earlier than `after` seconds from now.
        case retry(after: Double)
    }

    /// What became of a completed URL.
    public enum Verdict: Sendable, Equatable {
        /// It is finished.
        case finished
        /// It waits here for try number `attempt`.
        case again(attempt: Int)
        /// It may not run again: its last failure is its result (`tries` tries made).
        case exhausted(tries: Int)
    }

    public let tries: TryPolicy
    /// URLs never handed out, indexes `fresh ..< count`, from `queueHead` on.
    private var queue: [String]
    private var queueHead = 0
    /// URLs handed out whose result does not stand yet (running, or waiting to run again).
    private var live: [Int: String] = [:]
    /// URLs added so far.
    private var added: Int
    /// Whether handed-out URLs are dropped from `queue` (an open batch's own storage; a
    /// list's array is shared with the caller, and writing to it would copy it whole).
    private let releases: Bool
    private var fresh = 0
    /// URLs to run again, with the time they are due, in order of completion.
    private var retries: [(index: Int, due: Double)] = []
    private var attempts: [Int: Int] = [:]
    private var running = 0
    private var open: Bool
    /// Indexes at or after `fresh` never to hand out: they have results already (resumed
    /// from a journal).
    private var skipped: Set<Int> = []
    /// URLs skipped so far, handed out or not (they count as answered).
    public private(set) var skippedCount = 0

    /// - Parameters:
    ///   - urls: the batch's URLs so far, by index.
    ///   - tries: how often one URL may run.
    ///   - open: whether ``add(_:)`` may still bring more (then ``close()`` ends the input).
    public init(urls: [String] = [], tries: TryPolicy = TryPolicy(limit: 1), open: Bool = false) {
        queue = urls
        added = urls.count
        releases = open
        self.tries = tries
        self.open = open
    }

    /// URLs in the batch so far.
    public var count: Int { added }
    /// URLs never handed out (skipped ones excepted).
    public var freshRemaining: Int { added - fresh - skipped.count }
    /// URLs waiting to run again.
    public var retriesWaiting: Int { retries.count }
    /// URLs handed out and not yet completed.
    public var inFlight: Int { running }
    /// Whether ``add(_:)`` may still bring more URLs.
    public var isOpen: Bool { open }
    /// Whether nothing is left to hand out and nothing is out: the batch is over.
    public var isDrained: Bool { !open && freshRemaining == 0 && retries.isEmpty && running == 0 }

    /// Appends a URL while the input is open; returns its index.
    @discardableResult
    public mutating func add(_ url: String) -> Int {
        queue.append(url)
        added += 1
        return added - 1
    }

    /// No more URLs will be added.
    public mutating func close() { open = false }

    /// URL `index` (already added, never handed out) will not be handed out: it has its
    /// result from elsewhere (a journal of an earlier run).
    public mutating func skip(_ index: Int) {
        guard index >= fresh, index < added, skipped.insert(index).inserted else { return }
        skippedCount += 1
    }

    /// The URL at `index`, while it waits or runs; "" once its result stands.
    public func url(_ index: Int) -> String {
        if let u = live[index] { return u }
        return index >= fresh && index < added ? queue[queueHead + index - fresh] : ""
    }

    /// The number of the try of URL `index` now handed out (1 for its first).
    public func attempt(of index: Int) -> Int { attempts[index, default: 1] }

    /// The next URL to run: a due retry first, then the next new one.
    public mutating func next(now: Double) -> Next {
        if let retry = nextRetry(now: now) { return retry }
        if let n = nextFresh() { return n }
        if let due = retries.map(\.due).min() { return .wait(until: due) }
        return open || running > 0 && tries.limit > 1 ? .wait(until: nil) : .finished
    }

    /// A retry that is due, if any (the process backend gives retries to idle workers only).
    public mutating func nextRetry(now: Double) -> Next? {
        guard let k = retries.firstIndex(where: { $0.due <= now }) else { return nil }
        let index = retries.remove(at: k).index
        running += 1
        let n = attempts[index, default: 1] + 1
        attempts[index] = n
        return .request(index: index, url: live[index] ?? "", attempt: n)
    }

    /// The next URL never handed out, if any.
    public mutating func nextFresh() -> Next? {
        while fresh < added, skipped.remove(fresh) != nil { _ = popQueue() }
        guard fresh < added else { return nil }
        let index = fresh
        let url = popQueue()
        live[index] = url
        running += 1
        return .request(index: index, url: url, attempt: 1)
    }

    /// Takes the URL at `fresh` off the queue.
    private mutating func popQueue() -> String {
        let url = queue[queueHead]
        fresh += 1
        guard releases else {
            queueHead += 1
            return url
        }
        queue[queueHead] = ""
        queueHead += 1
        // Compact once the taken part is most of the storage: amortised O(1) per URL.
        if queueHead >= 1024 && queueHead * 2 >= queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return url
    }

    /// Answers a URL handed out by ``next(now:)``.
    @discardableResult
    public mutating func complete(_ index: Int, _ outcome: Outcome, now: Double) -> Verdict {
        running = max(0, running - 1)
        let made = attempts[index, default: 1]
        switch outcome {
        case .done:
            attempts[index] = nil
            live[index] = nil
            return .finished
        case .retry(let after):
            guard tries.allowsAnother(after: made) else {
                attempts[index] = nil
                live[index] = nil
                return .exhausted(tries: made)
            }
            attempts[index] = made
            retries.append((index, now + max(0, after)))
            return .again(attempt: made + 1)
        }
    }

    /// Ends everything not yet handed out (a cancel): the indexes of URLs never run and of
    /// retries that were waiting, for the caller to answer.
    public mutating func drain() -> [Int] {
        let left = retries.map(\.index) + (fresh..<added).filter { !skipped.contains($0) }
        for index in retries.map(\.index) { live[index] = nil }
        retries = []
        skipped = []
        fresh = added
        queue = []
        queueHead = 0
        open = false
        return left.sorted()
    }
}
