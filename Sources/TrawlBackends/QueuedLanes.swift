// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlExtract
import TrawlHTTP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The lanes of one batch inside a worker process — the process backend's `trawl worker
/// --pipe` and the cluster backend's `trawl worker --redis` — fed through a queue by the
/// thread that receives tasks. Each task carries a `Tag` its feeder needs back with the result
/// (nothing for a pipe, the stream entry id for Redis).
///
/// The lanes are the thread backend's: one `FetchLane` each, pages decoded and matched by a
/// `PageProcessor` in the same kind of ``MatcherPool``, so every backend gives the same
/// results and a slow page never stalls a lane.
final class QueuedLanes<Tag: Sendable>: Sendable {
    /// Called on a lane thread for every task that ran: its result, and whether the batch was
    /// cancelled while it ran (the result then says `cancelled`).
    typealias Finished = @Sendable (_ tag: Tag, _ result: CrawlResult, _ cancelled: Bool) -> Void

    let extractor: Extractor
    let options: CrawlOptions
    /// Tasks not yet handed to a lane: the frontier orders them (by local index), `items`
    /// holds each one's request and tag until then.
    private let queue = Mutex<(frontier: Frontier, items: [Int: (FetchRequest, Tag)])>((Frontier(open: true), [:]))
    /// Tags of requests handed to a lane, by index (a task delivered twice to the same worker
    /// has two).
    private let running = Mutex<[Int: [Tag]]>([:])
    private let cancelled = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let wakers = Mutex<[LaneWaker]>([])
    private let threads = Mutex<[OSThread]>([])
    private let onFinished: Finished
    private let label: String
    /// Shared by the lanes: the per-host limit holds for the batch in this process.
    private let hosts: HostPolicy
    /// DNS cache and TLS sessions of the lanes; nil when libcurl could not make the share.
    private let share: LaneShare?
    /// Matches the pages of every lane; a result carries its task's tag and whether the batch
    /// was cancelled while its transfer ran.
    private let matchers: MatcherPool<(Tag, Bool)>
    #if DEBUG
    /// Test hook, compiled into debug builds only: a task whose URL contains this marker
    /// aborts the worker, so tests can crash a real worker at a chosen URL.
    private let crashMarker: String? = getenv("TRAWL_TEST_CRASH_MARKER").map { String(cString: $0) }
    #endif

    /// Starts `lanes` lane threads with `inFlight` transfers each.
    /// - Parameter label: names the batch in diagnostics.
    init(label: String, options: CrawlOptions, extractor: Extractor, lanes: Int, inFlight: Int,
         onFinished: @escaping Finished) throws(TrawlError) {
        self.label = label
        self.options = options
        self.extractor = extractor
        self.onFinished = onFinished
        self.hosts = HostPolicy(perHostConnections: options.perHostConnections)
        self.share = try? LaneShare()
        let count = max(1, lanes)
        matchers = try MatcherPool(
            threads: MatcherPool<(Tag, Bool)>.threads(lanes: count), backlog: ThreadBackend.backlog(lanes: count),
            makeProcessor: { PageProcessor(extractor: extractor, decode: options.decode) },
            onResult: { result, tag in onFinished(tag.0, result, tag.1) })
        for lane in 0..<count {
            do {
                let t = try OSThread(name: "trawl-qlane-\(lane)") { [self] in
                    runLane(inFlight: max(1, inFlight))
                }
                threads.withLock { $0.append(t) }
            } catch {
                // End the threads already started (lanes and matchers) rather than leave
                // them waiting for tasks that never come.
                _ = stop(cancel: true)
                throw error
            }
        }
    }

    func enqueue(_ items: [(FetchRequest, Tag)]) {
        queue.withLock { q in
            for item in items { q.items[q.frontier.add(item.0.url)] = item }
        }
        for w in wakers.withLock({ $0 }) { w.wake() }
    }

    /// Ends the lanes. With `cancel`, transfers in flight end at once (reported through
    /// `onFinished` as cancelled); without, the lanes finish what they hold.
    /// - Returns: the tasks that never started, for the caller to answer.
    func stop(cancel: Bool) -> [(FetchRequest, Tag)] {
        if cancel { cancelled.store(true, ordering: .releasing) }
        finished.store(true, ordering: .releasing)
        for w in wakers.withLock({ $0 }) { w.wake() }
        for t in threads.withLock({ ts in defer { ts = [] }; return ts }) { t.join() }
        matchers.finish()
        return queue.withLock { q in
            defer { q.items = [:] }
            return q.frontier.drain().compactMap { q.items[$0] }
        }
    }

    /// A result for a task that ended without a page.
    func failure(_ request: FetchRequest, _ error: TrawlError) -> CrawlResult {
        FailedResults(extractor).result(index: request.index, url: request.url, error)
    }

    private func pop() -> (FetchRequest, Tag)? {
        queue.withLock { q in
            guard case .request(let local, _, _)? = q.frontier.nextFresh() else { return nil }
            // Handed to a lane for good: tries are the host's to count.
            q.frontier.complete(local, .done, now: 0)
            return q.items.removeValue(forKey: local)
        }
    }

    private func runLane(inFlight: Int) {
        let lane: FetchLane
        do { lane = try FetchLane(options: FetchOptions(options), hosts: hosts, share: share) } catch {
            // Options the submitter accepted but this machine's libcurl refuses: answer every
            // task with the reason rather than leave it waiting or to be reclaimed forever.
            Console.error("trawl worker: \(label): \(error.message)\n")
            failEveryTask(error)
            return
        }
        wakers.withLock { $0.append(lane.waker) }
        matchers.register(lane.waker)
        lane.run(
            inFlight: inFlight,
            next: {
                if cancelled.load(ordering: .acquiring) { return .finished }
                guard matchers.hasRoom else { return .wait }
                guard let (request, tag) = pop() else {
                    return finished.load(ordering: .acquiring) ? .finished : .wait
                }
                #if DEBUG
                if let crashMarker, request.url.contains(crashMarker) { abort() }
                #endif
                running.withLock { $0[request.index, default: []].append(tag) }
                return .request(request)
            },
            isCancelled: { cancelled.load(ordering: .acquiring) },
            complete: { response in
                let tag: Tag? = running.withLock { r in
                    guard var list = r[response.index], !list.isEmpty else { return nil }
                    let first = list.removeFirst()
                    r[response.index] = list.isEmpty ? nil : list
                    return first
                }
                guard let tag else { return }
                matchers.submit(response, (tag, cancelled.load(ordering: .acquiring)))
            }
        )
    }

    private func failEveryTask(_ error: TrawlError) {
        while true {
            if let (request, tag) = pop() {
                onFinished(tag, failure(request, error), false)
            } else if finished.load(ordering: .acquiring) {
                return
            } else {
                usleep(20_000)
            }
        }
    }
}
