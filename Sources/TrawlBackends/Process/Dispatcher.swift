// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlHTTP

/// The process backend's policy as pure state: which worker gets which URLs, when a worker is
/// started, killed or given up on, and what a death costs. No processes, sockets or clock:
/// ``ProcessBackend`` feeds it events (a worker added, ready, a result, a death, the time) and
/// carries out the ``Action``s it answers, so every rule is tested alone.
///
/// Start-up is a handshake: a worker counts as started only once its `ready` frame arrived,
/// and only then gets URLs. A worker that ends before it is ready is a start failure (after
/// ``Config/maxStartFailures`` of them every URL without a result ends `backend_unavailable`
/// with the reason), never a crash charged to a URL; so a broken worker executable always
/// gives `backend_unavailable`, and `worker_crashed` always means a URL was running.
///
/// Crash isolation: when a worker dies, every URL it held goes back to the ``Frontier`` as a
/// retry, and a retry goes only to a worker that holds nothing else, so a second death is
/// pinned on that URL and no innocent neighbour is blamed. A URL whose tries are used up
/// (``CrawlOptions/maxAttempts``, a ``TryPolicy``) ends `worker_crashed`.
///
/// HTTP retries are the host's too: a worker hands a transiently failed attempt back with its
/// wait (``retry(_:index:after:elapsed:now:)``), and the URL waits here, holding no worker's
/// slot, until it is due; then it goes out again to any worker, with its attempt number.
///
/// Per-host pacing (``Config/pacer``: `host_delay`, `host_rate`) is decided here for the whole
/// batch: a URL goes to a worker only when its host's turn is due, and only to a worker with a
/// free transfer slot (so it starts at once, and the gaps the host chose are the gaps the
/// server sees). URLs whose host must wait wait here, in a line per host, and the other
/// hosts' URLs go past them.
///
/// A streamed batch (a URL source, a feed, follow mode) starts with its input open: URLs
/// arrive through ``add(_:fetch:)`` while it runs, and it is over only once ``closeInput()``
/// was called and every URL has its answer. If no worker can be started while the input is
/// still open, the URLs so far fail `backend_unavailable` and so does each one that arrives
/// afterwards, until the input ends.
struct Dispatcher {
    struct Config {
        /// Worker processes wanted.
        var workers: Int
        /// URLs one worker may hold, until it reports an adaptive limit (then ``window(limit:running:)``).
        var window: Int
        /// Top a worker up only once this many of its window are free.
        var chunk: Int
        /// Seconds a worker may hold one URL before it is killed.
        var taskTimeout: Double
        /// Seconds a started worker may take to say it is ready.
        var startTimeout: Double = 10
        /// Start failures (spawn errors, deaths before ready) before the batch gives up on
        /// new workers.
        var maxStartFailures: Int = 3
        /// Seconds after a cancel that workers may take to answer what they hold.
        var cancelGrace: Double = 5
        /// Transfers one worker runs at once: a paced URL goes only to a worker with one free.
        var slots: Int = Int.max
        /// The batch's per-host pacing, nil for none (then URLs go out in chunks).
        var pacer: HostPacer? = nil
        /// URLs taken from the frontier to wait for their host's turn, at most: enough that
        /// other hosts' URLs are found behind a long run of one host's.
        var lookahead: Int = 4096
    }

    enum Action: Equatable {
        /// Start one worker and report ``added(_:ready:now:)`` or ``startFailed(_:)``.
        case spawn
        /// Send these URLs to the worker.
        case send(worker: Int, indexes: [Int])
        /// Send the worker the batch's cancel frame.
        case cancel(worker: Int)
        /// Kill the worker (its death is reported later by ``died(_:how:now:)``).
        case kill(worker: Int)
        /// These URLs end with this error.
        case fail([Int], TrawlError)
        /// Every URL still without a result ends with this error.
        case failMissing(TrawlError)
    }

    private struct Worker {
        var ready: Bool
        var added: Double
        /// Index -> time sent.
        var outstanding: [Int: Double] = [:]
        var holdsRetry = false
        var killedForTimeout = false
        var killedForStart = false
        /// Why the loop killed it, when it sent bytes that are not frames.
        var corrupt: String? = nil
        /// An adaptive worker's limit and transfers running, as it last reported them.
        var limit: Int? = nil
        var running = 0
    }

    let config: Config
    private(set) var frontier: Frontier
    /// HTTP retries handed back by workers, with the time each is due.
    private var retrying: [(index: Int, due: Double)] = []
    /// The HTTP attempt number of a URL's next try, once it is past its first.
    private var attempts: [Int: Int] = [:]
    /// Transfer seconds of a URL's earlier HTTP attempts (added to its final result).
    private var spent: [Int: Double] = [:]
    /// Paced batches: the per-host start times, the URLs waiting for their host's turn (a
    /// line per host, hosts in order of arrival) and crash retries waiting for theirs.
    private var pacer: HostPacer?
    private var lines: [String: [Int]] = [:]
    private var lineOrder: [String] = []
    private var parked = 0
    private var crashRetries: [Int] = []
    /// Host keys of the URLs parked or held in a paced batch (a key costs a URL parse).
    private var keys: [Int: String] = [:]
    private let hostKey: (String) -> String?
    private let dice: () -> Double
    private var workers: [Int: Worker] = [:]
    private var startFailures = 0
    private var lastStartError: String? = nil
    /// URLs with their answer: a result accepted, or a failure this dispatcher decided.
    private var resultsIn = 0
    private var cancelled = false
    private var cancelDeadline = 0.0
    /// Set once the batch is over for this dispatcher (the loop then stops).
    private(set) var isFinished = false
    /// Why no worker can run the batch, once that was decided while the input was still open:
    /// every URL that arrives afterwards ends with it.
    private var broken: TrawlError? = nil

    /// - Parameters:
    ///   - open: more URLs are to come through ``add(_:fetch:)`` (a streamed batch).
    ///   - skip: indexes that have their results already (resumed from a journal).
    ///   - hostKey: a URL's `host:port` key for pacing (nil: never paced, it fails anyway).
    ///   - dice: uniform draws in 0..<1 for `host_delay`'s jitter.
    init(urls: [String], open: Bool = false, config: Config, tries: TryPolicy, skip: Set<Int> = [],
         hostKey: @escaping (String) -> String? = { _ in nil },
         dice: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.config = config
        self.pacer = config.pacer
        self.hostKey = hostKey
        self.dice = dice
        frontier = Frontier(urls: urls, tries: tries, open: open)
        for i in skip { frontier.skip(i) }
    }

    /// The next URL of a streamed batch (indexes follow on). With `fetch` false it only takes
    /// its index: its result comes from elsewhere (the journal, a copy's with `dedupe`).
    mutating func add(_ url: String, fetch: Bool = true) {
        let index = frontier.add(fetch ? url : "")
        if !fetch { frontier.skip(index) }
    }

    /// A streamed batch's input is over.
    mutating func closeInput() { frontier.close() }

    /// The URL at `index`.
    func url(of index: Int) -> String { frontier.url(index) }

    /// Every URL has its answer, and none is to come.
    private var allAnswered: Bool { !frontier.isOpen && resultsIn + frontier.skippedCount == frontier.count }

    /// Whether a cancel was seen (workers then are not kept for the next batch).
    var wasCancelled: Bool { cancelled }

    /// URLs held by workers.
    var held: Int { workers.values.reduce(0) { $0 + $1.outstanding.count } }

    /// The HTTP attempt number of URL `index`'s next try (1 for its first).
    func attempt(of index: Int) -> Int { attempts[index] ?? 1 }

    /// Transfer seconds of URL `index`'s earlier HTTP attempts, for its final result.
    func spentBefore(_ index: Int) -> Double { spent[index] ?? 0 }

    /// The next time after `now` a paced start or an HTTP retry falls due (the loop wakes
    /// then), if any. Starts due already wait for a free worker, whose result wakes the loop.
    func nextDue(after now: Double) -> Double? {
        var dues = retrying.map(\.due)
        if let pacer {
            dues += lineOrder.map { pacer.due($0) }
            dues += crashRetries.compactMap { keys[$0].map { pacer.due($0) } }
        }
        return dues.filter { $0 > now }.min()
    }

    /// Whether `worker` may go back to the pool: alive, holding nothing, batch not cancelled.
    /// One not ready yet goes back too, and finishes its handshake in the next batch.
    func isReusable(_ worker: Int) -> Bool {
        guard let w = workers[worker] else { return false }
        return w.outstanding.isEmpty && !cancelled && !w.killedForStart && w.corrupt == nil
    }

    // MARK: Events

    /// A worker was started (or taken from the pool, `ready`) and sent the batch's options.
    mutating func added(_ worker: Int, ready: Bool, now: Double) {
        workers[worker] = Worker(ready: ready, added: now)
    }

    /// A worker could not be started, or refused its options frame.
    mutating func startFailed(_ error: TrawlError) {
        startFailures += 1
        lastStartError = error.message
    }

    /// The worker sent bytes that are not frames (the loop kills it).
    mutating func corrupt(_ worker: Int, _ error: TrawlError) {
        workers[worker]?.corrupt = error.message
    }

    /// An adaptive worker's limit on transfers in flight, and the transfers it runs, moved.
    mutating func reported(_ worker: Int, limit: Int, running: Int) {
        workers[worker]?.limit = max(1, limit)
        workers[worker]?.running = max(0, running)
    }

    /// URLs an adaptive worker may hold: what runs and half the limit more ready behind it (at
    /// least 16), never more than twice the limit. Its limit grows only while half of it is
    /// used, so the worker must hold more than it runs; but a limit standing far above what
    /// runs (per-host caps hold the worker back) would only park URLs there that another
    /// worker could start.
    static func window(limit: Int, running: Int) -> Int {
        max(8, min(2 * limit, running + max(16, limit / 2)))
    }

    private func window(of w: Worker) -> Int {
        w.limit.map { Self.window(limit: $0, running: w.running) } ?? config.window
    }

    /// The worker's `ready` frame arrived.
    mutating func ready(_ worker: Int) {
        workers[worker]?.ready = true
    }

    /// A result for `index` arrived from `worker`.
    /// - Returns: whether it is the answer awaited (not a stray or a duplicate).
    mutating func accept(_ worker: Int, index: Int, now: Double) -> Bool {
        guard workers[worker]?.outstanding.removeValue(forKey: index) != nil else { return false }
        if workers[worker]?.outstanding.isEmpty == true { workers[worker]?.holdsRetry = false }
        frontier.complete(index, .done, now: now)
        attempts[index] = nil
        spent[index] = nil
        keys[index] = nil
        resultsIn += 1
        return true
    }

    /// `worker`'s attempt at `index` failed transiently: it runs again after `after` seconds
    /// (from here, the host, so it takes its host's turn like any start). `elapsed` is the
    /// attempt's transfer time. The URL stays the frontier's (a crash on a later try still
    /// counts against ``CrawlOptions/maxAttempts``).
    mutating func retry(_ worker: Int, index: Int, after: Double, elapsed: Double, now: Double) {
        guard workers[worker]?.outstanding.removeValue(forKey: index) != nil else { return }
        if workers[worker]?.outstanding.isEmpty == true { workers[worker]?.holdsRetry = false }
        attempts[index] = attempt(of: index) + 1
        spent[index, default: 0] += max(0, elapsed)
        retrying.append((index, now + max(0, after.isFinite ? after : 0)))
    }

    /// The worker refused the batch's options: no worker will take it.
    mutating func refused(message: String) -> [Action] {
        isFinished = true
        return [.failMissing(TrawlError(.backendUnavailable, "worker refused the batch: \(message)"))]
    }

    /// The worker's socket closed and the process ended as `how` ("worker process 12 exited
    /// with status 0", "... killed by signal 11 (SIGSEGV)").
    mutating func died(_ worker: Int, how: String, now: Double) -> [Action] {
        guard let w = workers.removeValue(forKey: worker) else { return [] }
        let ended = how + (w.corrupt.map { " after sending a corrupt frame (\($0))" } ?? "")
        guard w.ready else {
            let why = w.killedForStart ? " (not ready within \(config.startTimeout) s)" : ""
            startFailed(TrawlError(.backendUnavailable, "\(ended) before it was ready\(why)"))
            return []
        }
        let how = ended + (w.killedForTimeout ? " after holding a URL longer than the task timeout" : "")
        var out: [Action] = []
        for index in w.outstanding.keys.sorted() {
            if cancelled {
                frontier.complete(index, .done, now: now)
                resultsIn += 1
                out.append(.fail([index], TrawlError(.cancelled, "batch cancelled; the \(how)")))
                continue
            }
            switch frontier.complete(index, .retry(after: 0), now: now) {
            case .exhausted(let n):
                resultsIn += 1
                out.append(.fail([index], TrawlError(.workerCrashed,
                    "\(how) while fetching this URL (\(frontier.tries.describe(n)))")))
            case .again, .finished:
                break
            }
        }
        return out
    }

    /// The dispatcher cannot wait for its workers any more (`poll` failed): every URL without
    /// a result ends with what the system said.
    mutating func pollFailed(_ error: Errno) -> [Action] {
        isFinished = true
        var out: [Action] = workers.keys.sorted().map { .kill(worker: $0) }
        out.append(.failMissing(TrawlError(.backendUnavailable,
                                           "the process backend cannot wait for its workers: \(error.message)")))
        return out
    }

    /// The batch was cancelled: workers are told, and given a moment to answer.
    mutating func cancel(now: Double) -> [Action] {
        // A cancel after the last result (a caller freeing its finished batch before this
        // loop noticed the end) changes nothing: the workers stay reusable.
        guard !cancelled, !allAnswered else { return [] }
        cancelled = true
        cancelDeadline = now + config.cancelGrace
        return workers.keys.sorted().map { .cancel(worker: $0) }
    }

    // MARK: Decisions

    /// What to do now: hand out URLs, start, kill or give up on workers.
    mutating func step(now: Double) -> [Action] {
        guard !isFinished else { return [] }
        if let broken { return failArrivals(broken) }
        var out: [Action] = []
        let ids = workers.keys.sorted()
        for id in ids {
            guard let w = workers[id] else { continue }
            // A URL held too long: kill its worker; the death is charged like a crash.
            if w.ready, !w.killedForTimeout, let oldest = w.outstanding.values.min(),
               now - oldest > config.taskTimeout {
                workers[id]?.killedForTimeout = true
                out.append(.kill(worker: id))
            }
            if !w.ready, !w.killedForStart, now - w.added > config.startTimeout {
                workers[id]?.killedForStart = true
                out.append(.kill(worker: id))
            }
        }
        if !cancelled {
            if pacer != nil {
                out += dispatchPaced(ids, now: now)
            } else {
                for id in ids { if let send = dispatch(to: id, now: now) { out.append(send) } }
            }
        }
        let workLeft = frontier.freshRemaining > 0 || frontier.retriesWaiting > 0 || !retrying.isEmpty
            || parked > 0 || !crashRetries.isEmpty
        // Open input: workers are started (and kept) for the URLs still to come.
        let inputOpen = frontier.isOpen && !cancelled
        if !cancelled && (workLeft || inputOpen) {
            let wanted = config.workers - workers.count
            let allowed = config.maxStartFailures - startFailures
            out += Array(repeating: .spawn, count: max(0, min(wanted, allowed)))
        }
        let spawning = out.contains(.spawn)
        if workers.isEmpty && !spawning && (workLeft || cancelled || inputOpen) {
            let error = TrawlError(.backendUnavailable, lastStartError ?? "no worker process could be started")
            if inputOpen {
                // Exactly the URLs this dispatcher holds (no worker holds any): the intake may
                // have told the batch of URLs that are still on their way here, and those
                // fail as they arrive, each once.
                var lost = retrying.map(\.index) + crashRetries + lines.values.flatMap { $0 }
                (retrying, crashRetries, lines, lineOrder, parked) = ([], [], [:], [], 0)
                while case .request(let index, _, _)? = frontier.nextRetry(now: .infinity) { lost.append(index) }
                while case .request(let index, _, _)? = frontier.nextFresh() { lost.append(index) }
                for index in lost { frontier.complete(index, .done, now: now) }
                resultsIn += lost.count
                if !lost.isEmpty { out.append(.fail(lost.sorted(), error)) }
                broken = error
            } else {
                out.append(.failMissing(error))
                isFinished = true
            }
        } else if allAnswered || cancelled && held == 0 {
            isFinished = true
        } else if cancelled && now > cancelDeadline {
            for id in ids where !(workers[id]?.outstanding.isEmpty ?? true) {
                out.append(.kill(worker: id))
                let lost = workers[id]?.outstanding.keys.sorted() ?? []
                workers[id]?.outstanding = [:]
                out.append(.fail(lost, TrawlError(.cancelled, "batch cancelled; its worker did not answer in time")))
            }
            isFinished = true
        }
        return out
    }

    /// No worker can run the batch: URLs that arrived since the last pass end with `error`,
    /// and the dispatcher is finished once the input is over.
    private mutating func failArrivals(_ error: TrawlError) -> [Action] {
        var lost: [Int] = []
        while case .request(let index, _, _)? = frontier.nextFresh() {
            lost.append(index)
            frontier.complete(index, .done, now: 0)
        }
        resultsIn += lost.count
        if !frontier.isOpen || cancelled { isFinished = true }
        return lost.isEmpty ? [] : [.fail(lost, error)]
    }

    /// URLs for one worker: a retry alone to a worker holding nothing, else new URLs up to
    /// its window once a chunk of it is free (or the last few URLs fit).
    private mutating func dispatch(to id: Int, now: Double) -> Action? {
        guard let w = workers[id], w.ready, !w.holdsRetry else { return nil }
        var items: [Int] = []
        if w.outstanding.isEmpty, case .request(let index, _, _)? = frontier.nextRetry(now: now) {
            items = [index]
            workers[id]?.holdsRetry = true
        } else if case let window = window(of: w),
                  window - w.outstanding.count >= min(w.limit == nil ? config.chunk : max(1, window / 4),
                                                      frontier.freshRemaining + dueRetries(now)) {
            while w.outstanding.count + items.count < window, let index = nextDueRetry(now) {
                items.append(index)
            }
            while w.outstanding.count + items.count < window,
                  case .request(let index, _, _)? = frontier.nextFresh() {
                items.append(index)
            }
        }
        guard !items.isEmpty else { return nil }
        for i in items { workers[id]?.outstanding[i] = now }
        return .send(worker: id, indexes: items)
    }

    private func dueRetries(_ now: Double) -> Int { retrying.reduce(0) { $0 + ($1.due <= now ? 1 : 0) } }

    /// An HTTP retry that is due, oldest hand-back first.
    private mutating func nextDueRetry(_ now: Double) -> Int? {
        guard let k = retrying.firstIndex(where: { $0.due <= now }) else { return nil }
        return retrying.remove(at: k).index
    }

    // MARK: Pacing

    private mutating func key(_ index: Int) -> String {
        if let k = keys[index] { return k }
        let k = hostKey(frontier.url(index)) ?? ""
        keys[index] = k
        return k
    }

    /// Whether URL `index` may start now; a URL without a host key (it fails in the worker
    /// before any transfer) always may.
    private func isDue(_ host: String, _ now: Double) -> Bool {
        host.isEmpty || (pacer?.due(host) ?? -.infinity) <= now
    }

    private mutating func started(_ host: String, _ now: Double) {
        if !host.isEmpty { pacer?.started(host, now: now, random: dice()) }
    }

    private mutating func park(_ index: Int, first: Bool) {
        let host = key(index)
        if lines[host] == nil { lineOrder.append(host) }
        if first { lines[host, default: []].insert(index, at: 0) } else { lines[host, default: []].append(index) }
        parked += 1
    }

    /// Paced hand-out: every host whose turn is due gives its first waiting URL (a due
    /// retry before new ones) to the worker with the most free slots among those holding
    /// the fewest of that host's URLs; one start per host per turn.
    private mutating func dispatchPaced(_ ids: [Int], now: Double) -> [Action] {
        while let index = nextDueRetry(now) { park(index, first: true) }
        while parked < config.lookahead, case .request(let index, _, _)? = frontier.nextFresh() {
            park(index, first: false)
        }
        while case .request(let index, _, _)? = frontier.nextRetry(now: now) {
            crashRetries.append(index)
            _ = key(index)
        }
        var sends: [Int: [Int]] = [:]
        // A crash retry goes alone to a worker holding nothing, once its host is due.
        var k = 0
        while k < crashRetries.count {
            let index = crashRetries[k], host = key(index)
            guard isDue(host, now), let id = ids.first(where: { id in
                workers[id].map { $0.ready && !$0.holdsRetry && $0.outstanding.isEmpty } ?? false
            }) else { k += 1; continue }
            crashRetries.remove(at: k)
            workers[id]?.holdsRetry = true
            workers[id]?.outstanding[index] = now
            sends[id] = [index]
            started(host, now)
        }
        var free: [Int: Int] = [:]
        for id in ids {
            guard let w = workers[id], w.ready, !w.holdsRetry else { continue }
            let room = (w.limit ?? config.slots) - w.outstanding.count
            if room > 0 { free[id] = room }
        }
        var emptied = false
        for host in lineOrder where !free.isEmpty && isDue(host, now) {
            guard var line = lines[host], !line.isEmpty else { continue }
            repeat {
                guard let id = pick(free, host: host) else { break }
                let index = line.removeFirst()
                parked -= 1
                workers[id]?.outstanding[index] = now
                sends[id, default: []].append(index)
                free[id] = (free[id] ?? 1) - 1
                if free[id] == 0 { free[id] = nil }
                started(host, now)
            } while !line.isEmpty && !free.isEmpty && isDue(host, now)
            lines[host] = line
            emptied = emptied || line.isEmpty
        }
        if emptied {
            lineOrder.removeAll { lines[$0]?.isEmpty ?? true }
            lines = lines.filter { !$0.value.isEmpty }
        }
        return sends.keys.sorted().map { .send(worker: $0, indexes: sends[$0] ?? []) }
    }

    /// A worker for a URL of `host`: one that holds none of the host's URLs if any (it then
    /// starts the URL at once rather than queueing it behind its own transfer on the host),
    /// the most free slots breaking ties.
    private func pick(_ free: [Int: Int], host: String) -> Int? {
        func load(_ id: Int) -> Int {
            workers[id]?.outstanding.keys.reduce(0) { $0 + (keys[$1] == host ? 1 : 0) } ?? 0
        }
        return free.keys.sorted().min { a, b in
            let (la, lb) = (load(a), load(b))
            return la != lb ? la < lb : (free[a] ?? 0) > (free[b] ?? 0)
        }
    }
}
