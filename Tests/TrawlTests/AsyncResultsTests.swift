// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import Trawl
import TrawlTestSupport

/// `crawler.results(for:)` against the loopback server: order modes, one result per URL,
/// cancellation through the task, start errors thrown from the loop.
@Suite struct AsyncResultsTests {
    let server = TestServer.shared

    func crawler(_ configure: (inout CrawlOptions) -> Void = { _ in }) throws -> Crawler {
        var o = CrawlOptions()
        o.jobs = 2
        o.concurrency = 8
        configure(&o)
        return try Crawler(options: o)
    }

    func collect(_ sequence: CrawlResults) async throws -> [CrawlResult] {
        var out: [CrawlResult] = []
        for try await r in sequence { out.append(r) }
        return out
    }

    @Test func inputOrderYieldsOneResultPerURLInOrder() async throws {
        // The slow first URL finishes last, yet comes out first.
        let urls = [server.url("/slow?seconds=1")] + (0..<12).map { server.url("/status/\(200 + $0 % 3)") }
            + ["not a url", "ftp://127.0.0.1/x"]
        let results = try await collect(try crawler().results(for: urls))
        #expect(results.map(\.index) == Array(urls.indices))
        #expect(results.map(\.url) == urls)
        #expect(results[0].status == 200)
        #expect(results[1].status == 200 && results[2].status == 201)
        #expect(results[urls.count - 2].error?.code == .invalidURL)
        #expect(results[urls.count - 1].error?.code == .unsupportedProtocol)
        #expect(results[1][pattern: "link"]?.strings == ["/status-link/200"])
    }

    @Test func completedOrderYieldsResultsAsTheyFinish() async throws {
        // The slow URL second: a host's first transfer runs alone (per_host_connections), so
        // a slow first one would hold the others back until it ended.
        let urls = [server.url("/status/200"), server.url("/slow?seconds=1")]
            + (1..<6).map { server.url("/status/\(200 + $0)") }
        let c = try crawler { $0.order = .completed }
        let results = try await collect(c.results(for: urls))
        #expect(results.count == urls.count)
        #expect(Set(results.map(\.index)) == Set(urls.indices))
        #expect(results.last?.index == 1, "the slow URL finishes last")
    }

    @Test func anEmptyBatchEndsAtOnce() async throws {
        #expect(try await collect(try crawler().results(for: [String]())).isEmpty)
    }

    @Test func cancellingTheTaskCancelsTheBatchAndEveryURLStillGetsItsResult() async throws {
        // Two fast URLs, then URLs that would take 10 s each; the task is cancelled as soon
        // as the first result is in.
        let urls = [server.url("/status/200"), server.url("/status/201")]
            + (0..<6).map { server.url("/slow?seconds=10&n=\($0)") }
        let c = try crawler { $0.timeout = 20 }
        let firstArrived = AsyncStream<Void>.makeStream()
        let task = Task {
            var out: [CrawlResult] = []
            for try await r in c.results(for: urls) {
                out.append(r)
                if out.count == 1 { firstArrived.continuation.yield() }
            }
            return out
        }
        for await _ in firstArrived.stream { break }
        task.cancel()
        let results = try await task.value
        #expect(results.map(\.index) == Array(urls.indices))
        #expect(results[0].status == 200)
        for r in results[2...] {
            #expect(r.error?.code == .cancelled, "\(r.url): \(String(describing: r.error))")
            #expect(r.status == nil)
            #expect(r[pattern: "link"] != nil, "every pattern is named, even on a cancelled URL")
        }
    }

    @Test func aTaskCancelledBeforeItIteratesGetsCancelledResults() async throws {
        let urls = (0..<4).map { server.url("/slow?seconds=10&n=\($0)") }
        let c = try crawler { $0.timeout = 20 }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var out: [CrawlResult] = []
            for try await r in c.results(for: urls) { out.append(r) }
            return out
        }
        let results = try await task.value
        #expect(results.map(\.index) == Array(urls.indices))
        #expect(results.allSatisfy { $0.error?.code == .cancelled })
    }

    @Test func aStartFailureIsThrownFromTheLoop() async throws {
        let c = try crawler { o in
            o.backend = .cluster
            o.redisURL = "redis://127.0.0.1:\(TestServer.closedPort())"
            o.redisTimeout = 1
        }
        var results = 0
        do {
            for try await _ in c.results(for: [server.url("/status/200")]) { results += 1 }
            Issue.record("no error from an unreachable Redis")
        } catch {
            #expect(error.code == .backendUnavailable, "\(error)")
        }
        #expect(results == 0)
    }

    @Test func urlValuesGiveTheSameResultsAsStrings() async throws {
        let strings = [server.url("/status/200"), server.url("/plain")]
        let urls = try strings.map { try #require(URL(string: $0)) }
        let c = try crawler()
        let fromStrings = try await collect(c.results(for: strings))
        let fromURLs = try await collect(c.results(for: urls))
        #expect(fromURLs.map(\.url) == strings)
        #expect(fromURLs.map(\.matches) == fromStrings.map(\.matches))
        #expect(try c.crawl(urls).map(\.matches) == fromStrings.map(\.matches))
        let batch = try c.start(urls)
        #expect(batch.results().map(\.status) == [200, 200])
    }

    @Test func resultsCrossTasks() async throws {
        // CrawlResult is Sendable: sequences run in child tasks and hand their results back.
        let c = try crawler()
        let counts = try await withThrowingTaskGroup(of: [CrawlResult].self) { group in
            for k in 0..<4 {
                group.addTask { try await collect(c.results(for: (0..<5).map { server.url("/status/\(200 + k)?i=\($0)") })) }
            }
            var all: [[CrawlResult]] = []
            for try await r in group { all.append(r) }
            return all.map { $0.filter { $0.error == nil }.count }
        }
        #expect(counts == [5, 5, 5, 5])
    }
}
