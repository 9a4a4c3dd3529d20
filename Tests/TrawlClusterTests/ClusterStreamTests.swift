// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// A cluster batch's input streams as on the other backends: tasks are written to Redis as
/// the URLs are read, never more than the intake's window ahead of the results taken; a
/// submitter killed while writing a list's tasks is resumed by its `batch_id`.
@Suite(.serialized) struct ClusterStreamTests {
    let server = TestServer.shared

    @Test func aStreamedBatchHoldsOnlyItsWindowInRedis() throws {
        let redis = try RedisServer()
        let urls = (0..<2500).map { server.siteURL(Site.names[$0 % Site.names.count]) }
        let source = CountingSource(urls)
        // Pinned at 64: the intake reads max(1,024, 4 x 64) URLs ahead of the results taken.
        let crawler = try Crawler(options: ClusterFixture.options(redis.url) { $0.concurrency = 64 })
        let batch = try crawler.start(source: source)
        // No worker yet: no result comes, so the intake stops at its window.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && redis.cli("XLEN", "trawl:tasks") != "1024" { usleep(20_000) }
        usleep(300_000)
        #expect(redis.cli("XLEN", "trawl:tasks") == "1024")
        #expect(source.read.load(ordering: .relaxed) <= 1025, "the intake read past its window")

        let workers = try Workers(2, redis: redis.url)
        let results = ClusterFixture.drain(batch)
        #expect(results.count == urls.count)
        #expect(results.map(\.index) == Array(urls.indices))
        let wrong = results.filter { $0.url != urls[$0.index] || $0.status != 200 }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first: \(String(describing: wrong.first?.error))")
        #expect(redis.cli("KEYS", "trawl:batch:*") == "")
        #expect(redis.cli("XLEN", "trawl:tasks") == "0")
        _ = workers
    }

    /// A feed (C's `trawl_batch_open`) on the cluster: results come while it is still open.
    @Test func aFeedsURLsRunWhileItIsOpen() throws {
        let redis = try RedisServer()
        let workers = try Workers(1, redis: redis.url)
        let crawler = try Crawler(options: ClusterFixture.options(redis.url))
        let (batch, feed) = try crawler.open()
        let urls = Site.names.prefix(5).map { server.siteURL($0) }
        for u in urls { #expect(feed.add(u) == .added) }
        var early: [CrawlResult] = []
        while early.count < urls.count, case .result(let r) = batch.next(timeout: 30) { early.append(r) }
        #expect(early.map(\.index) == Array(urls.indices))
        #expect(early.allSatisfy { $0.status == 200 && $0.url == urls[$0.index] })
        #expect(!feed.isClosed)
        #expect(feed.add(server.siteURL(Site.names[5])) == .added)
        feed.close()
        let rest = ClusterFixture.drain(batch)
        #expect(rest.map(\.index) == [urls.count])
        #expect(redis.cli("KEYS", "trawl:batch:*") == "")
        _ = workers
    }

    /// The options key counts only tasks already written, so a submitter `kill -9`ed while
    /// writing a list's tasks leaves a batch that a second one, with the same id and list,
    /// completes: every index has a task, where before it waited forever for the missing ones.
    @Test func aSubmitterKilledWhileWritingTasksIsResumed() throws {
        let redis = try RedisServer()
        let count = 200_000
        let urls = (0..<count).map { server.url("/empty?n=\($0)") }
        let (cli, list) = try ClusterFixture.submitter(urls, redis: redis.url, batchID: "half")
        defer { try? FileManager.default.removeItem(atPath: list) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && (Int(redis.cli("XLEN", "trawl:tasks")) ?? 0) < 1000 { usleep(1_000) }
        kill(cli.processIdentifier, SIGKILL)
        cli.waitUntilExit()
        let written = Int(redis.cli("XLEN", "trawl:tasks")) ?? 0
        #expect(written >= 1000)
        #expect(written < count, "the submitter wrote every task before it was killed: the test needs a longer list")

        let options = ClusterFixture.options(redis.url) { $0.batchID = "half" }
        let batch = try Crawler(options: options).start(urls)
        // `start` writes the tasks the first submitter did not: every index has one (those
        // written twice run twice, and the batch keeps the first result).
        let entries = redis.cli("--raw", "XRANGE", "trawl:tasks", "-", "+").split(separator: "\n")
        var indexes = Set<Int>()
        for k in entries.indices.dropLast() where entries[k] == "i" { indexes.insert(Int(entries[k + 1]) ?? -1) }
        let missing = (0..<count).filter { !indexes.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) indexes have no task, the first \(missing.first ?? -1)")
        // Another list under the same id is still refused.
        #expect(throws: TrawlError.self) { try Crawler(options: options).start(Array(urls.prefix(10))) }
        batch.cancel()
        #expect(ClusterFixture.drain(batch).count == count)
    }
}
