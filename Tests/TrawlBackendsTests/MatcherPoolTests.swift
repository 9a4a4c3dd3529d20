// SPDX-License-Identifier: Apache-2.0

import Synchronization
import Testing
import TrawlCore
import TrawlExtract
import TrawlHTTP
import TrawlTestSupport
@testable import TrawlBackends

/// Matching runs beside fetching (issue 12 item 4): a page needing seconds of regex work
/// within its budget neither delays another page's result nor stops its lane's transfers.
/// Asserted by the order results arrive in, never by their timing.
@Suite struct MatcherPoolTests {
    /// Cubic for PCRE2 on `"x " * n` without `y` or `z` (the class keeps PCRE2's
    /// required-character check from answering at once): about 1 s of CPU at n = 500.
    static let slowPattern = PatternSpec(name: "slow", source: "(?:x )*(?:x )*[yz]")
    static let slowText = "<button " + String(repeating: "x ", count: 500) + "\n"

    /// The pool alone: a fast page submitted after a slow one is answered first, and
    /// ``MatcherPool/hasRoom`` turns false at the backlog and true again once it drains.
    @Test func aSlowPageDoesNotHoldBackAFastOne() throws {
        let extractor = try Extractor(patterns: [Self.slowPattern], budget: 30)
        let order = Mutex<[Int]>([])
        let pool = try MatcherPool<Int>(
            threads: 2, backlog: 2,
            makeProcessor: { PageProcessor(extractor: extractor, decode: .browser) },
            onResult: { result, tag in
                #expect(result.error == nil, "\(String(describing: result.error))")
                #expect(result.index == tag)
                order.withLock { $0.append(tag) }
            })
        #expect(pool.hasRoom)
        pool.submit(FetchResponse(index: 0, url: "slow", status: 200, contentType: "text/html",
                                  body: Array(Self.slowText.utf8)), 0)
        pool.submit(FetchResponse(index: 1, url: "fast", status: 200, contentType: "text/html",
                                  body: Array("<html>fast</html>".utf8)), 1)
        // Two pending pages (the slow one at least is still being matched): no room.
        #expect(!pool.hasRoom || order.withLock { $0.count } > 0)
        pool.finish()
        #expect(order.withLock { $0 } == [1, 0])
        #expect(pool.hasRoom)
        #expect(pool.pendingCount == 0)
    }

    /// End to end on one lane with two transfers in flight: the slow page arrives first and
    /// is matched for about a second; the fast page, answered by the server 0.3 s later,
    /// gets its result first. Before the pool, the lane matched the slow page itself and
    /// the fast page's response waited in libcurl until it was done.
    @Test func aFastPageOnTheSameLaneFinishesBeforeASlowOne() throws {
        try Self.fastBeforeSlow(CrawlOptions())
    }

    /// With `options`' backend.
    static func fastBeforeSlow(_ options: CrawlOptions) throws {
        let server = TestServer.shared
        var o = options
        o.jobs = 1
        o.concurrency = 2
        o.order = .completed
        o.patterns = [Self.slowPattern]
        o.regexBudget = 30
        o.timeout = 60
        let crawler = try Crawler(options: o)
        let urls = [server.url("/backtrack?n=500"), server.url("/slow?seconds=0.3")]
        let batch = try crawler.start(urls)
        var results: [CrawlResult] = []
        while case .result(let r) = batch.next(timeout: 120) { results.append(r) }
        batch.wait()
        #expect(results.map(\.index) == [1, 0], "the fast page's result comes first")
        for r in results { #expect(r.error == nil, "\(r.url): \(String(describing: r.error))") }
    }
}

/// The same on a worker process's lanes (QueuedLanes), in the serialized suite that counts
/// and kills this test process's workers.
extension ProcessBackendTests {
    @Test func aFastPageOnAWorkersLaneFinishesBeforeASlowOne() throws {
        try MatcherPoolTests.fastBeforeSlow(crawler().options)
    }
}
