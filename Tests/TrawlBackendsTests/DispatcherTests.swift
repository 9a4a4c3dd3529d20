// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
@testable import TrawlBackends
#if canImport(Glibc)
import Glibc
#endif

/// The process backend's policy without processes: events in, actions out.
@Suite struct DispatcherTests {
    typealias Action = Dispatcher.Action

    func machine(_ n: Int, workers: Int = 1, window: Int = 8, chunk: Int = 1, attempts: Int = 2) -> Dispatcher {
        Dispatcher(urls: (0..<n).map { "http://h/\($0)" },
                   config: .init(workers: workers, window: window, chunk: chunk, taskTimeout: 30),
                   tries: TryPolicy(limit: attempts))
    }

    func sends(_ actions: [Action]) -> [Int: [Int]] {
        var out: [Int: [Int]] = [:]
        for case .send(let w, let i) in actions { out[w, default: []] += i }
        return out
    }

    @Test func urlsGoOnlyToReadyWorkers() {
        var m = machine(3)
        let v1 = m.step(now: 0)
        #expect(v1 == [.spawn])
        m.added(0, ready: false, now: 0)
        let v2 = m.step(now: 0.01)
        #expect(v2.isEmpty, "no URL before the ready frame")
        m.ready(0)
        #expect(sends(m.step(now: 0.02)) == [0: [0, 1, 2]])
        for i in 0..<3 {
            let accepted = m.accept(0, index: i, now: 1)
            #expect(accepted)
        }
        let v4 = m.accept(0, index: 1, now: 1)
        #expect(!v4, "a duplicate is not accepted")
        _ = m.step(now: 1)
        #expect(m.isFinished)
        #expect(m.isReusable(0))
    }

    @Test func aWorkerThatDiesBeforeReadyIsAStartFailureNeverACrash() {
        var m = machine(5, workers: 1)
        for attempt in 0..<3 {
            let v5 = m.step(now: Double(attempt))
            #expect(v5 == [.spawn])
            m.added(attempt, ready: false, now: Double(attempt))
            let v6 = m.died(attempt, how: "worker process 9 exited with status 0", now: Double(attempt))
            #expect(v6 == [])
        }
        let last = m.step(now: 5)
        #expect(m.isFinished)
        guard case .failMissing(let error)? = last.last else {
            Issue.record("expected every URL to fail, got \(last)")
            return
        }
        #expect(error == TrawlError(.backendUnavailable, "worker process 9 exited with status 0 before it was ready"))
    }

    @Test func aWorkerNeverReadyIsKilledAfterTheStartTimeout() {
        var m = machine(1)
        _ = m.step(now: 0)
        m.added(0, ready: false, now: 0)
        let v7 = m.step(now: 5)
        #expect(v7 == [])
        let v8 = m.step(now: 11)
        #expect(v8 == [.kill(worker: 0)])
        _ = m.died(0, how: "worker process 4 killed by signal 9 (SIGKILL)", now: 11)
        let v9 = m.step(now: 11)
        #expect(v9 == [.spawn], "a start failure, and another try")
    }

    @Test func brokenExecutableGivesTheSameVerdictEveryTime() {
        // Whatever the order of events, a worker that never says ready ends every URL
        // backend_unavailable naming how it ended.
        for workers in 1...3 {
            var m = machine(4, workers: workers)
            var id = 0
            var final: [Action] = []
            for t in 0..<20 where !m.isFinished {
                let actions = m.step(now: Double(t))
                final = actions
                for a in actions where a == .spawn {
                    m.added(id, ready: false, now: Double(t))
                    _ = m.died(id, how: "worker process \(id) killed by signal 11 (SIGSEGV)", now: Double(t))
                    id += 1
                }
            }
            #expect(m.isFinished)
            #expect(final.contains(.failMissing(TrawlError(.backendUnavailable,
                "worker process \(id - 1) killed by signal 11 (SIGSEGV) before it was ready"))), "\(final)")
        }
    }

    @Test func aDeathRetriesEachHeldURLAloneAndPinsTheSecondOnIt() {
        var m = machine(3, workers: 1)
        _ = m.step(now: 0)
        m.added(0, ready: true, now: 0)
        #expect(sends(m.step(now: 0)) == [0: [0, 1, 2]])
        let v10 = m.accept(0, index: 0, now: 1)
        #expect(v10)
        // The worker dies holding 1 and 2: both retried, nothing failed yet.
        let v11 = m.died(0, how: "worker process 7 killed by signal 11 (SIGSEGV)", now: 1)
        #expect(v11 == [])
        let v12 = m.step(now: 1)
        #expect(v12 == [.spawn])
        m.added(1, ready: true, now: 1)
        #expect(sends(m.step(now: 1)) == [1: [1]], "a retry goes alone")
        #expect(sends(m.step(now: 1)).isEmpty, "and nothing joins it")
        let v13 = m.accept(1, index: 1, now: 2)
        #expect(v13)
        #expect(sends(m.step(now: 2)) == [1: [2]])
        let actions = m.died(1, how: "worker process 8 killed by signal 11 (SIGSEGV)", now: 3)
        #expect(actions == [.fail([2], TrawlError(.workerCrashed,
            "worker process 8 killed by signal 11 (SIGSEGV) while fetching this URL (2 of 2 attempts)"))])
        // Every URL has its answer (two results, one failure): the batch is over.
        _ = m.step(now: 3)
        #expect(m.isFinished)
    }

    @Test func aURLHeldTooLongGetsItsWorkerKilled() {
        var m = Dispatcher(urls: ["http://h/"], config: .init(workers: 1, window: 8, chunk: 1, taskTimeout: 5),
                           tries: TryPolicy(limit: 1))
        _ = m.step(now: 0)
        m.added(0, ready: true, now: 0)
        _ = m.step(now: 0)
        let v14 = m.step(now: 4)
        #expect(v14 == [])
        let v15 = m.step(now: 6)
        #expect(v15 == [.kill(worker: 0)])
        let v16 = m.step(now: 7)
        #expect(v16 == [], "killed once")
        let actions = m.died(0, how: "worker process 3 killed by signal 9 (SIGKILL)", now: 7)
        #expect(actions == [.fail([0], TrawlError(.workerCrashed,
            "worker process 3 killed by signal 9 (SIGKILL) after holding a URL longer than the task timeout while fetching this URL (1 of 1 attempts)"))])
    }

    @Test func aPollFailureEndsEveryURLWithTheSystemsReason() {
        var m = machine(4)
        _ = m.step(now: 0)
        m.added(0, ready: true, now: 0)
        _ = m.step(now: 0)
        let actions = m.pollFailed(Errno(code: EINVAL, call: "poll"))
        #expect(m.isFinished)
        #expect(actions.first == .kill(worker: 0))
        guard case .failMissing(let error)? = actions.last else {
            Issue.record("expected every URL to fail, got \(actions)")
            return
        }
        #expect(error.code == .backendUnavailable)
        #expect(error.message.contains("poll: Invalid argument (errno 22)"), "\(error.message)")
    }

    @Test func pollWrapperKeepsErrno() {
        // More descriptors than the process may have open: poll(2) fails with EINVAL.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        var fds = [pollfd](repeating: pollfd(fd: -1, events: 0, revents: 0), count: Int(limit.rlim_cur) + 1)
        guard case .failure(let e) = Sys.poll(&fds, timeoutMs: 0) else {
            Issue.record("poll with \(fds.count) descriptors succeeded")
            return
        }
        #expect(e.code == EINVAL)
        #expect(e.message == "poll: Invalid argument (errno 22)")
    }

    @Test func cancelTellsWorkersAndEndsOnceTheyAnswer() {
        var m = machine(4, workers: 2)
        _ = m.step(now: 0)
        m.added(0, ready: true, now: 0)
        m.added(1, ready: true, now: 0)
        _ = m.step(now: 0)
        let v17 = m.cancel(now: 1)
        #expect(v17 == [.cancel(worker: 0), .cancel(worker: 1)])
        let v18 = m.cancel(now: 1)
        #expect(v18 == [], "once")
        let v19 = m.step(now: 1)
        #expect(v19.allSatisfy { if case .send = $0 { false } else { true } })
        #expect(!m.isFinished)
        for i in 0..<4 { _ = m.accept(0, index: i, now: 2) || m.accept(1, index: i, now: 2) }
        _ = m.step(now: 2)
        #expect(m.isFinished)
        #expect(!m.isReusable(0), "a cancelled batch's workers are not pooled")
    }

    @Test func refusedOptionsFailTheBatch() {
        var m = machine(2)
        let actions = m.refused(message: "wire version 1 from the host, worker speaks 2")
        #expect(m.isFinished)
        #expect(actions == [.failMissing(TrawlError(.backendUnavailable,
            "worker refused the batch: wire version 1 from the host, worker speaks 2"))])
    }

    /// An adaptive worker's window follows the limit it reports: what runs and half the limit
    /// more (at least 16), never above twice the limit; the fixed window holds until then.
    @Test func anAdaptiveWorkersWindowFollowsItsReportedLimit() {
        var m = machine(1000, window: 16, chunk: 4)
        _ = m.step(now: 0)
        m.added(0, ready: true, now: 0)
        #expect(sends(m.step(now: 0))[0]?.count == 16, "the configured window before any report")
        m.reported(0, limit: 100, running: 16)
        #expect(sends(m.step(now: 0.1))[0]?.count == 66 - 16, "16 running and 50 ready")
        m.reported(0, limit: 100, running: 100)
        #expect(sends(m.step(now: 0.2))[0]?.count == 150 - 66, "100 running and 50 ready")
        // The limit fell: nothing more goes out until the worker is below its new window.
        m.reported(0, limit: 20, running: 20)
        #expect(Dispatcher.window(limit: 20, running: 20) == 36)
        #expect(sends(m.step(now: 0.3)).isEmpty)
        for i in 0..<120 { _ = m.accept(0, index: i, now: 0.4) }
        // 30 held, window 36: a quarter of the window (9) must be free before a top-up.
        #expect(sends(m.step(now: 0.4)).isEmpty)
        for i in 120..<130 { _ = m.accept(0, index: i, now: 0.5) }
        #expect(sends(m.step(now: 0.5))[0]?.count == 36 - 20)
        #expect(Dispatcher.window(limit: 10, running: 10) == 20, "never more than twice the limit")
        #expect(Dispatcher.window(limit: 4, running: 0) == 8, "at least 8")
    }
}
