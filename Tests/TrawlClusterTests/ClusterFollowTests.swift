// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// Follow mode on the cluster: the seen-set and the frontier in Redis, shared by every
/// worker; the test server counts the requests.
@Suite(.serialized) struct ClusterFollowTests {
    let server = TestServer.shared

    func options(_ redis: String, maxDepth: Int, maxPages: Int = 0) -> CrawlOptions {
        ClusterFixture.options(redis) { o in
            o.follow = "link"
            o.maxDepth = maxDepth
            o.maxPages = maxPages
            o.dedupe = true
        }
    }

    /// Two workers crawl the whole cyclic site of 2,000 pages: every page exactly once,
    /// each found on its parent, and the batch ends by itself with nothing left in Redis.
    @Test func twoWorkersShareTheFrontier() throws {
        let redis = try RedisServer()
        let workers = try Workers(2, redis: redis.url)
        let site = GraphSite(size: 2000)
        let started = Date()
        let results = ClusterFixture.drain(try Crawler(options: options(redis.url, maxDepth: 1_000_000))
            .start([server.url(site.path(0))]))
        let seconds = Date().timeIntervalSince(started)
        #expect(results.count == 2000)
        let problems = site.followProblems(results)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        let hits = try server.hits(site.token)
        #expect(hits.count == 2000 && hits.values.allSatisfy { $0 == 1 }, "\(hits.filter { $0.value != 1 })")
        let distance = site.distances()
        for r in results { if let n = site.page(r.url) { #expect(r.depth >= distance[n]) } }
        // Both workers were serving the group while the batch ran (which of them fetched
        // which page is not asserted: one alone would also pass the checks above).
        for k in 0..<2 { #expect(workers.log(k).contains("serving")) }
        #expect(redis.cli("KEYS", "trawl:batch:*") == "")
        #expect(redis.cli("XLEN", "trawl:tasks") == "0")
        print("cluster follow: 2,000 pages in \(String(format: "%.2f", seconds)) s (\(Int(2000 / seconds)) pages/s)")
    }

    /// Seeds that are not URLs: each gets its result, the batch ends, and its keys (the
    /// seen-set among them, which no seed filled) are gone.
    @Test func seedsThatAreNotURLsEndTheBatch() throws {
        let redis = try RedisServer()
        let workers = try Workers(1, redis: redis.url)
        let results = ClusterFixture.drain(try Crawler(options: options(redis.url, maxDepth: 3))
            .start(["not a url", "ftp://example.com/"]))
        #expect(results.map(\.index) == [0, 1])
        #expect(results.map { $0.error?.code } == [.invalidURL, .unsupportedProtocol])
        #expect(results.allSatisfy { $0.followMode && $0.depth == 0 && $0.parent == -1 })
        #expect(redis.cli("KEYS", "trawl:batch:*") == "")
        _ = workers
    }

    /// max_depth and max_pages hold across workers (server-counted).
    @Test func depthAndPageCapsHold() throws {
        let redis = try RedisServer()
        let workers = try Workers(2, redis: redis.url)
        let site = GraphSite(size: 2000)
        let shallow = ClusterFixture.drain(try Crawler(options: options(redis.url, maxDepth: 4))
            .start([server.url(site.path(0))]))
        let distance = site.distances()
        let within = Set((0..<2000).filter { distance[$0] <= 4 })
        #expect(site.followProblems(shallow).isEmpty)
        #expect(shallow.allSatisfy { $0.depth <= 4 })
        #expect(Set(shallow.compactMap { site.page($0.url) }).isSubset(of: within))
        let shallowHits = try server.hits(site.token)
        #expect(shallowHits.count == shallow.count && shallowHits.values.allSatisfy { $0 == 1 })

        let capped = GraphSite(size: 2000)
        let some = ClusterFixture.drain(try Crawler(options: options(redis.url, maxDepth: 1_000, maxPages: 300))
            .start([server.url(capped.path(0))]))
        #expect(some.count == 300)
        #expect(capped.followProblems(some).isEmpty)
        let cappedHits = try server.hits(capped.token)
        #expect(cappedHits.count == 300 && cappedHits.values.allSatisfy { $0 == 1 })
        _ = workers
    }
}
