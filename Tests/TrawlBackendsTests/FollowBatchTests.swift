// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// Follow mode against the test server's cyclic site of 2,000 pages (``GraphSite``), whose
/// requests the server counts itself.
@Suite struct FollowBatchTests {
    let server = TestServer.shared

    func options(_ backend: BackendKind = .thread, maxDepth: Int, maxPages: Int = 0,
                 order: ResultOrder = .input) -> CrawlOptions {
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        o.follow = "link"
        o.maxDepth = maxDepth
        o.maxPages = maxPages
        o.order = order
        return o
    }

    /// Checks what every follow result must hold (``GraphSite/followProblems(_:seeds:skipping:)``).
    func checkShape(_ results: [CrawlResult], site: GraphSite, seeds: Int = 1, skipping skipped: Int? = nil,
                    sourceLine: SourceLocation = #_sourceLocation) {
        for problem in site.followProblems(results, seeds: seeds, skipping: skipped).prefix(20) {
            Issue.record(Comment(rawValue: problem), sourceLocation: sourceLine)
        }
    }

    /// With no depth limit every page of the site is fetched exactly once (server-counted),
    /// and the batch ends by itself when the last page's links bring nothing new.
    @Test(arguments: [BackendKind.thread, .process], [ResultOrder.input, .completed])
    func everyPageOnceOnTheWholeSite(_ backend: BackendKind, _ order: ResultOrder) throws {
        let site = GraphSite(size: 2000)
        let started = Date()
        let results = try Crawler(options: options(backend, maxDepth: 1_000_000, order: order))
            .start([server.url(site.path(0))]).results()
        let seconds = Date().timeIntervalSince(started)
        #expect(results.count == 2000)
        checkShape(results, site: site)
        let hits = try server.hits(site.token)
        #expect(hits.count == 2000 && hits.values.allSatisfy { $0 == 1 }, "\(hits.filter { $0.value != 1 })")
        #expect(Set(hits.keys) == Set((0..<2000).map(site.path)))
        // Depth is where a page was first found: never shorter than its distance.
        let distance = site.distances()
        for r in results { if let n = site.page(r.url) { #expect(r.depth >= distance[n]) } }
        print("follow: 2,000 pages in \(String(format: "%.2f", seconds)) s (\(Int(2000 / seconds)) pages/s, \(backend) backend, order \(order))")
    }

    /// max_depth: nothing deeper is fetched; with one transfer at a time the crawl is strictly
    /// breadth-first, so the pages are exactly those within max_depth links and each depth is
    /// the page's distance.
    @Test(arguments: [BackendKind.thread, .process])
    func maxDepthOneAtATimeIsExactBreadthFirst(_ backend: BackendKind) throws {
        let site = GraphSite(size: 2000)
        var o = options(backend, maxDepth: 5)
        o.jobs = 1
        o.concurrency = 1
        let results = try Crawler(options: o).start([server.url(site.path(0))]).results()
        checkShape(results, site: site)
        let distance = site.distances()
        let within = Set((0..<2000).filter { distance[$0] <= 5 })
        #expect(Set(results.compactMap { site.page($0.url) }) == within)
        for r in results { if let n = site.page(r.url) { #expect(r.depth == distance[n]) } }
        // Breadth-first: depths never decrease in index order.
        let depths = results.sorted { $0.index < $1.index }.map(\.depth)
        #expect(depths == depths.sorted())
        #expect(try server.hits(site.token).count == within.count)
    }

    @Test(arguments: [BackendKind.thread, .process])
    func maxDepthWithConcurrencyIsStillExact(_ backend: BackendKind) throws {
        let site = GraphSite(size: 2000)
        let results = try Crawler(options: options(backend, maxDepth: 4)).start([server.url(site.path(0))]).results()
        checkShape(results, site: site)
        // Links wait for every page above theirs: with many transfers in flight too, each
        // depth is the page's distance and the pages are exactly those within max_depth.
        let distance = site.distances()
        for r in results { if let n = site.page(r.url) { #expect(r.depth == distance[n], "\(r.url)") } }
        #expect(Set(results.compactMap { site.page($0.url) }) == Set((0..<2000).filter { distance[$0] <= 4 }))
        let hits = try server.hits(site.token)
        #expect(hits.count == results.count && hits.values.allSatisfy { $0 == 1 })
    }

    /// max_pages counts the seeds: exactly that many requests reach the server.
    @Test(arguments: [BackendKind.thread, .process])
    func maxPagesCapsRequests(_ backend: BackendKind) throws {
        let site = GraphSite(size: 2000)
        let results = try Crawler(options: options(backend, maxDepth: 1_000, maxPages: 300)).start([server.url(site.path(0))]).results()
        #expect(results.count == 300)
        checkShape(results, site: site)
        let hits = try server.hits(site.token)
        #expect(hits.count == 300 && hits.values.allSatisfy { $0 == 1 })
    }

    /// Several seeds (one repeated, one off the site): each is a result at depth 0; pages they
    /// both reach are fetched once.
    @Test(arguments: [BackendKind.thread, .process])
    func severalSeeds(_ backend: BackendKind) throws {
        let site = GraphSite(size: 200)
        let seeds = [server.url(site.path(0)), server.url(site.path(100)), server.url(site.path(0)) + "#again"]
        let results = try Crawler(options: options(backend, maxDepth: 1_000)).start(seeds).results()
        #expect(results.count == 201)  // 200 pages, and the repeated seed's own result
        #expect(results.prefix(3).map(\.url) == seeds && results.prefix(3).allSatisfy { $0.depth == 0 })
        #expect(results[2].status == 200 && results[2].finalURL == seeds[0])
        checkShape(results, site: site, seeds: 3, skipping: 2)
        let hits = try server.hits(site.token)
        #expect(hits.count == 200 && hits.values.allSatisfy { $0 == 1 }, "\(hits.filter { $0.value != 1 })")
    }

    /// A URL source gives the seeds; follow_deny keeps pages out (server-counted).
    @Test(arguments: [BackendKind.thread, .process])
    func sourceSeedsAndDeny(_ backend: BackendKind) throws {
        let site = GraphSite(size: 64)
        var o = options(backend, maxDepth: 1_000)
        o.followDeny = #"/[0-9]*7$"#  // pages ending in 7
        final class Seeds: URLSource, @unchecked Sendable {
            // Read on the batch's thread only, before the batch starts.
            var items: [String]
            init(_ items: [String]) { self.items = items }
            func next() -> URLSourceItem { items.isEmpty ? .end : .url(items.removeFirst()) }
        }
        let results = try Crawler(options: o).start(source: Seeds([server.url(site.path(0))])).results()
        let pages = Set(results.compactMap { site.page($0.url) })
        #expect(!pages.isEmpty && pages.allSatisfy { !String($0).hasSuffix("7") })
        #expect(Set(try server.hits(site.token).keys) == Set(pages.map(site.path)))
    }

    /// Cancelling a following batch ends it: every page handed out has one result.
    @Test(arguments: [BackendKind.thread, .process])
    func cancelEndsTheBatch(_ backend: BackendKind) throws {
        let site = GraphSite(size: 2000)
        let batch = try Crawler(options: options(backend, maxDepth: 1_000)).start([server.url(site.path(0))])
        var results: [CrawlResult] = []
        while case .result(let r) = batch.next(timeout: 30) {
            results.append(r)
            if results.count == 50 { batch.cancel() }
        }
        batch.wait()
        #expect(results.count >= 50 && results.count < 2000)
        #expect(results.map(\.index).sorted() == Array(0..<results.count))
    }

    /// Every backend follows; a journal, a feed and bad values are refused when the crawler
    /// is made.
    @Test func refusals() throws {
        var cluster = options(.cluster, maxDepth: 1)
        cluster.redisURL = "redis://127.0.0.1:1"
        _ = try Crawler(options: cluster)  // Redis is first contacted when a batch starts
        var j = options(maxDepth: 1)
        j.journal = "/tmp/unused-follow-journal"
        #expect(throws: TrawlError.self) { _ = try Crawler(options: j) }
        #expect(throws: TrawlError.self) { _ = try Crawler(options: options(maxDepth: 1)).open() }
        var unknown = options(maxDepth: 1)
        unknown.follow = "nope"
        #expect { _ = try Crawler(options: unknown) } throws: { e in
            (e as? TrawlError)?.message == "follow names no pattern 'nope' (the patterns: button, link)"
        }
        var bad = options(maxDepth: 1)
        bad.followAllow = "(["
        #expect { _ = try Crawler(options: bad) } throws: { e in
            (e as? TrawlError)?.code == .invalidRegex && (e as? TrawlError)?.message.hasPrefix("option 'follow_allow'") == true
        }
        var o = CrawlOptions()
        #expect(throws: TrawlError.self) { try o.set("follow_scope", .string("planet")) }
        #expect(throws: TrawlError.self) { try o.set("max_depth", .int(-1)) }
        #expect(throws: TrawlError.self) { try o.set("max_pages", .int(-1)) }
        try o.set("follow_scope", .string("domain"))
        #expect(o.followScope == .domain)
    }
}
