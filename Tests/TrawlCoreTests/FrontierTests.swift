// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore

@Suite struct FrontierTests {
    @Test func handsOutEachURLOnceInOrderThenFinishes() {
        var f = Frontier(urls: ["a", "b"])
        let v1 = f.next(now: 0)
        #expect(v1 == .request(index: 0, url: "a", attempt: 1))
        let v2 = f.next(now: 0)
        #expect(v2 == .request(index: 1, url: "b", attempt: 1))
        let v3 = f.next(now: 0)
        #expect(v3 == .finished)
        #expect(!f.isDrained, "two still out")
        let v4 = f.complete(0, .done, now: 1)
        #expect(v4 == .finished)
        let v5 = f.complete(1, .done, now: 1)
        #expect(v5 == .finished)
        #expect(f.isDrained)
    }

    @Test func retriesWaitUntilDueAndComeFirst() {
        var f = Frontier(urls: ["a", "b", "c"], tries: TryPolicy(limit: 3))
        _ = f.next(now: 0)
        let v6 = f.complete(0, .retry(after: 2), now: 1)
        #expect(v6 == .again(attempt: 2))
        let v7 = f.next(now: 1)
        #expect(v7 == .request(index: 1, url: "b", attempt: 1))
        let v8 = f.next(now: 1)
        #expect(v8 == .request(index: 2, url: "c", attempt: 1))
        let v9 = f.next(now: 2)
        #expect(v9 == .wait(until: 3), "the retry is not due yet")
        let v10 = f.next(now: 3)
        #expect(v10 == .request(index: 0, url: "a", attempt: 2))
        let v11 = f.complete(0, .retry(after: 0), now: 3)
        #expect(v11 == .again(attempt: 3))
        let v12 = f.next(now: 3)
        #expect(v12 == .request(index: 0, url: "a", attempt: 3))
        let v13 = f.complete(0, .retry(after: 0), now: 4)
        #expect(v13 == .exhausted(tries: 3))
        #expect(f.retriesWaiting == 0)
    }

    @Test func withRetriesPossibleALaneWaitsForWhatIsStillOut() {
        var f = Frontier(urls: ["a"], tries: TryPolicy(limit: 2))
        _ = f.next(now: 0)
        let v14 = f.next(now: 0)
        #expect(v14 == .wait(until: nil))
        f.complete(0, .done, now: 0)
        let v15 = f.next(now: 0)
        #expect(v15 == .finished)
    }

    @Test func openInputGrowsUntilClosed() {
        var f = Frontier(open: true)
        let v16 = f.next(now: 0)
        #expect(v16 == .wait(until: nil))
        let v17 = f.add("x")
        #expect(v17 == 0)
        let v18 = f.next(now: 0)
        #expect(v18 == .request(index: 0, url: "x", attempt: 1))
        f.complete(0, .done, now: 0)
        let v19 = f.next(now: 0)
        #expect(v19 == .wait(until: nil))
        f.close()
        let v20 = f.next(now: 0)
        #expect(v20 == .finished)
        #expect(f.isDrained)
    }

    /// A URL is held until its result stands, not for the rest of the batch: a streamed
    /// batch of any length holds only what waits or runs.
    @Test func aURLIsHeldOnlyUntilItsResultStands() {
        var f = Frontier(tries: TryPolicy(limit: 2), open: true)
        for k in 0..<5000 { f.add("http://h/\(k)") }
        #expect(f.url(4999) == "http://h/4999", "waiting")
        for k in 0..<4000 {
            guard case .request(let index, let url, _)? = f.nextFresh() else {
                Issue.record("no URL \(k)")
                return
            }
            #expect(index == k && url == "http://h/\(k)")
            #expect(f.url(k) == url, "running")
            // Every tenth fails once and waits to run again: it keeps its URL.
            f.complete(k, k % 10 == 0 ? .retry(after: 0) : .done, now: 0)
        }
        #expect(f.url(3) == "", "done: let go")
        #expect(f.url(10) == "http://h/10", "waiting to run again")
        #expect(f.url(4000) == "http://h/4000" && f.url(4999) == "http://h/4999", "still queued after compaction")
        guard case .request(let again, let url, let attempt)? = f.nextRetry(now: 1) else {
            Issue.record("no retry")
            return
        }
        #expect(again == 0 && url == "http://h/0" && attempt == 2)
        #expect(f.complete(0, .retry(after: 0), now: 1) == .exhausted(tries: 2))
        #expect(f.url(0) == "", "out of tries: its result stands")
        #expect(f.count == 5000)
    }

    @Test func drainReturnsWhatNeverRan() {
        var f = Frontier(urls: ["a", "b", "c", "d"], tries: TryPolicy(limit: 2))
        _ = f.next(now: 0)
        _ = f.next(now: 0)
        f.complete(1, .retry(after: 10), now: 0)
        let v21 = f.drain()
        #expect(v21 == [1, 2, 3])
        let v22 = f.next(now: 100)
        #expect(v22 == .wait(until: nil), "index 0 is still out and may come back")
    }

    @Test func tryPolicyCountsTheFirstTry() {
        #expect(TryPolicy(limit: 1).allowsAnother(after: 1) == false)
        #expect(TryPolicy(limit: 3).allowsAnother(after: 2))
        #expect(TryPolicy(limit: 0).limit == 1)
        #expect(TryPolicy(limit: 3).describe(2) == "2 of 3 attempts")
    }

    @Test func collectorTotalGrowsWhileOpen() {
        let c = ResultCollector(total: 1, order: .input, open: true)
        c.push(CrawlResult(index: 0, url: "a"))
        #expect(c.next(deadline: 0) == .result(CrawlResult(index: 0, url: "a")))
        #expect(c.next(deadline: 0) == .timedOut, "not done while the input is open")
        c.expand(by: 2)
        #expect(c.total == 3)
        c.push(CrawlResult(index: 2, url: "c"))
        c.push(CrawlResult(index: 1, url: "b"))
        #expect(c.next(deadline: 0) == .result(CrawlResult(index: 1, url: "b")))
        #expect(c.next(deadline: 0) == .result(CrawlResult(index: 2, url: "c")))
        c.close()
        c.expand(by: 5)
        #expect(c.total == 3, "closed: no growth")
        #expect(c.next(deadline: 0) == .done)
    }

    /// The collector keeps a flag only from its oldest unanswered URL on: duplicates are
    /// still dropped, and what is missing is still known, on either side of that point.
    @Test func collectorForgetsTheAnsweredPrefixAndStillDropsDuplicates() {
        let n = 20_000
        let c = ResultCollector(total: n, order: .completed)
        // All but a few, in an order that leaves holes behind the answered prefix.
        let holes: Set<Int> = [7, 9_000, 19_999]
        for i in stride(from: n - 1, through: 0, by: -1) where !holes.contains(i) && i % 2 == 1 {
            #expect(c.push(CrawlResult(index: i, url: "u")) != nil)
        }
        for i in 0..<n where !holes.contains(i) && i % 2 == 0 { c.push(CrawlResult(index: i, url: "u")) }
        #expect(c.missing() == holes.sorted())
        c.push(CrawlResult(index: 7, url: "u"))
        #expect(c.missing() == [9_000, 19_999])
        for i in [0, 3, 7, 8_999, 19_998] {
            #expect(c.push(CrawlResult(index: i, url: "again")) == nil, "a second result for \(i) is dropped")
            #expect(c.hasResult(i))
        }
        #expect(!c.hasResult(9_000) && !c.hasResult(19_999))
        #expect(c.progress.done == n - 2)
    }

    @Test func wireReaderRejectsTrailingBytes() throws {
        var w = WireWriter()
        w.u32(7)
        w.u8(0)
        var r = WireReader(w.bytes)
        #expect(try r.u32() == 7)
        #expect(throws: TrawlError.self) { try r.expectEnd() }
        _ = try r.u8()
        try r.expectEnd()
    }
}

@Suite struct FrontierSkipTests {
    @Test func skippedURLsAreNeverHandedOutAndCountAsAnswered() {
        var f = Frontier(urls: ["a", "b", "c", "d"])
        f.skip(0)
        f.skip(2)
        f.skip(2)  // once only
        #expect(f.freshRemaining == 2)
        #expect(f.skippedCount == 2)
        let v1 = f.next(now: 0)
        #expect(v1 == .request(index: 1, url: "b", attempt: 1))
        let v2 = f.next(now: 0)
        #expect(v2 == .request(index: 3, url: "d", attempt: 1))
        let v3 = f.next(now: 0)
        #expect(v3 == .finished)
        f.complete(1, .done, now: 0)
        f.complete(3, .done, now: 0)
        #expect(f.isDrained)
    }

    @Test func aDrainLeavesSkippedURLsOut() {
        var f = Frontier(urls: ["a", "b", "c"])
        f.skip(1)
        _ = f.next(now: 0)
        #expect(f.drain() == [2])
        #expect(f.isDrained == false)  // index 0 is still out
        f.complete(0, .done, now: 0)
        #expect(f.isDrained)
    }

    @Test func everythingSkippedIsDrainedAtOnce() {
        var f = Frontier(urls: ["a", "b"])
        f.skip(0)
        f.skip(1)
        #expect(f.isDrained)
        let v = f.next(now: 0)
        #expect(v == .finished)
    }
}
