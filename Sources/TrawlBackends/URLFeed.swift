// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// A ``URLSource`` that a producer pushes URLs into while the batch runs: the C ABI's
/// `trawl_batch_open` / `trawl_batch_add` / `trawl_batch_close_input`, or a Swift program
/// that learns its URLs as it goes.
///
/// The feed holds at most ``capacity`` URLs the batch has not read yet; the batch itself
/// reads only as it has room (see ``Crawler/start(source:onProgress:)``), so a producer that
/// runs ahead of the crawl waits in ``add(_:timeout:)`` instead of growing memory. Every URL
/// that ``add(_:timeout:)`` accepted gets exactly one result, also when the batch is
/// cancelled before it ran (`cancelled`).
///
/// Threads: any number of producers may call ``add(_:timeout:)`` and ``close()`` at once;
/// URLs keep the order in which their `add` calls returned.
///
/// `@unchecked Sendable`: `queue`, `head`, `closed` and `cancelled` are read and written only
/// with `lock` held.
public final class URLFeed: URLSource, @unchecked Sendable {
    /// What ``add(_:timeout:)`` did with a URL.
    public enum AddResult: Sendable, Equatable {
        /// The batch will give it a result.
        case added
        /// The feed stayed full for the whole timeout: not added, try again after taking
        /// results (the batch reads more only as its results are taken).
        case timedOut
        /// ``close()`` was called: not added.
        case closed
        /// The batch was cancelled: not added.
        case cancelled
    }

    /// URLs accepted and not yet read by the batch, at most this many.
    public let capacity: Int
    private let lock = ConditionLock()
    private var queue: [String] = []
    private var head = 0
    private var closed = false
    private var cancelled = false

    /// - Parameter capacity: URLs held for the batch at most (at least 1).
    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// Adds `url` (any string: an invalid one gets a result of its own), waiting while the
    /// feed is full: at most `timeout` seconds, forever when nil, not at all when 0.
    public func add(_ url: String, timeout: Double? = nil) -> AddResult {
        let deadline = timeout.map { MonotonicClock.now() + max(0, $0) }
        let result: AddResult = lock.withLock {
            _ = lock.wait(until: { closed || cancelled || queue.count - head < capacity }, deadline: deadline)
            if cancelled { return .cancelled }
            if closed { return .closed }
            guard queue.count - head < capacity else { return .timedOut }
            queue.append(url)
            return .added
        }
        if result == .added { lock.broadcast() }
        return result
    }

    /// Ends the input: the batch ends once every URL added has its result. Idempotent.
    public func close() {
        lock.withLock { closed = true }
        lock.broadcast()
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { lock.withLock { closed } }

    public func next() -> URLSourceItem {
        let item: URLSourceItem = lock.withLock {
            _ = lock.wait(until: { head < queue.count || closed || cancelled }, deadline: nil)
            guard head < queue.count else { return .end }
            let url = queue[head]
            head += 1
            // Drop the taken prefix now and then, so the array never holds more than twice
            // the capacity.
            if head >= capacity { queue.removeFirst(head); head = 0 }
            return .url(url)
        }
        lock.broadcast()
        return item
    }

    /// Accepted URLs are never lost: a cancelled batch reads them all (they end `cancelled`).
    public var drainsOnCancel: Bool { true }

    public func cancel() {
        lock.withLock { cancelled = true }
        lock.broadcast()
    }
}
