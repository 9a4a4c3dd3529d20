// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// `per_host` is a limit for the whole batch, however many lanes share it: a server that
/// counts the requests it serves at once never sees more.
@Suite struct PerHostLimitTests {
    func crawl(perHost: Int, jobs: Int, urls: Int, server: CountingServer) throws -> [CrawlResult] {
        var o = CrawlOptions()
        o.jobs = jobs
        o.concurrency = 16
        o.perHostConnections = perHost
        o.timeout = 20
        let c = try Crawler(options: o)
        return try c.crawl((0..<urls).map { server.url("/page/\($0)") })
    }

    @Test(arguments: [1, 2])
    func limitHoldsAcrossEveryLane(perHost: Int) throws {
        let server = try CountingServer(delay: 0.05)
        defer { server.stop() }
        let results = try crawl(perHost: perHost, jobs: 4, urls: 12, server: server)
        #expect(results.allSatisfy { $0.error == nil && $0.status == 200 })
        #expect(server.served == 12)
        #expect(server.peak <= perHost, "\(server.peak) requests at once with per_host \(perHost) and 4 lanes")
    }

    @Test func noLimitRunsRequestsSideBySide() throws {
        // The check above could pass by serialising everything; without a limit the same
        // server sees several requests at once.
        let server = try CountingServer(delay: 0.1)
        defer { server.stop() }
        let results = try crawl(perHost: 0, jobs: 2, urls: 8, server: server)
        #expect(results.allSatisfy { $0.error == nil })
        #expect(server.peak > 1)
    }
}

/// Backends are told apart by what they can do, not by their kind.
@Suite struct BackendCapabilityTests {
    @Test func eachKindSaysWhatItCanDo() {
        #expect(BackendKind.thread.capabilities == [.inProcess, .streamsInput, .followsLinks])
        #expect(BackendKind.process.capabilities.isSuperset(of: [.followsLinks, .streamsInput]))
        #expect(BackendKind.cluster.capabilities.isSuperset(of: [.followsLinks, .sharesFrontier]))
        #expect(!BackendKind.process.capabilities.contains(.sharesFrontier))
        #expect(BackendKind.cluster.capabilities.contains(.streamsInput))
        #expect(BackendKind.process.capabilities.contains(.isolatesCrashes))
        #expect(!BackendKind.process.capabilities.contains(.inProcess))
        #expect(BackendKind.cluster.capabilities.isSuperset(of: [.distributed, .submitsOnStart]))
    }

    /// A host's first transfer runs alone only until its connection is up: a slow first page
    /// does not hold the host's other URLs until it ends. One lane, so the slow URL is the
    /// host's first for certain.
    @Test func aSlowFirstPageDoesNotHoldItsHostsOthers() throws {
        var o = CrawlOptions()
        o.jobs = 1
        o.order = .completed
        let server = TestServer.shared
        let urls = [server.url("/slow?seconds=3")] + (1...5).map { server.siteURL(String(format: "%03d.html", $0)) }
        let batch = try Crawler(options: o).start(urls)
        var order: [Int] = []
        while case .result(let r) = batch.next() {
            #expect(r.status == 200, "\(r.url)")
            order.append(r.index)
        }
        #expect(order.count == 6)
        #expect(order.last == 0, "the others waited for the slow first page: \(order)")
    }
}
