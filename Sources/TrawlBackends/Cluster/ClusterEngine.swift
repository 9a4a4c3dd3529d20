// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlExtract
import TrawlHTTP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A finished task waiting to be written back: the result (nil when the task is only to be
/// acknowledged, e.g. its batch was cancelled) and the task entries it answers.
struct ClusterCompletion: Sendable {
    var batchID: String
    var entryIDs: [String]
    var result: CrawlResult?
}

/// Completions from the lane threads to the worker's Redis thread, which writes them back
/// in one pipeline per flush.
final class ClusterOutbox: Sendable {
    private let items = Mutex<[ClusterCompletion]>([])
    private let lock = ConditionLock()
    private let signalled = Atomic<Bool>(false)

    func push(_ c: ClusterCompletion) {
        items.withLock { $0.append(c) }
        lock.withLock { signalled.store(true, ordering: .relaxed) }
        lock.broadcast()
    }

    func take() -> [ClusterCompletion] {
        items.withLock { i in defer { i = [] }; return i }
    }

    /// Waits until something was pushed or `seconds` passed.
    func wait(_ seconds: Double) {
        let deadline = MonotonicClock.now() + seconds
        lock.withLock {
            _ = lock.wait(until: { signalled.load(ordering: .relaxed) }, deadline: deadline)
            signalled.store(false, ordering: .relaxed)
        }
    }
}

/// The lanes running one batch's tasks inside a cluster worker: the batch's own options
/// (timeouts, headers, patterns) shape the lanes, so each batch gets its own, fed through a
/// queue by the Redis thread, as the process backend's worker engine is.
final class ClusterEngine: Sendable {
    let batchID: String
    let extractor: Extractor
    let options: CrawlOptions
    private let queue = Mutex<(items: [(FetchRequest, String)], head: Int)>(([], 0))
    /// Entry ids of requests handed to a lane, by index (a task delivered twice to the same
    /// worker has two).
    private let running = Mutex<[Int: [String]]>([:])
    private let cancelled = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let wakers = Mutex<[LaneWaker]>([])
    private let threads = Mutex<[OSThread]>([])
    private let outbox: ClusterOutbox

    init(batchID: String, options: CrawlOptions, extractor: Extractor, lanes: Int, inFlight: Int,
         outbox: ClusterOutbox) throws(TrawlError) {
        self.batchID = batchID
        self.options = options
        self.extractor = extractor
        self.outbox = outbox
        for lane in 0..<lanes {
            let t = try OSThread(name: "trawl-clane-\(lane)") { [self] in runLane(lanes: lanes, inFlight: inFlight) }
            threads.withLock { $0.append(t) }
        }
    }

    func enqueue(_ request: FetchRequest, entryID: String) {
        queue.withLock { q in
            if q.head > 4096 && q.head * 2 > q.items.count {
                q.items.removeFirst(q.head)
                q.head = 0
            }
            q.items.append((request, entryID))
        }
        for w in wakers.withLock({ $0 }) { w.wake() }
    }

    /// Ends the lanes. With `cancel` (the batch was cancelled), transfers in flight end at
    /// once and queued tasks are only acknowledged; without, the lanes finish what they hold.
    func stop(cancel: Bool) {
        if cancel { cancelled.store(true, ordering: .releasing) }
        finished.store(true, ordering: .releasing)
        for w in wakers.withLock({ $0 }) { w.wake() }
        for t in threads.withLock({ ts in defer { ts = [] }; return ts }) { t.join() }
        let left = queue.withLock { q in defer { q = ([], 0) }; return Array(q.items[q.head...]) }
        for (request, entry) in left {
            outbox.push(ClusterCompletion(batchID: batchID, entryIDs: [entry],
                                          result: cancel ? nil : failure(request, TrawlError(.cancelled, "the worker stopped before this URL was fetched"))))
        }
    }

    func failure(_ request: FetchRequest, _ error: TrawlError) -> CrawlResult {
        CrawlResult.failed(index: request.index, url: request.url, error: error,
                           patterns: extractor.patterns, groups: extractor.groupCounts)
    }

    private func runLane(lanes: Int, inFlight: Int) {
        let processor = PageProcessor(extractor: extractor, decode: options.decode)
        let lane: FetchLane
        do { lane = try FetchLane(options: options, lanes: lanes) } catch {
            // Options another worker accepted but this machine's libcurl refuses: answer each
            // task with the reason rather than leaving it to be reclaimed forever.
            Console.error("trawl worker: batch \(batchID): \(error.message)\n")
            while let (request, entry) = pop() {
                outbox.push(ClusterCompletion(batchID: batchID, entryIDs: [entry], result: failure(request, error)))
            }
            return
        }
        wakers.withLock { $0.append(lane.waker) }
        lane.run(
            inFlight: inFlight,
            next: {
                if cancelled.load(ordering: .acquiring) { return .finished }
                guard let (request, entry) = pop() else {
                    return finished.load(ordering: .acquiring) ? .finished : .wait
                }
                running.withLock { $0[request.index, default: []].append(entry) }
                return .request(request)
            },
            isCancelled: { cancelled.load(ordering: .acquiring) },
            complete: { response in
                let entries = running.withLock { r -> [String] in
                    guard var list = r[response.index], !list.isEmpty else { return [] }
                    let first = list.removeFirst()
                    r[response.index] = list.isEmpty ? nil : list
                    return [first]
                }
                let cancelledNow = cancelled.load(ordering: .acquiring)
                outbox.push(ClusterCompletion(batchID: batchID, entryIDs: entries,
                                              result: cancelledNow ? nil : processor.result(for: response)))
            }
        )
    }

    private func pop() -> (FetchRequest, String)? {
        queue.withLock { q in
            guard q.head < q.items.count else { return nil }
            defer { q.head += 1 }
            return q.items[q.head]
        }
    }
}
