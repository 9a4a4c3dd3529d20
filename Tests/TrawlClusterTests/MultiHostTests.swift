// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// The cluster backend across "machines": two `trawl-cli worker` processes, each in a
/// network namespace of its own, reach redis-server and the test HTTP server only over
/// veth links the test creates (see ``TestNetwork``); the submitter runs in the root
/// namespace. Nothing here is mocked: real links, real TCP, a real partition.
///
/// Enabled only as root with `ip(8)`, because creating namespaces and links needs both.
/// CI runs the tests as root, so there it always runs. Serialized: the tests share the
/// link names of this process, and the machine has two cores.
@Suite(.serialized, .enabled(if: TestNetwork.available, "needs root and ip(8) to create network namespaces"))
struct MultiHostTests {
    static let password = "netns-pw"

    /// Redis, the HTTP server and one worker per host, torn down in the right order
    /// (workers, then servers, then the network) by ``shutdown()``.
    final class Cluster {
        let net: TestNetwork
        let redis: RedisServer
        let server: TestServer
        let workers: Workers
        private var down = false

        init(hosts: Int) throws {
            net = try TestNetwork(hosts: hosts)
            do {
                redis = try RedisServer(password: MultiHostTests.password, bind: net.hosts.map(\.redisAddress))
                server = try TestServer(corpus: Corpus.directory, tls: false, bind: net.webAddress)
                workers = try Workers(0, redis: redis.url)
            } catch {
                net.teardown()
                throw error
            }
            for (k, h) in net.hosts.enumerated() {
                try workers.add(redis: "redis://:\(MultiHostTests.password)@\(h.redisAddress):\(redis.port)",
                                launcher: net.launcher(k))
            }
            // A worker that cannot reach Redis through its link exits with status 2.
            let deadline = Date().addingTimeInterval(15)
            for k in net.hosts.indices {
                while !workers.log(k).contains("serving") && workers.isRunning(k) && Date() < deadline { usleep(20_000) }
                guard workers.log(k).contains("serving") else {
                    throw NSError(domain: "MultiHostTests", code: 1, userInfo: [
                        NSLocalizedDescriptionKey: "worker in \(h(k)) did not start: \(workers.log(k))",
                    ])
                }
            }
        }

        private func h(_ k: Int) -> String { net.hosts[k].namespace }

        deinit { shutdown() }

        func shutdown() {
            guard !down else { return }
            down = true
            workers.stopAll()
            server.stop()
            redis.stop()
            net.teardown()
        }

        /// `XADD` calls Redis has served: tasks, result-stream markers and results, also
        /// those `NOMKSTREAM` dropped.
        func xaddCalls() -> Int {
            // INFO ends lines with CRLF, one Character in Swift: split on any newline.
            let stats = redis.cli("INFO", "commandstats")
            guard let line = stats.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_xadd:") }),
                  let calls = line.split(separator: ",").first?.split(separator: "=").last else { return 0 }
            return Int(calls) ?? 0
        }

        /// How many tasks each consumer holds right now (`XPENDING` summary), by name.
        func pendingByWorker() -> [String: Int] {
            let lines = redis.cli("XPENDING", "trawl:tasks", "trawl:workers").split(separator: "\n").map(String.init)
            var out: [String: Int] = [:]
            var i = 3
            while i + 1 < lines.count {
                out[lines[i]] = Int(lines[i + 1])
                i += 2
            }
            return out
        }
    }

    /// The thread backend's results for `pages`, fetched from the root namespace.
    static func reference(_ urls: [String]) throws -> [String: CrawlResult] {
        var options = CrawlOptions()
        options.jobs = 2
        let results = try Crawler(options: options).crawl(urls)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.url, $0) })
    }

    /// Whether `r` equals the reference result of its URL (index and timings aside).
    static func matches(_ r: CrawlResult, _ reference: [String: CrawlResult]) -> Bool {
        guard var expected = reference[r.url] else { return false }
        expected.index = r.index
        return ClusterFixture.comparable(r) == ClusterFixture.comparable(expected)
    }

    @Test func twoHostsShareABatchWithTheThreadBackendsResults() throws {
        let cluster = try Cluster(hosts: 2)
        defer { cluster.shutdown() }
        let pages = Site.names.map { cluster.server.siteURL($0) }
        let urls = (0..<9).flatMap { _ in pages }  // 1,080 URLs
        #expect(urls.count >= 1000)
        let reference = try Self.reference(pages)
        let before = cluster.net.hosts.indices.map { cluster.net.webBytesReceived($0) }

        let results = try Crawler(options: ClusterFixture.options(cluster.redis.url)).crawl(urls)

        #expect(results.count == urls.count)
        #expect(results.map(\.index) == Array(urls.indices))
        #expect(results.map(\.url) == urls)
        let mismatches = results.filter { !Self.matches($0, reference) }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, e.g. \(mismatches.first.map { String(describing: $0.error) } ?? "")")
        // Every page went over the hosts' links (the submitter's namespace fetched none of
        // them), and both hosts took a real share.
        let received = cluster.net.hosts.indices.map { cluster.net.webBytesReceived($0) - before[$0] }
        let bodies = results.reduce(0) { $0 + $1.bytes }
        #expect(received.reduce(0, +) >= bodies, "links carried \(received), bodies \(bodies)")
        for (k, bytes) in received.enumerated() {
            #expect(bytes >= bodies / 10, "host \(k) received \(bytes) of \(bodies) bytes")
        }
        #expect(cluster.redis.cli("KEYS", "trawl:batch:*") == "")
        #expect(cluster.redis.cli("XLEN", "trawl:tasks") == "0")
    }

    /// Host 0 loses its Redis link (or, `wholeHost`, both its links) while it holds tasks
    /// and stays away for three times the visibility timeout. Host 1 reclaims the stuck
    /// tasks; host 0 finishes what it held (after the outage, when its web link was cut
    /// too), reconnects on its own and writes those results late. The caller still sees
    /// exactly one result per URL, all of them right.
    @Test(arguments: [false, true])
    func aHostCutOffPastTheVisibilityTimeoutLosesAndDuplicatesNothing(wholeHost: Bool) throws {
        let cluster = try Cluster(hosts: 2)
        defer { cluster.shutdown() }
        let visibility = 2.0
        let outage = 3 * visibility
        let pages = Site.names.map { cluster.server.siteURL($0) }
        // Slow pages keep tasks in flight on both hosts when the link goes down.
        let urls = (0..<1000).map { i in
            i % 4 == 0 ? cluster.server.url("/slow?seconds=0.5&n=\(i)") : pages[i % pages.count]
        }
        let reference = try Self.reference(pages)
        let options = ClusterFixture.options(cluster.redis.url) { o in
            o.order = .completed
            o.visibilityTimeout = visibility
        }
        let xaddsBefore = cluster.xaddCalls()
        let batch = try Crawler(options: options).start(urls)
        var results: [CrawlResult] = []
        var cutAt: Date?
        var restored = false
        var heldWhenCut = 0
        let deadline = Date().addingTimeInterval(120)
        loop: while Date() < deadline {
            switch batch.next(timeout: 0.2) {
            case .result(let r): results.append(r)
            case .done: break loop
            case .timedOut: break
            }
            if cutAt == nil && results.count >= 100, let held = cluster.pendingByWorker()["w0"], held > 0 {
                try cluster.net.setLinks(0, up: false, web: wholeHost)
                cutAt = Date()
                heldWhenCut = held
            }
            if let t = cutAt, !restored, Date().timeIntervalSince(t) >= outage {
                try cluster.net.setLinks(0, up: true, web: wholeHost)
                restored = true
            }
        }
        if !restored, let t = cutAt {
            // The batch ended during the outage: finish it anyway, so the reconnect is seen.
            Thread.sleep(forTimeInterval: max(0, outage - Date().timeIntervalSince(t)))
            try cluster.net.setLinks(0, up: true, web: wholeHost)
            restored = true
        }
        if Date() >= deadline { batch.cancel() }
        batch.wait()

        #expect(cutAt != nil, "host 0 never held tasks after 100 results")
        #expect(heldWhenCut > 0)
        #expect(results.count == urls.count, "every URL has a result")
        #expect(Set(results.map(\.index)).count == results.count, "no URL twice")
        #expect(results.allSatisfy { $0.url == urls[$0.index] })
        let failed = results.filter { $0.error != nil }
        #expect(failed.isEmpty, "\(failed.prefix(3).map { String(describing: $0.error) })")
        let served = results.filter { $0.index % 4 != 0 }
        #expect(served.allSatisfy { Self.matches($0, reference) })
        #expect(cluster.workers.log(1).contains("reclaimed"), "host 1 took over the stuck tasks: \(cluster.workers.log(1))")

        // Host 0 noticed the loss, came back on its own and serves again.
        let back = Date().addingTimeInterval(15)
        while !cluster.workers.log(0).contains("reconnected to Redis") && Date() < back { usleep(50_000) }
        let log0 = cluster.workers.log(0)
        #expect(log0.contains("reconnecting") && log0.contains("reconnected to Redis"), "\(log0)")
        #expect(cluster.workers.isRunning(0))
        // Host 0 wrote the results of the tasks it held, which host 1 had run again: the
        // de-duplication above was really put to work. (One XADD per task and per result,
        // one marker per batch; what host 0 writes late is on top.)
        let written = Date().addingTimeInterval(10)
        while cluster.xaddCalls() - xaddsBefore <= 2 * urls.count + 1 && Date() < written { usleep(50_000) }
        #expect(cluster.xaddCalls() - xaddsBefore > 2 * urls.count + 1, "host 0 wrote its late results")
        let before = cluster.net.webBytesReceived(0)
        let again = try Crawler(options: options).crawl(Array((0..<2).flatMap { _ in pages }))
        #expect(again.allSatisfy { $0.error == nil })
        #expect(cluster.net.webBytesReceived(0) > before, "host 0 took part in the next batch")
        #expect(cluster.redis.cli("KEYS", "trawl:batch:*") == "")
    }
}
