// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
import TrawlHTTP
@testable import TrawlBackends

/// The process backend's host-side pacing and HTTP retries, without processes: which URL goes
/// to which worker, and when.
@Suite struct DispatcherPacingTests {
    /// URLs "a0", "a1", ... on host a and "b0", ... on host b, in the order given; the host
    /// key is the name's first letter. Two ready workers with `slots` transfers each.
    func machine(_ names: [String], delay: Double = 1, rate: Double = 0, slots: Int = 2) -> Dispatcher {
        var config = Dispatcher.Config(workers: 2, window: 8, chunk: 1, taskTimeout: 30)
        config.slots = slots
        config.pacer = HostPacer(delay: delay, rate: rate)
        var m = Dispatcher(urls: names, config: config, tries: TryPolicy(limit: 2),
                           hostKey: { String($0.prefix(1)) }, dice: { 0.5 })
        m.added(0, ready: true, now: 0)
        m.added(1, ready: true, now: 0)
        return m
    }

    func sent(_ actions: [Dispatcher.Action]) -> [Int] {
        actions.flatMap { action -> [Int] in
            if case .send(_, let i) = action { return i }
            return []
        }.sorted()
    }

    @Test func oneStartPerHostPerTurnAndOtherHostsGoPast() {
        var m = machine(["a0", "a1", "a2", "b0", "b1"])
        // One of a's and one of b's at once; a's second waits its gap (1 s at the 0.5 draw).
        #expect(sent(m.step(now: 0)) == [0, 3])
        #expect(sent(m.step(now: 0.5)) == [])
        #expect(m.nextDue(after: 0.5) == 1)
        #expect(sent(m.step(now: 1)) == [1, 4])
        #expect(sent(m.step(now: 2)) == [], "both workers' slots are full")
        _ = m.accept(0, index: 0, now: 2) || m.accept(1, index: 0, now: 2)
        #expect(sent(m.step(now: 2)) == [2])
    }

    @Test func aPacedURLGoesOnlyToAWorkerWithAFreeSlot() {
        var m = machine(["a0", "b0", "c0"], slots: 1)
        let first = sent(m.step(now: 0))
        #expect(first == [0, 1], "two workers with one slot each: c waits though its host is due")
        _ = m.accept(0, index: 0, now: 0.1) || m.accept(1, index: 0, now: 0.1)
        #expect(sent(m.step(now: 0.1)) == [2])
    }

    @Test func httpRetriesWaitAtTheHostAndTakeTheirHostsTurn() {
        var m = machine(["a0", "a1"], delay: 1)
        let out = m.step(now: 0)
        guard case .send(let w, [0])? = out.first else {
            Issue.record("\(out)")
            return
        }
        // The attempt failed: run again after 0.1 s; its host's turn comes at 1 s, first.
        m.retry(w, index: 0, after: 0.1, elapsed: 0.05, now: 0.05)
        #expect(m.attempt(of: 0) == 2 && m.spentBefore(0) == 0.05)
        #expect(sent(m.step(now: 0.5)) == [])
        #expect(sent(m.step(now: 1)) == [0], "the retry before the host's next new URL")
        #expect(sent(m.step(now: 2)) == [1])
        #expect(m.held == 2)
    }

    @Test func aCancelAfterTheLastResultKeepsTheWorkers() {
        // The Python binding frees a batch as soon as it has every result, which can cancel
        // it before the loop's next step: the workers must still go back to the pool.
        var m = Dispatcher(urls: ["x"], config: .init(workers: 1, window: 8, chunk: 1, taskTimeout: 30),
                           tries: TryPolicy(limit: 1))
        m.added(0, ready: true, now: 0)
        #expect(sent(m.step(now: 0)) == [0])
        _ = m.accept(0, index: 0, now: 1)
        #expect(m.cancel(now: 1).isEmpty)
        _ = m.step(now: 1)
        #expect(m.isFinished && !m.wasCancelled && m.isReusable(0))
    }

    @Test func unpacedRetriesGoToAnyWorkerOnceDue() {
        var m = Dispatcher(urls: ["x", "y"], config: .init(workers: 1, window: 8, chunk: 1, taskTimeout: 30),
                           tries: TryPolicy(limit: 1))
        m.added(0, ready: true, now: 0)
        #expect(sent(m.step(now: 0)) == [0, 1])
        m.retry(0, index: 1, after: 2, elapsed: 0.1, now: 0.5)
        #expect(m.nextDue(after: 0.5) == 2.5)
        #expect(sent(m.step(now: 1)) == [])
        #expect(sent(m.step(now: 2.5)) == [1])
        #expect(m.attempt(of: 1) == 2)
        _ = m.accept(0, index: 0, now: 3)
        _ = m.accept(0, index: 1, now: 3)
        _ = m.step(now: 3)
        #expect(m.isFinished)
    }
}
