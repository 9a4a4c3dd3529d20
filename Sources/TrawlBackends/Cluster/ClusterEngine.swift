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
/// (timeouts, headers, patterns) shape the lanes, so each batch gets its own, fed by the
/// Redis thread; every finished task goes to the outbox with the stream entry it answers.
final class ClusterEngine: Sendable {
    let batchID: String
    private let lanes: QueuedLanes<String>
    private let outbox: ClusterOutbox

    init(batchID: String, options: CrawlOptions, extractor: Extractor, lanes: Int, inFlight: Int,
         limiter: ConcurrencyLimiter? = nil, outbox: ClusterOutbox) throws(TrawlError) {
        self.batchID = batchID
        self.outbox = outbox
        self.lanes = try QueuedLanes(label: "batch \(batchID)", options: options, extractor: extractor,
                                     lanes: lanes, inFlight: inFlight, limiter: limiter) { entry, result, cancelled in
            // A cancelled batch's tasks are only acknowledged: nobody reads its results.
            outbox.push(ClusterCompletion(batchID: batchID, entryIDs: [entry], result: cancelled ? nil : result))
        }
    }

    func enqueue(_ request: FetchRequest, entryID: String) {
        lanes.enqueue([(request, entryID)])
    }

    /// Ends the lanes. With `cancel` (the batch was cancelled), transfers in flight end at
    /// once and queued tasks are only acknowledged; without, the lanes finish what they hold.
    func stop(cancel: Bool) {
        for (request, entry) in lanes.stop(cancel: cancel) {
            let result = cancel ? nil : lanes.failure(request, TrawlError(.cancelled, "the worker stopped before this URL was fetched"))
            outbox.push(ClusterCompletion(batchID: batchID, entryIDs: [entry], result: result))
        }
    }
}
