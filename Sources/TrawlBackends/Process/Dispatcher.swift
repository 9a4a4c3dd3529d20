// SPDX-License-Identifier: Apache-2.0

import TrawlCore

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
struct Dispatcher {
    struct Config {
        /// Worker processes wanted.
        var workers: Int
        /// URLs one worker may hold.
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
    }

    let config: Config
    private(set) var frontier: Frontier
    private var workers: [Int: Worker] = [:]
    private var startFailures = 0
    private var lastStartError: String? = nil
    /// URLs with their answer: a result accepted, or a failure this dispatcher decided.
    private var resultsIn = 0
    private var cancelled = false
    private var cancelDeadline = 0.0
    /// Set once the batch is over for this dispatcher (the loop then stops).
    private(set) var isFinished = false

    /// - Parameter skip: indexes that have their results already (resumed from a journal).
    init(urls: [String], config: Config, tries: TryPolicy, skip: Set<Int> = []) {
        self.config = config
        frontier = Frontier(urls: urls, tries: tries)
        for i in skip { frontier.skip(i) }
    }

    /// Whether a cancel was seen (workers then are not kept for the next batch).
    var wasCancelled: Bool { cancelled }

    /// URLs held by workers.
    var held: Int { workers.values.reduce(0) { $0 + $1.outstanding.count } }

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
        resultsIn += 1
        return true
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
        guard !cancelled else { return [] }
        cancelled = true
        cancelDeadline = now + config.cancelGrace
        return workers.keys.sorted().map { .cancel(worker: $0) }
    }

    // MARK: Decisions

    /// What to do now: hand out URLs, start, kill or give up on workers.
    mutating func step(now: Double) -> [Action] {
        guard !isFinished else { return [] }
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
            for id in ids { if let send = dispatch(to: id, now: now) { out.append(send) } }
        }
        let workLeft = frontier.freshRemaining > 0 || frontier.retriesWaiting > 0
        if !cancelled && workLeft {
            let wanted = config.workers - workers.count
            let allowed = config.maxStartFailures - startFailures
            out += Array(repeating: .spawn, count: max(0, min(wanted, allowed)))
        }
        let spawning = out.contains(.spawn)
        if workers.isEmpty && !spawning && (workLeft || cancelled) {
            let reason = lastStartError ?? "no worker process could be started"
            out.append(.failMissing(TrawlError(.backendUnavailable, reason)))
            isFinished = true
        } else if resultsIn + frontier.skippedCount == frontier.count || cancelled && held == 0 {
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

    /// URLs for one worker: a retry alone to a worker holding nothing, else new URLs up to
    /// its window once a chunk of it is free (or the last few URLs fit).
    private mutating func dispatch(to id: Int, now: Double) -> Action? {
        guard let w = workers[id], w.ready, !w.holdsRetry else { return nil }
        var items: [Int] = []
        if w.outstanding.isEmpty, case .request(let index, _, _)? = frontier.nextRetry(now: now) {
            items = [index]
            workers[id]?.holdsRetry = true
        } else if config.window - w.outstanding.count >= min(config.chunk, frontier.freshRemaining) {
            while w.outstanding.count + items.count < config.window,
                  case .request(let index, _, _)? = frontier.nextFresh() {
                items.append(index)
            }
        }
        guard !items.isEmpty else { return nil }
        for i in items { workers[id]?.outstanding[i] = now }
        return .send(worker: id, indexes: items)
    }
}
