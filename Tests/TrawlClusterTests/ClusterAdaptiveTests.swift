// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// A cluster worker's own concurrency: adaptive unless `--concurrency N` pins it, seen from
/// Redis as the tasks the worker holds at once (`XPENDING`).
@Suite(.serialized) struct ClusterAdaptiveTests {
    /// The most tasks a worker held at once while `urls` ran as one batch.
    func peakHeld(worker extra: [String], urls: [String], redis: RedisServer) throws -> (held: Int, results: [CrawlResult]) {
        let workers = try Workers(1, redis: redis.url, extra: extra)
        let batch = try Crawler(options: ClusterFixture.options(redis.url)).start(urls)
        let peak = Mutex(0)
        let done = Atomic<Bool>(false)
        let sampler = Thread {
            while !done.load(ordering: .relaxed) {
                let first = redis.cli("XPENDING", "trawl:tasks", "trawl:workers").split(separator: "\n").first
                if let n = first.flatMap({ Int($0) }) { peak.withLock { $0 = max($0, n) } }
                usleep(20_000)
            }
        }
        sampler.start()
        let results = ClusterFixture.drain(batch)
        done.store(true, ordering: .relaxed)
        usleep(50_000)
        _ = workers
        return (peak.withLock { $0 }, results)
    }

    /// 20 hosts at 100 ms, 6 to 8 slots each: up to 160 transfers can run. A worker at its
    /// defaults grows past the 64 it starts from (and holds a quarter more ready), where a
    /// pinned worker holds at most its number and a quarter.
    @Test func aDefaultWorkerGrowsItsLimitAndAPinnedOneStays() throws {
        let redis = try RedisServer()
        let servers = try (0..<20).map { _ in try CountingServer(delay: 0.1) }
        defer { for s in servers { s.stop() } }
        let urls = (0..<2400).map { servers[$0 % 20].url("/p/\($0)") }
        // The fixture pins 16; a later --concurrency 0 (auto) wins.
        let adaptive = try peakHeld(worker: ["--concurrency", "0"], urls: urls, redis: redis)
        #expect(adaptive.results.count == 2400 && adaptive.results.allSatisfy { $0.status == 200 })
        #expect(adaptive.held > 80, "a default worker held at most \(adaptive.held) tasks: its limit did not grow past 64")
        #expect(servers.allSatisfy { $0.peak <= 8 }, "per host it stays polite")
        let pinned = try peakHeld(worker: [], urls: Array(urls.prefix(600)), redis: redis)
        #expect(pinned.results.allSatisfy { $0.status == 200 })
        #expect(pinned.held <= 20, "pinned at 16: held \(pinned.held)")
        print("cluster worker: held at most \(adaptive.held) tasks at its defaults, \(pinned.held) pinned at 16")
    }
}
