// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlHTTP
import Synchronization

/// Where pages are decoded and matched: threads of their own, fed by the fetch lanes, so
/// that a page needing seconds of regex work (within its `regex_budget`) never stops a lane
/// from driving its other transfers, and no transfer's timer runs while another page is
/// matched.
///
/// Lanes ``submit(_:_:)`` responses and never block: while the pool holds ``backlog`` pages
/// or more, ``hasRoom`` is false and lanes pull no new requests (their running transfers go
/// on), and the lanes are woken once room returns. Memory for pages waiting here is thus
/// bounded by the backlog plus the transfers in flight.
///
/// Each thread owns a ``PageProcessor`` (PCRE2 match data is per thread). Results go to
/// `onResult` on a pool thread, several at once.
///
/// `@unchecked Sendable`: `queue`, `head` and `closed` are read and written only with `lock`
/// held; `threads` is written in `init`, before the pool is shared, and read by ``finish()``.
final class MatcherPool<Tag: Sendable>: @unchecked Sendable {
    typealias OnResult = @Sendable (_ result: CrawlResult, _ tag: Tag) -> Void

    /// Pages waiting or being matched at which lanes stop pulling new requests.
    let backlog: Int
    private let lock = ConditionLock()
    private var queue: [(FetchResponse, Tag)] = []
    private var head = 0
    private var closed = false
    /// Pages submitted and not yet answered (queued or being matched).
    private let pending = Atomic<Int>(0)
    private let wakers = Mutex<[LaneWaker]>([])
    private var threads: [OSThread] = []
    private let onResult: OnResult

    /// The pool's size for a batch with `lanes` fetch lanes: one matcher per lane, and at
    /// least two, so that one slow page never holds every other page back.
    static func threads(lanes: Int) -> Int { max(2, lanes) }

    /// Starts `threads` matcher threads.
    /// - Parameters:
    ///   - backlog: pages queued or being matched at which lanes stop pulling (at least
    ///     `threads`).
    ///   - makeProcessor: called once on each matcher thread.
    ///   - onResult: every page's result, on a matcher thread.
    /// - Throws: `internal` when not even one thread could be started.
    init(threads count: Int, backlog: Int, makeProcessor: @escaping @Sendable () -> PageProcessor,
         onResult: @escaping OnResult) throws(TrawlError) {
        self.backlog = max(backlog, count, 1)
        self.onResult = onResult
        var started: [OSThread] = []
        for k in 0..<max(1, count) {
            do {
                started.append(try OSThread(name: "trawl-match-\(k)") { [self] in
                    work(makeProcessor())
                })
            } catch {
                // Fewer matchers still answer every page.
                if started.isEmpty { throw error }
                break
            }
        }
        threads = started
    }

    /// Whether lanes may pull another request: fewer than ``backlog`` pages are pending.
    var hasRoom: Bool { pending.load(ordering: .relaxed) < backlog }

    /// Pages submitted and not yet answered.
    var pendingCount: Int { pending.load(ordering: .relaxed) }

    /// Registers a lane to wake when room returns after ``hasRoom`` was false.
    func register(_ waker: LaneWaker) {
        wakers.withLock { $0.append(waker) }
    }

    /// Queues a response for matching; returns at once.
    func submit(_ response: FetchResponse, _ tag: Tag) {
        pending.add(1, ordering: .relaxed)
        lock.withLock { queue.append((response, tag)) }
        lock.broadcast()
    }

    /// Answers every page submitted so far, then ends the threads. Call once, after the
    /// lanes have returned (nothing is submitted after it).
    func finish() {
        lock.withLock { closed = true }
        lock.broadcast()
        for t in threads { t.join() }
        threads = []
    }

    private func take() -> (FetchResponse, Tag)? {
        lock.withLock {
            _ = lock.wait(until: { head < queue.count || closed }, deadline: nil)
            guard head < queue.count else { return nil }
            let item = queue[head]
            head += 1
            // Drop answered entries once they are half the array, so it never grows past
            // about twice what is waiting.
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private func work(_ processor: PageProcessor) {
        while let (response, tag) = take() {
            onResult(processor.result(for: response), tag)
            let before = pending.subtract(1, ordering: .relaxed).oldValue
            // Room came back: the lanes may be idle in `curl_multi_poll` waiting for it.
            if before == backlog {
                for w in wakers.withLock({ $0 }) { w.wake() }
            }
        }
    }
}
