// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore

@Suite struct StreamedRepeatsTests {
    func result(_ index: Int, _ url: String, status: Int = 200) -> CrawlResult {
        CrawlResult(index: index, url: url, finalURL: url, status: status, contentType: nil, bytes: 0, error: nil)
    }

    /// A copy read while its URL is in flight waits for it; one read after it finished takes
    /// its result from the cache; each keeps its own index and URL.
    @Test func copiesWaitOrComeFromTheCache() {
        var s = StreamedRepeats(cacheSize: 4)
        #expect(s.admit(index: 0, url: "a", key: "A", hash: 1) == .fetch)
        #expect(s.admit(index: 1, url: "a#x", key: "A", hash: 1) == .wait)
        #expect(s.admit(index: 2, url: "b", key: "B", hash: 2) == .fetch)
        let copies = s.finished(result(0, "a", status: 201))
        #expect(copies.map(\.index) == [1] && copies.map(\.url) == ["a#x"] && copies.map(\.status) == [201])
        guard case .copy(let r) = s.admit(index: 3, url: "a/", key: "A", hash: 1) else {
            Issue.record("not taken from the cache")
            return
        }
        #expect(r.index == 3 && r.url == "a/" && r.status == 201)
        #expect(s.finished(result(2, "b")).isEmpty)
    }

    /// Nothing is kept for a URL whose result has left the cache: 100,000 distinct URLs leave
    /// no trace but the last `cacheSize` results (a URL read again is fetched again).
    @Test func distinctURLsLeaveNothingBehindButTheCache() {
        var s = StreamedRepeats(cacheSize: 2)
        for i in 0..<100_000 {
            #expect(s.admit(index: i, url: "u\(i)", key: "U\(i)", hash: UInt64(i)) == .fetch)
            _ = s.finished(result(i, "u\(i)"))
        }
        #expect(s.held == (inFlight: 0, cached: 2))
        #expect(s.admit(index: 100_000, url: "u0", key: "U0", hash: 0) == .fetch)
        if case .copy = s.admit(index: 100_001, url: "u99999", key: "U99999", hash: 99_999) {} else {
            Issue.record("the last result is cached")
        }
    }

    /// Past the cache's size the oldest result is gone: its next copy is fetched again, and
    /// copies read meanwhile wait for that fetch.
    @Test func anEvictedResultIsFetchedAgain() {
        var s = StreamedRepeats(cacheSize: 2)
        for (i, k) in ["A", "B", "C"].enumerated() {
            #expect(s.admit(index: i, url: k, key: k, hash: UInt64(i + 1)) == .fetch)
            _ = s.finished(result(i, k))
        }
        #expect(s.admit(index: 3, url: "A", key: "A", hash: 1) == .fetch)
        #expect(s.admit(index: 4, url: "A", key: "A", hash: 1) == .wait)
        #expect(s.finished(result(3, "A")).map(\.index) == [4])
        if case .copy = s.admit(index: 5, url: "C", key: "C", hash: 3) {} else { Issue.record("C left the cache") }
    }

    /// Equal hashes of different URLs never merge them: the second is fetched, in flight or
    /// cached, and gets its own result.
    @Test func aHashCollisionIsFetched() {
        var s = StreamedRepeats(cacheSize: 4)
        #expect(s.admit(index: 0, url: "x", key: "X", hash: 9) == .fetch)
        #expect(s.admit(index: 1, url: "y", key: "Y", hash: 9) == .fetch)
        #expect(s.finished(result(0, "x")).isEmpty)
        #expect(s.admit(index: 2, url: "y", key: "Y", hash: 9) == .fetch)
        #expect(s.admit(index: 3, url: "bad", key: nil, hash: 0) == .fetch)
        #expect(s.admit(index: 4, url: "bad", key: nil, hash: 0) == .fetch)
    }

    @Test func noCacheMeansEveryLaterCopyIsFetched() {
        var s = StreamedRepeats(cacheSize: 0)
        #expect(s.admit(index: 0, url: "a", key: "A", hash: 1) == .fetch)
        _ = s.finished(result(0, "a"))
        #expect(s.admit(index: 1, url: "a", key: "A", hash: 1) == .fetch)
    }
}

@Suite struct SeenHashesTests {
    @Test func holdsWhatWasInserted() {
        var s = SeenHashes(capacity: 8)
        var fresh = 0
        for h in UInt64(1)...50_000 where s.insert(h &* 0x9e37_79b9_7f4a_7c15) { fresh += 1 }
        #expect(fresh == 50_000 && s.count == 50_000)
        let again = s.insert(7 &* 0x9e37_79b9_7f4a_7c15)
        #expect(!again)
        #expect(s.contains(0x9e37_79b9_7f4a_7c15) && !s.contains(12345))
        // 0 is stored as 1: the two are one hash.
        let zero = s.insert(0), one = s.insert(1)
        #expect(zero && !one && s.count == 50_001)
    }

    /// The issue's budget: about 16 bytes per distinct URL; this table stays at 10 to 12.5.
    @Test(arguments: [1_000, 100_000, 1_000_000])
    func bytesPerHashStayUnderTwelveAndAHalf(_ n: Int) {
        var s = SeenHashes()
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for _ in 0..<n {
            h = h &* 0x100_0000_01b3 &+ 0x9e37
            s.insert(h)
        }
        let perHash = Double(s.bytes) / Double(s.count)
        #expect(s.count == n)
        #expect(perHash >= 10 && perHash <= 12.5, "\(perHash) bytes per hash")
    }
}
