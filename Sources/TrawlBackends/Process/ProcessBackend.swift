// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlHTTP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process backend, run on the batch's own thread: a thin poll loop that feeds URLs in
/// chunks to `trawl worker` processes over sockets and merges their results. Every decision
/// (who gets which URL, what a death costs, when to start, kill or give up) is the
/// ``Dispatcher``'s; this loop only carries its actions out and tells it what happened.
///
/// A streamed batch (a URL source or feed, and follow mode, whose source is its frontier) is
/// read by a ``URLIntake`` on a thread of its own, as on the thread backend, into a
/// ``IntakeInbox`` that this loop empties into the dispatcher on every pass.
struct ProcessBackend: Backend {
    let batch: BatchHub
    var workers: Int { batch.lanes }

    static let capabilities: BackendCapabilities = [.isolatesCrashes, .spawnsWorkers, .streamsInput, .followsLinks]

    static func validate(_ options: CrawlOptions) throws(TrawlError) {
        _ = try WorkerLocator.find()
    }

    static func start(hub: BatchHub) -> ProcessBackend { ProcessBackend(batch: hub) }

    private static let generations = Atomic<UInt32>(0)

    /// The task timeout when `task_timeout` is 0. A worker now holds a URL for one HTTP
    /// attempt (the host schedules retries and paces hosts), but the bound still covers every
    /// attempt and back-off and the per-host waits of a full window of URLs on one host (a
    /// robots.txt's Crawl-delay is a worker's own), so an explicit `task_timeout` sized by the
    /// documented rule stays right.
    static func derivedTaskTimeout(_ options: CrawlOptions, inFlight: Int) -> Double {
        let tries = Double(options.maxRetries + 1)
        let attempt = options.timeout + options.connectTimeout
        let window = Double(max(8, inFlight * 2))
        let hostWaits = window * (options.hostDelay * 1.5 + (options.hostRate > 0 ? 1 / options.hostRate : 0))
        return tries * attempt + Double(options.maxRetries) * options.retryMax + hostWaits
            + options.regexBudget * Double(options.effectivePatterns.count) + 30
    }

    func run() {
        let options = batch.options
        let total = batch.urls.count
        guard batch.source != nil || total > batch.resumed.count else { return }
        let executable: String
        do { executable = try WorkerLocator.find() } catch {
            batch.failMissing(error)
            return
        }
        let gen = Self.generations.wrappingAdd(1, ordering: .relaxed).newValue
        // With `concurrency` auto each worker adapts its own limit, from its share of 64 up to
        // its share of max_concurrency, and reports it; the dispatcher sizes its window.
        let adaptive = options.concurrency == 0
        let inFlight = max(1, (options.fixedConcurrency + workers - 1) / workers)
        let most = adaptive ? max(inFlight, (options.maxConcurrency + workers - 1) / workers) : inFlight
        let taskTimeout = options.taskTimeout > 0 ? options.taskTimeout : Self.derivedTaskTimeout(options, inFlight: most)
        // The window is topped up only once half the in-flight count is free (or the last
        // few URLs fit): topping it up after every burst of results sent a frame, and woke
        // the worker's reader and its lane, for every few results.
        var config = Dispatcher.Config(workers: workers, window: max(8, inFlight * 2), chunk: max(1, inFlight / 2),
                                       taskTimeout: taskTimeout)
        // host_delay and host_rate hold for the batch: this process paces every host's starts
        // across the workers, which then start what they get at once (a worker's own pacing
        // would only shift the starts this one spaced).
        var workerOptions = options
        // Follow mode runs here, over the results: the workers resolve the followed pattern's
        // links as they would an absolute_links pattern's (follow itself is not theirs).
        workerOptions.absoluteLinks = options.resolvedLinkPatterns
        // Each worker caps its own connections to a host: its share keeps the batch within
        // per_host_connections, as the thread backend's one host table does.
        if options.perHostConnections > 0 {
            workerOptions.perHostConnections = max(1, (options.perHostConnections + workers - 1) / workers)
            workerOptions.perHostStreams = max(1, (options.perHostStreams + workers - 1) / workers)
        }
        if options.hostDelay > 0 || options.hostRate > 0 {
            config.slots = inFlight
            config.pacer = HostPacer(delay: options.hostDelay, rate: options.hostRate)
            workerOptions.hostDelay = 0
            workerOptions.hostRate = 0
        }
        let keys = try? HostKeys(allowedProtocols: options.allowedProtocols)
        var machine = Dispatcher(urls: batch.urls, open: batch.source != nil, config: config, tries: TryPolicy(limit: options.maxAttempts),
                                 skip: batch.resumed, hostKey: { keys?.key($0) })
        let configure = Frame.encode(.configure) { w in
            w.u32(Wire.version)
            w.u32(gen)
            w.u32(1)
            w.u32(UInt32(inFlight))
            w.u32(UInt32(most))
            w.u32((adaptive ? [.handsRetriesBack, .adaptsConcurrency] : WorkerFlags.handsRetriesBack).rawValue)
            // Each worker's part of a host's slots adapts as that part of one table's would.
            w.u32(options.perHostConnections > 0 ? UInt32(workers) : 1)
            workerOptions.encodeForWorker(to: &w)
        }

        // Cancellation interrupts poll() through a socket.
        let waker: LoopWaker
        do { waker = try LoopWaker() } catch {
            batch.failMissing(TrawlError(.internalError, "cannot create the dispatcher's wake-up socket: \(error.message)"))
            return
        }
        defer { waker.close() }
        batch.register { waker.wake() }

        let intake = InboxIntake.start(batch, wake: { waker.wake() })
        let inbox = intake?.inbox
        defer { intake?.stop() }

        var procs: [Int: WorkerProcess] = [:]
        var nextID = 0
        // What the adaptive workers last reported (limit, running), for progress and stats.
        var flights: [Int: (limit: Int, running: Int)] = [:]
        var peak = 0
        func publish(running: Bool = true) {
            guard adaptive else {
                let n = options.fixedConcurrency
                batch.workersReported(ConcurrencySnapshot(adaptive: false, limit: n, peak: n, max: n, running: 0))
                return
            }
            let limit = procs.keys.reduce(0) { $0 + (flights[$1]?.limit ?? inFlight) }
            peak = max(peak, limit)
            batch.workersReported(ConcurrencySnapshot(adaptive: true, limit: limit, peak: peak, max: options.maxConcurrency,
                                                      running: running ? flights.values.reduce(0) { $0 + $1.running } : 0))
        }
        func add(_ w: WorkerProcess, ready: Bool) {
            do {
                try w.send(configure)
            } catch {
                w.kill()
                machine.startFailed(TrawlError(.backendUnavailable, "worker process \(w.pid) \(w.reap()) before it was ready"))
                return
            }
            procs[nextID] = w
            machine.added(nextID, ready: ready, now: MonotonicClock.now())
            nextID += 1
            publish()
        }
        func bury(_ id: Int) -> [Dispatcher.Action] {
            guard let w = procs.removeValue(forKey: id) else { return [] }
            flights[id] = nil
            publish()
            return machine.died(id, how: "worker process \(w.pid) \(w.reap())", now: MonotonicClock.now())
        }
        func perform(_ actions: [Dispatcher.Action]) {
            var pending = actions[...]
            while let action = pending.popFirst() {
                switch action {
                case .spawn:
                    do {
                        add(try WorkerProcess(executable: executable, memoryLimit: options.workerMemoryLimit), ready: false)
                    } catch {
                        machine.startFailed(error)
                    }
                case .send(let id, let indexes):
                    let frame = Frame.encode(.tasks) { w in
                        w.u32(gen)
                        w.u32(UInt32(indexes.count))
                        for i in indexes { w.i64(i); w.string(machine.url(of: i)); w.u32(UInt32(clamping: machine.attempt(of: i))) }
                    }
                    guard let p = procs[id] else { continue }
                    do { try p.send(frame) } catch {
                        p.kill()
                        pending += bury(id)
                    }
                case .cancel(let id):
                    try? procs[id]?.send(Frame.encode(.cancel) { $0.u32(gen) })
                case .kill(let id):
                    procs[id]?.kill()
                case .fail(let indexes, let error):
                    batch.fail(indexes, error)
                case .failMissing(let error):
                    batch.failMissing(error)
                }
            }
        }

        for w in WorkerPool.checkOut(workers, executable: executable, memoryLimit: options.workerMemoryLimit) {
            add(w, ready: w.isReady)
        }
        while true {
            if let inbox {
                let (arrived, closed) = inbox.take()
                for item in arrived { machine.add(item.url, fetch: item.fetch) }
                if closed { machine.closeInput() }
            }
            if batch.isCancelled { perform(machine.cancel(now: MonotonicClock.now())) }
            let actions = machine.step(now: MonotonicClock.now())
            perform(actions)
            if machine.isFinished { break }
            // Workers just started: decide again at once (more spawns, or giving up).
            if actions.contains(.spawn) { continue }

            // Wait for frames, a death, or a cancel.
            let ids = procs.keys.sorted()
            var fds = ids.map { pollfd(fd: procs[$0]?.fd ?? -1, events: Int16(POLLIN), revents: 0) }
            fds.append(pollfd(fd: waker.readEnd, events: Int16(POLLIN), revents: 0))
            // At most 100 ms (cancellation, timeouts), less when a paced start or a retry
            // falls due sooner.
            let now = MonotonicClock.now()
            let wait = machine.nextDue(after: now).map { Int32(min(100, (($0 - now) * 1000).rounded(.up))) } ?? 100
            if case .failure(let error) = Sys.poll(&fds, timeoutMs: max(1, wait)) {
                perform(machine.pollFailed(error))
                break
            }
            if fds[fds.count - 1].revents != 0 { waker.drain() }
            for (k, id) in ids.enumerated() where fds[k].revents != 0 {
                guard let p = procs[id] else { continue }
                let open: Bool
                do { open = try FD.read(p.fd, into: &p.decoder) } catch { open = false }
                var arrived: [CrawlResult] = []  // handed over together: one consumer wake-up
                var followUp: [Dispatcher.Action] = []
                do {
                    while let frame = try p.decoder.next() {
                        var r = frame.payload
                        switch frame.type {
                        case .ready:
                            p.isReady = true
                            machine.ready(id)
                        case .result:
                            guard try r.u32() == gen else { continue }
                            var result = try CrawlResult.decode(from: &r)
                            try r.expectEnd()
                            let earlier = machine.spentBefore(result.index)
                            if machine.accept(id, index: result.index, now: MonotonicClock.now()) {
                                result.timing.fetch += earlier
                                arrived.append(result)
                            }
                        case .retry:
                            guard try r.u32() == gen else { continue }
                            let index = try r.i64(), after = try r.f64(), elapsed = try r.f64()
                            try r.expectEnd()
                            machine.retry(id, index: index, after: after, elapsed: elapsed, now: MonotonicClock.now())
                        case .limit:
                            guard try r.u32() == gen else { continue }
                            let limit = Int(try r.u32()), running = Int(try r.u32())
                            try r.expectEnd()
                            machine.reported(id, limit: limit, running: running)
                            flights[id] = (limit, running)
                            publish()
                        case .configError:
                            _ = try r.u32()
                            followUp += machine.refused(message: try r.string())
                        case .configure, .tasks, .cancel:
                            break
                        }
                    }
                } catch {
                    machine.corrupt(id, error)
                    p.kill()
                }
                batch.deliver(contentsOf: arrived)
                if !open { followUp += bury(id) }
                perform(followUp)
            }
        }

        // Nothing runs any more, whatever the last reports said.
        publish(running: false)
        // Healthy, idle workers go back to the pool; any other is ended.
        var keep: [WorkerProcess] = []
        for (id, p) in procs {
            if machine.isReusable(id) { keep.append(p) } else {
                p.kill()
                _ = p.reap()
            }
        }
        WorkerPool.checkIn(keep)
    }
}
