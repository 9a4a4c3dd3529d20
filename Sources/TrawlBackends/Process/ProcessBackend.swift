// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process backend's dispatcher, run on the batch's own thread: it feeds URLs in chunks
/// to `trawl worker` processes over sockets, merges their results, and survives their deaths.
///
/// Crash isolation: when a worker dies, every URL it held becomes a *suspect* and is retried,
/// but alone: a suspect goes only to a worker that holds nothing else, so a second death is
/// pinned on that URL and no innocent neighbour is blamed. A URL that kills
/// ``CrawlOptions/maxAttempts`` workers ends as `worker_crashed` with the exit status or
/// signal. A URL held longer than the task timeout gets its worker killed, which counts as a
/// death. Every URL still gets exactly one result.
struct ProcessBackend: Backend {
    let batch: BatchHub
    var workers: Int { batch.lanes }

    static let capabilities: BackendCapabilities = [.isolatesCrashes, .spawnsWorkers]

    static func validate(_ options: CrawlOptions) throws(TrawlError) {
        _ = try WorkerLocator.find()
    }

    static func start(hub: BatchHub) -> ProcessBackend { ProcessBackend(batch: hub) }

    private static let generations = Atomic<UInt32>(0)

    /// One worker and what it holds.
    final class Slot {
        let worker: WorkerProcess
        var outstanding: [Int: Double] = [:]   // index -> monotonic time sent
        var holdsSuspect = false
        var alive = true
        var killedForTimeout = false
        init(_ w: WorkerProcess) { worker = w }
    }

    func run() {
        let options = batch.options
        let total = batch.urls.count
        guard total > 0 else { return }
        let executable: String
        do { executable = try WorkerLocator.find() } catch {
            failAll(error)
            return
        }
        let gen = Self.generations.wrappingAdd(1, ordering: .relaxed).newValue
        let inFlight = max(1, (options.concurrency + workers - 1) / workers)
        let window = max(8, inFlight * 2)
        // The window is topped up only once half the in-flight count is free (or the last
        // few URLs fit): topping it up after every burst of results sent a frame, and woke
        // the worker's reader and its lane, for every few results.
        let chunk = max(1, inFlight / 2)
        let taskTimeout = options.taskTimeout > 0
            ? options.taskTimeout
            : options.timeout + options.connectTimeout + options.regexBudget * Double(options.effectivePatterns.count) + 30
        let configure = Frame.encode(.configure) { w in
            w.u32(Wire.version)
            w.u32(gen)
            w.u32(1)
            w.u32(UInt32(inFlight))
            options.encodeForWorker(to: &w)
        }

        // Cancellation interrupts poll() through a pipe.
        guard let wake = try? FD.socketPair() else {
            failAll(TrawlError(.internalError, "cannot create the dispatcher's wake-up socket"))
            return
        }
        defer { FD.close(wake.host); FD.close(wake.worker) }
        let wakeFD = wake.worker
        batch.register { var b: UInt8 = 1; _ = send(wakeFD, &b, 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }

        var slots: [Slot] = []
        var spawnFailures = 0
        var lastSpawnError: TrawlError? = nil
        func addWorker(_ w: WorkerProcess) -> Bool {
            do {
                try w.send(configure)
                w.generation = gen
                slots.append(Slot(w))
                return true
            } catch {
                w.kill()
                return false
            }
        }
        func spawn() {
            do {
                if !addWorker(try WorkerProcess(executable: executable, memoryLimit: options.workerMemoryLimit)) {
                    spawnFailures += 1
                }
            } catch {
                spawnFailures += 1
                lastSpawnError = error
            }
        }
        for w in WorkerPool.checkOut(workers, executable: executable) where !addWorker(w) {}
        while slots.count < workers && spawnFailures < 3 { spawn() }

        var fresh = 0                 // next index never sent
        var suspects: [Int] = []      // URLs whose worker died while holding them
        var attempts: [Int: Int] = [:]
        var cancelSent = false
        var cancelDeadline = 0.0
        let maxAttempts = max(1, options.maxAttempts)

        func deliver(_ r: CrawlResult) { batch.deliver(r) }

        func buryDead(_ slot: Slot) {
            slot.alive = false
            let how = slot.worker.reap()
                + (slot.killedForTimeout ? " after holding a URL longer than the task timeout" : "")
            for index in slot.outstanding.keys.sorted() where !batch.collector.hasResult(index) {
                let n = (attempts[index] ?? 0) + 1
                attempts[index] = n
                if n >= maxAttempts || batch.isCancelled {
                    let error = batch.isCancelled
                        ? TrawlError(.cancelled, "batch cancelled; the worker holding this URL \(how)")
                        : TrawlError(.workerCrashed, "worker process \(slot.worker.pid) \(how) while fetching this URL (\(n) of \(maxAttempts) attempts)")
                    deliver(batch.failure(index: index, error))
                } else {
                    suspects.append(index)
                }
            }
            slot.outstanding = [:]
        }

        while true {
            let cancelled = batch.isCancelled
            if cancelled && !cancelSent {
                cancelSent = true
                cancelDeadline = MonotonicClock.now() + 5
                let frame = Frame.encode(.cancel) { $0.u32(gen) }
                for s in slots where s.alive { try? s.worker.send(frame) }
            }
            // Dispatch: suspects alone to idle workers, fresh URLs in chunks up to the window.
            if !cancelled {
                for s in slots where s.alive && !s.holdsSuspect {
                    var batchItems: [Int] = []
                    if s.outstanding.isEmpty, let suspect = suspects.popLast() {
                        batchItems = [suspect]
                        s.holdsSuspect = true
                    } else if window - s.outstanding.count >= min(chunk, total - fresh) {
                        while s.outstanding.count + batchItems.count < window && fresh < total {
                            batchItems.append(fresh)
                            fresh += 1
                        }
                    }
                    guard !batchItems.isEmpty else { continue }
                    let frame = Frame.encode(.tasks) { w in
                        w.u32(gen)
                        w.u32(UInt32(batchItems.count))
                        for i in batchItems { w.i64(i); w.string(batch.urls[i]) }
                    }
                    let now = MonotonicClock.now()
                    for i in batchItems { s.outstanding[i] = now }
                    do { try s.worker.send(frame) } catch { buryDead(s) }
                }
            }
            // Replace dead workers while there is work left for them.
            slots.removeAll { !$0.alive }
            let workLeft = fresh < total || !suspects.isEmpty
            while !cancelled && workLeft && slots.count < workers && spawnFailures < 3 { spawn() }
            if slots.isEmpty && (workLeft || cancelled) {
                let reason = lastSpawnError ?? TrawlError(.backendUnavailable, "no worker process could be started")
                batch.failMissing(TrawlError(.backendUnavailable, reason.message))
                break
            }
            let held = slots.reduce(0) { $0 + $1.outstanding.count }
            if batch.collector.progress.done == total { break }
            if cancelled && held == 0 { break }
            if cancelled && MonotonicClock.now() > cancelDeadline {
                for s in slots where !s.outstanding.isEmpty { s.worker.kill(); buryDead(s) }
                break
            }

            // Wait for results, a death, or a cancel.
            var fds = slots.map { pollfd(fd: $0.worker.fd, events: Int16(POLLIN), revents: 0) }
            fds.append(pollfd(fd: wake.host, events: Int16(POLLIN), revents: 0))
            let rc = poll(&fds, nfds_t(fds.count), 100)
            if rc < 0 && errno != EINTR { break }
            if fds[fds.count - 1].revents != 0 {
                var sink = [UInt8](repeating: 0, count: 64)
                _ = recv(wake.host, &sink, sink.count, Int32(MSG_DONTWAIT))
            }
            for (k, s) in slots.enumerated() where fds[k].revents != 0 {
                let open: Bool
                do { open = try FD.read(s.worker.fd, into: &s.worker.decoder) } catch { open = false }
                var arrived: [CrawlResult] = []  // handed over together: one consumer wake-up
                do {
                    while let frame = try s.worker.decoder.next() {
                        var p = frame.payload
                        switch frame.type {
                        case .result:
                            guard try p.u32() == gen else { continue }
                            let r = try CrawlResult.decode(from: &p)
                            guard s.outstanding.removeValue(forKey: r.index) != nil else { continue }
                            if s.outstanding.isEmpty { s.holdsSuspect = false }
                            arrived.append(r)
                        case .configError:
                            _ = try p.u32()
                            let message = try p.string()
                            batch.failMissing(TrawlError(.backendUnavailable, "worker refused the batch: \(message)"))
                        case .ready, .configure, .tasks, .cancel:
                            break
                        }
                    }
                } catch {
                    s.worker.kill()
                }
                batch.deliver(contentsOf: arrived)
                if !open { buryDead(s) }
            }
            // A URL held too long: kill its worker; the death is charged like a crash.
            let now = MonotonicClock.now()
            for s in slots where s.alive {
                if let oldest = s.outstanding.values.min(), now - oldest > taskTimeout {
                    s.killedForTimeout = true
                    s.worker.kill()
                }
            }
        }

        // Healthy, idle workers go back to the pool; any other is ended.
        var keep: [WorkerProcess] = []
        for s in slots {
            if s.alive && s.outstanding.isEmpty && !cancelSent { keep.append(s.worker) } else {
                s.worker.kill()
                _ = s.worker.reap()
            }
        }
        WorkerPool.checkIn(keep)
    }

    private func failAll(_ error: TrawlError) {
        batch.failMissing(error)
    }
}
