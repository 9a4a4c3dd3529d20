// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlExtract
import TrawlHTTP
import TrawlWARC
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
    /// Called on a lane thread for a task whose attempt failed transiently, instead of
    /// retrying it here: the feeder runs it again after `after` seconds (`elapsed`: the
    /// attempt's transfer seconds). The process backend's host schedules retries this way.
    typealias HandBack = @Sendable (_ tag: Tag, _ request: FetchRequest, _ after: Double, _ elapsed: Double) -> Void

    let extractor: Extractor
    let options: CrawlOptions
    /// Tasks of this worker: the frontier orders them (by local index) and holds those
    /// waiting for a retry; `items` holds each one's request and tag until its result, and
    /// `spent` the transfer seconds of its earlier attempts.
    private let queue = Mutex<Queue>(Queue())
    private let retries: Retries
    private let cancelled = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let wakers = Mutex<[LaneWaker]>([])
    private let threads = Mutex<[OSThread]>([])
    private let onFinished: Finished
    private let handBack: HandBack?
    private let label: String
    /// Shared by the lanes: the per-host limit holds for the batch in this process.
    private let hosts: HostPolicy
    /// DNS cache and TLS sessions of the lanes; nil when libcurl could not make the share.
    private let share: LaneShare?
    /// robots.txt verdicts of this worker's lanes: fetched once per origin per worker.
    private let robots: RobotsGate?
    /// This worker's cookie jar, loaded from `cookie_file` (on this worker's machine) and not
    /// saved: several workers writing one file would each undo the others' cookies.
    private let cookies: CookieJar?
    /// Matches the pages of every lane; a result carries its task's tag and whether the batch
    /// was cancelled while its transfer ran.
    private let matchers: MatcherPool<Settled>
    /// This worker's own WARC files for the batch (`warc` option), `PATH-PID-NNNNN.warc.gz`.
    private let warc: WARCWriter?
    /// The worker's limit on transfers in flight, shared with its other batches' lanes (the
    /// cluster worker's, adaptive unless pinned); nil: `inFlight` per lane, fixed.
    private let limiter: ConcurrencyLimiter?
    private let laneCount: Int
    #if DEBUG
    /// Test hook, compiled into debug builds only: a task whose URL contains this marker
    /// aborts the worker, so tests can crash a real worker at a chosen URL.
    private let crashMarker: String? = getenv("TRAWL_TEST_CRASH_MARKER").map { String(cString: $0) }
    #endif

    /// Starts `lanes` lane threads with `inFlight` transfers each.
    /// - Parameters:
    ///   - label: names the batch in diagnostics.
    ///   - handBack: where transient failures go, when the feeder schedules retries (nil:
    ///     they wait in this worker's frontier).
    ///   - limiter: when given, the lanes run their share of it instead of `inFlight` each.
    ///   - hostShare: how many workers hold each host's slots together (``FetchOptions/hostShare``).
    init(label: String, options: CrawlOptions, extractor: Extractor, lanes: Int, inFlight: Int,
         limiter: ConcurrencyLimiter? = nil, hostShare: Int = 1,
         handBack: HandBack? = nil, onFinished: @escaping Finished) throws(TrawlError) {
        self.label = label
        self.limiter = limiter
        self.laneCount = max(1, lanes)
        self.options = options
        self.extractor = extractor
        self.onFinished = onFinished
        self.handBack = handBack
        var fetch = FetchOptions(options)
        fetch.hostShare = hostShare
        self.hosts = HostPolicy(fetch)
        self.share = try? LaneShare()
        let warc = WARCArchive.writer(options, pid: getpid())
        self.warc = warc
        let retries = Retries(options)
        self.retries = retries
        queue.withLock { $0.frontier = Frontier(tries: retries.tries, open: true) }
        self.robots = RobotsGate.forBatch(options, hosts: hosts)
        do {
            self.cookies = try CookieJar.forBatch(options)
        } catch {
            // The submitter read the file; this worker (another machine of a cluster, say)
            // cannot: its lanes start with an empty jar rather than refuse their tasks.
            Console.error("trawl worker: \(label): \(error.message); starting with no cookies\n")
            self.cookies = CookieJar()
        }
        let count = max(1, lanes)
        matchers = try MatcherPool(
            threads: MatcherPool<Settled>.threads(lanes: count), backlog: ThreadBackend.backlog(lanes: count),
            makeProcessor: {
                PageProcessor(extractor: extractor, decode: options.decode, links: extractor.linkRewriter(options),
                              observer: warc.map(WARCArchive.init(writer:)))
            },
            onResult: { result, settled in
                var r = retries.finish(result, settled.stamp)
                r.index = settled.request.index
                r.url = settled.request.url
                onFinished(settled.tag, r, settled.cancelled)
            })
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

    /// - Parameter attempts: the HTTP attempt number of each item's try, by position (1,
    ///   its first, where missing): a URL handed back runs again as its next attempt.
    func enqueue(_ items: [(FetchRequest, Tag)], attempts: [Int] = []) {
        queue.withLock { q in
            for (k, item) in items.enumerated() {
                let local = q.frontier.add(item.0.url)
                q.items[local] = item
                if k < attempts.count, attempts[k] > 1 { q.earlier[local] = attempts[k] - 1 }
            }
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
        try? warc?.close()
        return queue.withLock { q in
            defer { q.items = [:] }
            return q.frontier.drain().compactMap { q.items[$0] }
        }
    }

    /// A result for a task that ended without a page.
    func failure(_ request: FetchRequest, _ error: TrawlError) -> CrawlResult {
        FailedResults(extractor, options: options).result(index: request.index, url: request.url, error)
    }

    struct Queue {
        var frontier = Frontier(open: true)
        var items: [Int: (FetchRequest, Tag)] = [:]
        var spent: [Int: Double] = [:]
        /// HTTP attempts a task made elsewhere before it came here (its feeder's retries).
        var earlier: [Int: Int] = [:]
    }

    /// A final attempt on its way through a matcher: its task, tag and retry history, and
    /// whether the batch was cancelled while its transfer ran.
    struct Settled: Sendable {
        var request: FetchRequest
        var tag: Tag
        var stamp: Retries.Stamp
        var cancelled: Bool
    }

    /// The next task for a lane (a due retry first), as a request by its local index.
    private func pop() -> FetchRequest? {
        queue.withLock { q in
            guard case .request(let local, let url, _) = q.frontier.next(now: MonotonicClock.now()) else { return nil }
            return FetchRequest(index: local, url: url)
        }
    }

    /// What became of the attempt of local task `response.index`: nil when it waits for a
    /// retry (or is unknown), else its task, tag and history for the matcher.
    private func settle(_ response: FetchResponse) -> Settled? {
        let local = response.index
        let cancelled = cancelled.load(ordering: .acquiring)
        let (attempt, spent, item) = queue.withLock { q in
            (q.frontier.attempt(of: local) + (q.earlier[local] ?? 0), q.spent[local] ?? 0, q.items[local])
        }
        guard let (request, tag) = item else { return nil }
        let decision = cancelled ? .final : retries.judge(response, attempt: attempt)
        if case .retry(let after) = decision, let handBack {
            queue.withLock { q in
                q.items[local] = nil
                q.spent[local] = nil
                q.earlier[local] = nil
                _ = q.frontier.complete(local, .done, now: MonotonicClock.now())
            }
            handBack(tag, request, after, spent + response.elapsed)
            return nil
        }
        if case .retry(let after) = decision {
            queue.withLock { q in
                q.spent[local, default: 0] += response.elapsed
                _ = q.frontier.complete(local, .retry(after: after), now: MonotonicClock.now())
            }
            return nil
        }
        queue.withLock { q in
            q.items[local] = nil
            q.spent[local] = nil
            q.earlier[local] = nil
            _ = q.frontier.complete(local, .done, now: MonotonicClock.now())
        }
        return Settled(request: request, tag: tag, stamp: Retries.Stamp(attempt: attempt, spent: spent, decision: decision),
                       cancelled: cancelled)
    }

    private func runLane(inFlight: Int) {
        let lane: FetchLane
        do { lane = try FetchLane(options: FetchOptions(options), hosts: hosts, share: share, robots: robots,
                                       cookies: cookies, limiter: limiter) } catch {
            // Options the submitter accepted but this machine's libcurl refuses: answer every
            // task with the reason rather than leave it waiting or to be reclaimed forever.
            Console.error("trawl worker: \(label): \(error.message)\n")
            failEveryTask(error)
            return
        }
        wakers.withLock { $0.append(lane.waker) }
        matchers.register(lane.waker)
        let limiter = self.limiter, lanes = laneCount
        lane.run(
            limit: { limiter?.share(lanes: lanes) ?? inFlight },
            next: {
                if cancelled.load(ordering: .acquiring) { return .finished }
                guard matchers.hasRoom else { return .wait }
                guard let request = pop() else {
                    let idle = queue.withLock { $0.items.isEmpty }
                    return finished.load(ordering: .acquiring) && idle ? .finished : .wait
                }
                #if DEBUG
                if let crashMarker, request.url.contains(crashMarker) { abort() }
                #endif
                return .request(request)
            },
            isCancelled: { cancelled.load(ordering: .acquiring) },
            complete: { response in
                guard let settled = settle(response) else { return }
                matchers.submit(response, settled)
            }
        )
    }

    private func failEveryTask(_ error: TrawlError) {
        while true {
            if let local = pop()?.index, let (request, tag) = queue.withLock({ q -> (FetchRequest, Tag)? in
                _ = q.frontier.complete(local, .done, now: 0)
                return q.items.removeValue(forKey: local)
            }) {
                onFinished(tag, failure(request, error), false)
            } else if finished.load(ordering: .acquiring) {
                return
            } else {
                usleep(20_000)
            }
        }
    }
}
