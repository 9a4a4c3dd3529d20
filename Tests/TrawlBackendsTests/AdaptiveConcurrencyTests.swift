// SPDX-License-Identifier: Apache-2.0

import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// `concurrency` auto (the default) against real loopback servers that count what they see:
/// polite to one host, backing off from one that gives way, growing with many slow hosts. On
/// the process backend each worker adapts its own limit and reports it to the host, and each
/// caps a host at its share of `per_host_connections`.
@Suite(.serialized) struct AdaptiveConcurrencyTests {
    func options(_ backend: BackendKind, _ body: (inout CrawlOptions) -> Void = { _ in }) -> CrawlOptions {
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        o.timeout = 20
        body(&o)
        return o
    }

    @Test(arguments: [BackendKind.thread, .process])
    func defaultsOpenAtMostPerHostConnectionsToOneHost(_ backend: BackendKind) throws {
        let server = try CountingServer(delay: 0.03)
        defer { server.stop() }
        let o = options(backend)
        #expect(o.concurrency == 0 && o.perHostConnections == 8 && o.maxConcurrency == 1024)
        let batch = try Crawler(options: o).start((0..<120).map { server.url("/p/\($0)") })
        let results = batch.results()
        #expect(results.count == 120 && results.allSatisfy { $0.status == 200 })
        #expect(server.peak <= 8, "\(server.peak) requests at once to one host")
        #expect(server.peak >= 6, "a host starts at 6 slots once it answered: \(server.peak)")
        let c = try #require(batch.stats.concurrency)
        #expect(c.adaptive && c.max == 1024 && c.running == 0)
        #expect(c.limit == 64, "8 in flight never tests a limit of 64, so it must not grow: \(c)")
    }

    /// A host that closes every connection makes each request an accept on its listener: at
    /// the defaults it gets at most a browser's 6 at once (Python's `http.server`, with an
    /// accept queue that holds 6, dropped the 7th connect into Linux's 1 s SYN retransmission).
    /// The same host keeping its connections open grows to `per_host_connections`. Both ways
    /// of closing count (HTTP/1.1 `Connection: close`, HTTP/1.0 without keep-alive), and both
    /// ways of keeping (HTTP/1.1's default, HTTP/1.0 `Connection: keep-alive`). On the process
    /// backend each worker holds half: 3 of the 6, and 4 of the 8.
    @Test(arguments: [BackendKind.thread, .process])
    func aHostThatClosesItsConnectionsGetsAtMostSix(_ backend: BackendKind) throws {
        func peak(keepAlive: Bool, http10: Bool) throws -> Int {
            let server = try CountingServer(delay: 0.02, keepAlive: keepAlive, http10: http10)
            defer { server.stop() }
            let results = try Crawler(options: options(backend)).crawl((0..<240).map { server.url("/p/\($0)") })
            #expect(results.count == 240 && results.allSatisfy { $0.status == 200 }, "keep-alive \(keepAlive)")
            #expect(server.served == 240)
            return server.peak
        }
        for http10 in [false, true] {
            let closing = try peak(keepAlive: false, http10: http10)
            #expect(closing <= 6 && closing >= 5, "\(closing) at once to a host that closes (HTTP/1.0: \(http10))")
            let kept = try peak(keepAlive: true, http10: http10)
            #expect(kept > 6 && kept <= 8, "\(kept) at once to a host that keeps them (HTTP/1.0: \(http10))")
        }
    }

    /// A server that answers 503 to a request arriving while 3 are served: the pinned batch
    /// (8 per host, as today) meets it with a storm of 503s, the adaptive one settles below.
    ///
    /// On the process backend each of the two workers adapts its share of the host's slots
    /// (``HostCap/share``): together they start at 6 and grow as one controller would, and a
    /// worker at its floor of one transfer that still meets 503s pauses between its starts.
    /// Without those, one worker at one transfer met 503 after 503 while the other held the
    /// host's 3: 20 to 68 of 200 were answered 503.
    @Test(arguments: [BackendKind.thread, .process])
    func aHostThatGivesWayAboveThreeSeesFew503s(_ backend: BackendKind) throws {
        func run(_ o: CrawlOptions) throws -> (refused: Int, served: Int, results: [CrawlResult]) {
            let server = try CountingServer(delay: 0.02, overloadAbove: 3)
            defer { server.stop() }
            let results = try Crawler(options: o).crawl((0..<200).map { server.url("/p/\($0)") })
            return (server.refused, server.served, results)
        }
        let adaptive = try run(options(backend) { $0.maxRetries = 0 })
        // The storm a fixed 8 per host meets (one host table: the thread backend's).
        let pinned = try run(options(.thread) { $0.maxRetries = 0; $0.concurrency = 16 })
        #expect(adaptive.results.count == 200 && pinned.results.count == 200)
        #expect(adaptive.refused + adaptive.served == 200)
        #expect(adaptive.refused * 8 <= 200, "adaptive: \(adaptive.refused) of 200 answered 503")
        #expect(pinned.refused * 3 >= 200, "pinned at 8 per host: \(pinned.refused) of 200 answered 503")
        #expect(adaptive.results.filter { $0.status == 503 }.count == adaptive.refused)
    }

    /// 20 hosts at 100 ms, 6 to 8 slots each: 120-160 transfers can run, so the limit must
    /// leave its start of 64 behind; a pinned limit stays where it is put.
    @Test(arguments: [BackendKind.thread, .process])
    func theLimitGrowsWhenManySlowHostsCanTakeMore(_ backend: BackendKind) throws {
        let servers = try (0..<20).map { _ in try CountingServer(delay: 0.1) }
        defer { for s in servers { s.stop() } }
        let urls = (0..<600).map { servers[$0 % 20].url("/p/\($0)") }
        // Progress callbacks carry the limit as it moves.
        let seen = Mutex<[ConcurrencySnapshot?]>([])
        let batch = try Crawler(options: options(backend)).start(urls, onProgress: { p in seen.withLock { $0.append(p.concurrency) } })
        #expect(batch.results().allSatisfy { $0.status == 200 })
        let c = try #require(batch.stats.concurrency)
        #expect(c.peak > 64, "\(c)")
        let reported = seen.withLock { $0 }
        #expect(reported.count == 600 && reported.allSatisfy { $0?.adaptive == true })
        #expect(reported.compactMap { $0?.limit }.max() ?? 0 > 64, "the callbacks saw the limit grow")
        #expect(reported.contains { ($0?.running ?? 0) > 64 }, "and more than 64 transfers in flight")
        #expect(batch.concurrency.limit == c.limit)
        #expect(servers.allSatisfy { $0.peak <= 8 })
        let pinned = try Crawler(options: options(backend) { $0.concurrency = 16 }).start(urls)
        _ = pinned.results()
        #expect(pinned.stats.concurrency == ConcurrencySnapshot(adaptive: false, limit: 16, peak: 16, max: 16, running: 0))
    }

    @Test func optionsTakeAutoAndRefuseWhatIsOutOfRange() throws {
        var o = CrawlOptions()
        o.concurrency = 32
        try o.set("concurrency", .string("AUTO"))
        #expect(o.concurrency == 0)
        try o.set("concurrency", .int(12))
        #expect(o.concurrency == 12)
        #expect(throws: TrawlError.self) { try o.set("concurrency", .string("lots")) }
        #expect(throws: TrawlError.self) { try o.set("concurrency", .int(-1)) }
        #expect(throws: TrawlError.self) { try o.set("max_concurrency", .int(0)) }
        #expect(throws: TrawlError.self) { try o.set("max_concurrency", .string("auto")) }
        try o.set("max_concurrency", .int(4096))
        #expect(o.maxConcurrency == 4096)
        #expect(o.concurrency == 12, "a refused value leaves the option as it was")
    }
}
