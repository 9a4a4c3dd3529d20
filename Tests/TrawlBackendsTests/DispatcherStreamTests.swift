// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
@testable import TrawlBackends

/// The dispatcher of a streamed batch: its input is open while it runs, URLs arrive through
/// `add`, and it is over only once the input is closed and every URL is answered.
@Suite struct DispatcherStreamTests {
    typealias Action = Dispatcher.Action

    func machine(workers: Int = 1, window: Int = 8) -> Dispatcher {
        Dispatcher(urls: [], open: true,
                   config: .init(workers: workers, window: window, chunk: 1, taskTimeout: 30),
                   tries: TryPolicy(limit: 2))
    }

    func sends(_ actions: [Action]) -> [Int: [Int]] {
        var out: [Int: [Int]] = [:]
        for case .send(let w, let i) in actions { out[w, default: []] += i }
        return out
    }

    @Test func workersStartBeforeTheFirstURLAndTheBatchWaitsForTheInputsEnd() {
        var m = machine(workers: 2)
        #expect(m.step(now: 0) == [.spawn, .spawn], "workers are warm before the first URL")
        m.added(0, ready: true, now: 0)
        m.added(1, ready: true, now: 0)
        #expect(m.step(now: 0.1).isEmpty)
        #expect(!m.isFinished, "an open input with no URL yet is not the end")
        m.add("http://h/0")
        m.add("http://h/1")
        let out = sends(m.step(now: 0.2))
        #expect(out.values.flatMap { $0 }.sorted() == [0, 1])
        #expect(m.url(of: 1) == "http://h/1")
        for (w, indexes) in out { for i in indexes { _ = m.accept(w, index: i, now: 0.3) } }
        _ = m.step(now: 0.3)
        #expect(!m.isFinished, "every URL so far is answered, but more may come")
        m.add("http://h/2")
        let third = sends(m.step(now: 0.4))
        #expect(third.values.flatMap { $0 } == [2])
        m.closeInput()
        _ = m.step(now: 0.5)
        #expect(!m.isFinished, "URL 2 is still out")
        for (w, indexes) in third { for i in indexes { _ = m.accept(w, index: i, now: 0.6) } }
        _ = m.step(now: 0.6)
        #expect(m.isFinished)
    }

    /// A URL added with `fetch` false (its result is the journal's or a copy's) takes its
    /// index and is never sent.
    @Test func urlsNotToFetchTakeTheirIndexOnly() {
        var m = machine()
        _ = m.step(now: 0)
        m.added(0, ready: true, now: 0)
        m.add("http://h/0", fetch: false)
        m.add("http://h/1")
        m.closeInput()
        #expect(sends(m.step(now: 0.1)) == [0: [1]])
        _ = m.accept(0, index: 1, now: 0.2)
        _ = m.step(now: 0.2)
        #expect(m.isFinished)
    }

    /// No worker can start while the input is open: the URLs held fail at once, each URL that
    /// arrives afterwards fails on the next pass, and the dispatcher ends with the input.
    @Test func noWorkerFailsEveryArrivalUntilTheInputEnds() {
        var m = machine()
        m.add("http://h/0")
        for attempt in 0..<3 {
            #expect(m.step(now: Double(attempt)) == [.spawn])
            m.added(attempt, ready: false, now: Double(attempt))
            _ = m.died(attempt, how: "worker process 9 exited with status 0", now: Double(attempt))
        }
        let error = TrawlError(.backendUnavailable, "worker process 9 exited with status 0 before it was ready")
        #expect(m.step(now: 4) == [.fail([0], error)])
        #expect(!m.isFinished)
        #expect(m.step(now: 4.1).isEmpty, "URL 0 is not failed twice")
        m.add("http://h/1")
        m.add("http://h/2")
        #expect(m.step(now: 5) == [.fail([1, 2], error)])
        m.closeInput()
        #expect(m.step(now: 6).isEmpty)
        #expect(m.isFinished)
    }

    /// A cancel ends a streamed batch once the workers answered what they hold, input open
    /// or not.
    @Test func aCancelEndsItWithTheInputOpen() {
        var m = machine()
        _ = m.step(now: 0)
        m.added(0, ready: true, now: 0)
        m.add("http://h/0")
        #expect(sends(m.step(now: 0.1)) == [0: [0]])
        #expect(m.cancel(now: 0.2) == [.cancel(worker: 0)])
        _ = m.step(now: 0.3)
        #expect(!m.isFinished, "URL 0 is still out")
        _ = m.accept(0, index: 0, now: 0.4)
        _ = m.step(now: 0.4)
        #expect(m.isFinished)
    }
}
