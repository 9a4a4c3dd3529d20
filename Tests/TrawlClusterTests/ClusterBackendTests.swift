// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// The cluster backend end to end: a real redis-server, real `trawl-cli worker` processes,
/// the loopback test server. Serialized: the machine has two cores.
@Suite(.serialized) struct ClusterBackendTests {
    let server = TestServer.shared

    @Test func threeWorkersGiveTheThreadBackendsResults() throws {
        let redis = try RedisServer()
        let workers = try Workers(3, redis: redis.url)
        let pages = Site.names.map { server.siteURL($0) }
        let urls = (0..<42).flatMap { _ in pages }  // 5,040 URLs
        #expect(urls.count >= 5000)

        var threadOptions = CrawlOptions()
        threadOptions.jobs = 2
        let reference = try Crawler(options: threadOptions).crawl(pages)

        let crawler = try Crawler(options: ClusterFixture.options(redis.url))
        let results = try crawler.crawl(urls)
        #expect(results.count == urls.count)
        #expect(results.map(\.index) == Array(urls.indices))
        var mismatches = 0
        for (i, r) in results.enumerated() {
            var expected = reference[i % pages.count]
            expected.index = i
            if ClusterFixture.comparable(r) != ClusterFixture.comparable(expected) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        // Collected batches leave nothing behind.
        #expect(redis.cli("KEYS", "trawl:batch:*") == "")
        #expect(redis.cli("XLEN", "trawl:tasks") == "0")
        #expect(redis.cli("XPENDING", "trawl:tasks", "trawl:workers").hasPrefix("0"))
        _ = workers
    }

    /// `dedupe` on the cluster: the seed's shape (10 URLs x 100) puts 10 tasks in Redis and
    /// gives 1,000 results, each under its own index (server-counted requests).
    @Test func repeatedURLsAreOneTaskEach() throws {
        let redis = try RedisServer()
        let workers = try Workers(2, redis: redis.url)
        let token = TestServer.freshToken()
        let distinct = (0..<10).map { server.url("/counted/\(token)/\(Site.names[$0])") }
        let urls = (0..<1000).map { distinct[$0 % 10] }
        let results = try Crawler(options: ClusterFixture.options(redis.url) { $0.dedupe = true }).crawl(urls)
        #expect(results.map(\.index) == Array(urls.indices))
        let wrong = results.filter { $0.url != urls[$0.index] || $0.status != 200 }
        let firstWrong = wrong.first.map { "\(wrong.count) wrong, first \($0.index): \(String(describing: $0.error))" } ?? ""
        #expect(firstWrong == "")
        let hits = try server.hits(token)
        #expect(hits.count == 10 && hits.values.allSatisfy { $0 == 1 }, "\(hits)")
        _ = workers
    }

    @Test func aWorkerKilledMidBatchLosesNothing() throws {
        let redis = try RedisServer()
        let workers = try Workers(3, redis: redis.url)
        // Slow pages keep tasks in flight in every worker when one is killed.
        let urls = (0..<600).map { i in i % 3 == 0 ? server.url("/slow?seconds=0.3&n=\(i)") : server.siteURL(Site.names[i % Site.names.count]) }
        let crawler = try Crawler(options: ClusterFixture.options(redis.url) { $0.order = .completed })
        let batch = try crawler.start(urls)
        var results: [CrawlResult] = []
        var killed = false
        while case .result(let r) = batch.next(timeout: 60) {
            results.append(r)
            if !killed && results.count == 150 {
                workers.kill9(0)
                killed = true
            }
        }
        batch.wait()
        #expect(killed)
        #expect(results.count == urls.count)
        #expect(Set(results.map(\.index)).count == urls.count, "every URL exactly once")
        let failed = results.filter { $0.error != nil }
        #expect(failed.isEmpty, "\(failed.prefix(3).map { String(describing: $0.error) })")
        #expect(workers.log(1).contains("reclaimed") || workers.log(2).contains("reclaimed"),
                "the dead worker's tasks were taken over")
    }

    @Test func aTaskPastMaxDeliveriesEndsAsWorkerLost() throws {
        let redis = try RedisServer()
        let first = try Workers(1, redis: redis.url)
        let crawler = try Crawler(options: ClusterFixture.options(redis.url) { o in
            o.visibilityTimeout = 1
            o.maxDeliveries = 1
            o.timeout = 60
        })
        let batch = try crawler.start([server.url("/slow?seconds=30")])
        // Wait until the worker holds the task, then kill it with the task in flight.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && !redis.cli("XPENDING", "trawl:tasks", "trawl:workers").hasPrefix("1") { usleep(20_000) }
        first.kill9(0)
        let second = try Workers(1, redis: redis.url, first: 1)
        let results = ClusterFixture.drain(batch, timeout: 30)
        #expect(results.count == 1)
        #expect(results.first?.error?.code == .workerLost, "\(String(describing: results.first?.error))")
        #expect(results.first?.error?.message.contains("w0") == true)
        #expect(results.first?.matches.map(\.name) == ["button", "link"])
        _ = second
    }

    /// With AOF (everysec) up to a second of writes is lost; without persistence all of
    /// them are. Either way the submitter sees a new run_id and re-submits what is missing:
    /// a list's every task without a result, a streamed input's those written so far (the
    /// rest are written as they are read).
    @Test(arguments: [true, false], [false, true])
    func redisRestartDuringABatchCompletes(aof: Bool, streamed: Bool) throws {
        let redis = try RedisServer(aof: aof)
        let workers = try Workers(2, redis: redis.url)
        let urls = (0..<800).map { i in i % 4 == 0 ? server.url("/slow?seconds=0.2&n=\(i)") : server.siteURL(Site.names[i % Site.names.count]) }
        let crawler = try Crawler(options: ClusterFixture.options(redis.url) { o in
            o.order = .completed
            o.redisTimeout = 10
        })
        let batch = streamed ? try crawler.start(source: CountingSource(urls)) : try crawler.start(urls)
        var results: [CrawlResult] = []
        var restarted = false
        while case .result(let r) = batch.next(timeout: 60) {
            results.append(r)
            if !restarted && results.count == 200 {
                // SIGKILL: up to a second of writes (appendfsync everysec) is lost.
                try redis.restart()
                restarted = true
            }
        }
        batch.wait()
        #expect(restarted)
        #expect(results.count == urls.count)
        #expect(Set(results.map(\.index)).count == urls.count)
        let failed = results.filter { $0.error != nil }
        #expect(failed.isEmpty, "\(failed.prefix(3).map { String(describing: $0.error) })")
        _ = workers
    }

    @Test func cancelRemovesTheBatchFromRedis() throws {
        let redis = try RedisServer()
        // No workers: every task stays in the stream until the cancel.
        let crawler = try Crawler(options: ClusterFixture.options(redis.url))
        let batch = try crawler.start((0..<300).map { server.siteURL(Site.names[$0 % Site.names.count]) })
        #expect(redis.cli("XLEN", "trawl:tasks") == "300")
        batch.cancel()
        let results = ClusterFixture.drain(batch, timeout: 30)
        #expect(results.count == 300)
        #expect(results.allSatisfy { $0.error?.code == .cancelled })
        #expect(redis.cli("XLEN", "trawl:tasks") == "0")
        #expect(redis.cli("KEYS", "trawl:batch:*") == "")
    }

    @Test func aSubmitterResumesItsBatchByID() throws {
        let redis = try RedisServer()
        let urls = (0..<200).map { server.siteURL(Site.names[$0 % Site.names.count]) }
        let options = ClusterFixture.options(redis.url) { $0.batchID = "resume-me" }
        // A first submitter writes the batch and goes away without collecting (killed).
        let (cli, list) = try ClusterFixture.submitter(urls, redis: redis.url, batchID: "resume-me")
        defer { try? FileManager.default.removeItem(atPath: list) }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && redis.cli("XLEN", "trawl:tasks") != "200" { usleep(20_000) }
        kill(cli.processIdentifier, SIGKILL)
        cli.waitUntilExit()
        let workers = try Workers(2, redis: redis.url)
        // Let the workers finish some before the second submitter arrives.
        while Date() < deadline && (Int(redis.cli("XLEN", "trawl:batch:resume-me:results")) ?? 0) < 50 { usleep(20_000) }
        let results = try Crawler(options: options).crawl(urls)
        #expect(results.count == urls.count)
        #expect(results.map(\.url) == urls)
        #expect(results.allSatisfy { $0.error == nil })
        #expect(redis.cli("KEYS", "trawl:batch:*") == "")
        // The same id with other URLs is refused rather than mixed up.
        let again = try Crawler(options: options).start(urls)
        #expect(throws: TrawlError.self) { try Crawler(options: options).start(Array(urls.prefix(3))) }
        again.cancel()
        _ = ClusterFixture.drain(again)
        _ = workers
    }

    @Test func badPasswordUnreachableAndMissingRedisAreClearErrors() throws {
        let redis = try RedisServer(password: "the-right-one")
        let wrong = "redis://:not-the-password@127.0.0.1:\(redis.port)"
        do {
            _ = try Crawler(options: ClusterFixture.options(wrong)).start(["http://127.0.0.1:1/"])
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.code == .backendUnavailable)
            #expect(error.message.contains("WRONGPASS"), "\(error.message)")
            #expect(!error.message.contains("not-the-password"))
        }
        let closed = try RedisServer.freePort()
        do {
            _ = try Crawler(options: ClusterFixture.options("redis://127.0.0.1:\(closed)")).start(["http://127.0.0.1:1/"])
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.code == .backendUnavailable)
            #expect(error.message.contains("cannot connect to Redis at 127.0.0.1:\(closed)"), "\(error.message)")
        }
        #expect { try Crawler(options: ClusterFixture.options("redis://:pw@host:notaport")) } throws: {
            ($0 as? TrawlError)?.code == .invalidArgument && !(($0 as? TrawlError)?.message.contains("pw") ?? true)
        }
        var noURL = CrawlOptions()
        noURL.backend = .cluster
        #expect { try Crawler(options: noURL) } throws: { ($0 as? TrawlError)?.code == .backendUnavailable }
        // A worker given a wrong password exits at once with the reason.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
        p.arguments = ["worker", "--redis", wrong]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(text.contains("WRONGPASS") && !text.contains("not-the-password"), "\(text)")
    }

    @Test func redisGoingAwayEndsTheRestWithAClearError() throws {
        let redis = try RedisServer()
        // No workers, so nothing finishes before Redis goes away.
        let crawler = try Crawler(options: ClusterFixture.options(redis.url) { $0.redisTimeout = 1 })
        let urls = (0..<50).map { server.siteURL(Site.names[$0]) }
        let batch = try crawler.start(urls)
        redis.stop()
        let results = ClusterFixture.drain(batch, timeout: 30)
        #expect(results.count == urls.count, "the batch ended instead of hanging")
        #expect(results.allSatisfy { $0.error?.code == .backendUnavailable })
        #expect(results.first?.error?.message.contains("could not reconnect within 1.0 s") == true,
                "\(String(describing: results.first?.error?.message))")
    }
}
