// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// A batch of `urls` with a 20 s timeout and the options `configure` sets.
func crawlLoopback(_ urls: [String], backend: BackendKind, jobs: Int, concurrency: Int,
                   _ configure: (inout CrawlOptions) -> Void) throws -> [CrawlResult] {
    var o = CrawlOptions()
    o.backend = backend
    o.jobs = jobs
    o.concurrency = concurrency
    o.timeout = 20
    configure(&o)
    return try Crawler(options: o).crawl(urls)
}

/// Retries observed by a real server on loopback: what it answered, how often and when it was
/// asked again, on the thread and the process backend.
@Suite(.serialized) struct RetryTests {
    func crawl(_ urls: [String], backend: BackendKind = .thread,
               _ configure: (inout CrawlOptions) -> Void = { _ in }) throws -> [CrawlResult] {
        try crawlLoopback(urls, backend: backend, jobs: 2, concurrency: 8, configure)
    }

    static let backends: [BackendKind] = [.thread, .process]

    @Test(arguments: backends)
    func transientStatusesAreRetriedUntilTheyPass(backend: BackendKind) throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let results = try crawl([server.url("/fail/2/503/a"), server.url("/fail/1/429/b"), server.url("/ok/c")],
                                backend: backend) { $0.retryBase = 0.05 }
        #expect(results.map(\.status) == [200, 200, 200])
        #expect(results.map(\.attempts) == [3, 2, 1])
        #expect(server.times("a").count == 3 && server.times("b").count == 2 && server.times("c").count == 1)
        #expect(results.allSatisfy { $0.error == nil })
    }

    @Test(arguments: backends)
    func afterMaxRetriesTheLastStatusStands(backend: BackendKind) throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let results = try crawl([server.url("/fail/9/503/a"), server.url("/fail/9/404/b")], backend: backend) {
            $0.retryBase = 0.02
            $0.maxRetries = 1
        }
        #expect(results[0].status == 503 && results[0].attempts == 2 && results[0].error == nil)
        #expect(server.times("a").count == 2)
        // 404 is not transient: asked once.
        #expect(results[1].status == 404 && results[1].attempts == 1 && server.times("b").count == 1)
    }

    @Test func noRetriesWithMaxRetriesZeroOrAnEmptyStatusList() throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let r0 = try crawl([server.url("/fail/1/503/a")]) { $0.maxRetries = 0 }
        #expect(r0[0].status == 503 && r0[0].attempts == 1 && server.times("a").count == 1)
        let r1 = try crawl([server.url("/fail/1/503/b")]) { $0.retryStatuses = [] }
        #expect(r1[0].status == 503 && server.times("b").count == 1)
    }

    @Test(arguments: backends)
    func resetConnectionsAndRefusedConnectsAreRetried(backend: BackendKind) throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let dead = "http://127.0.0.1:\(TestServer.closedPort())/x"
        let results = try crawl([server.url("/reset/2/a"), dead], backend: backend) {
            $0.retryBase = 0.02
            $0.breakerThreshold = 0
        }
        #expect(results[0].status == 200 && results[0].attempts == 3 && server.times("a").count == 3)
        #expect(results[1].error?.code == .connect && results[1].attempts == 3)
    }

    @Test func backoffSpacingIsJitteredAndBoundedByItsCeiling() throws {
        // 8 URLs fail twice each: gap 1 is drawn from 0..<0.4 s, gap 2 from 0..<0.8 s.
        let server = try FlakyServer()
        defer { server.stop() }
        let keys = (0..<8).map { "k\($0)" }
        let results = try crawl(keys.map { server.url("/fail/2/503/\($0)") }) { $0.retryBase = 0.4 }
        #expect(results.allSatisfy { $0.status == 200 && $0.attempts == 3 })
        var first: [Double] = [], second: [Double] = []
        for k in keys {
            let t = server.times(k)
            try #require(t.count == 3)
            first.append(t[1] - t[0])
            second.append(t[2] - t[1])
        }
        // Upper bounds: the ceiling plus the lanes' 100 ms poll and a loaded machine's slack
        // (not under sanitizers, which slow everything).
        if Sanitizers.checksTiming {
            #expect(first.allSatisfy { $0 < 0.4 + 0.6 }, "first gaps \(first)")
            #expect(second.allSatisfy { $0 < 0.8 + 0.6 }, "second gaps \(second)")
        }
        // Jitter: the gaps differ (eight equal waits would mean none).
        let spread = (first.max() ?? 0) - (first.min() ?? 0)
        #expect(spread > 0.03, "first gaps \(first)")
    }

    @Test(arguments: backends)
    func retryAfterOneSecondIsRespected(backend: BackendKind) throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let results = try crawl([server.url("/fail/1/503/a?ra=1"), server.url("/fail/1/429/b?ra=1")], backend: backend) {
            $0.retryBase = 0.01
        }
        #expect(results.map(\.status) == [200, 200])
        for k in ["a", "b"] {
            let t = server.times(k)
            try #require(t.count == 2)
            #expect(t[1] - t[0] >= 1.0, "retried after \(t[1] - t[0]) s")
        }
    }

    @Test func retryAfterAsAnHTTPDateIsRespected() throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        // Two whole seconds ahead: the date has a resolution of one second.
        let date = formatter.string(from: Date().addingTimeInterval(2))
        let encoded = date.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let results = try crawl([server.url("/fail/1/503/a?ra=\(encoded)")]) { $0.retryBase = 0.01 }
        #expect(results[0].status == 200 && results[0].attempts == 2)
        let t = server.times("a")
        try #require(t.count == 2)
        #expect(t[1] - t[0] >= 1.0, "retried after \(t[1] - t[0]) s for Retry-After: \(date)")
    }

    @Test func aRetryAfterAboveRetryMaxEndsTheURLAtOnce() throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let results = try crawl([server.url("/fail/1/503/a?ra=3600")]) { $0.retryMax = 10 }
        #expect(results[0].status == 503 && results[0].attempts == 1)
        #expect(results[0].error?.code == .hostUnavailable)
        #expect(results[0].error?.message.contains("3600") == true)
        #expect(server.times("a").count == 1)
    }

    @Test func malformedRetryAfterFallsBackToTheBackoff() throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let results = try crawl([server.url("/fail/1/503/a?ra=-5"), server.url("/fail/1/503/b?ra=soon"),
                                 server.url("/fail/1/503/c?ra=99999999999999")]) { $0.retryBase = 0.05 }
        #expect(results.map(\.status) == [200, 200, 200])
        #expect(results.map(\.attempts) == [2, 2, 2])
        for k in ["a", "b", "c"] {
            let t = server.times(k)
            try #require(t.count == 2)
            // The back-off waits at most 0.05 s; an honoured -5 or "soon" could not be.
            if Sanitizers.checksTiming { #expect(t[1] - t[0] < 0.9, "\(k) waited \(t[1] - t[0]) s") }
        }
    }

    @Test func aRetryHoldsNoTransferSlot() throws {
        // One transfer at a time: while URL a waits 1 s for its retry, the others run.
        let server = try FlakyServer()
        defer { server.stop() }
        let urls = [server.url("/fail/1/503/a?ra=1")] + (0..<5).map { server.url("/ok/o\($0)") }
        let results = try crawl(urls) {
            $0.jobs = 1
            $0.concurrency = 1
        }
        #expect(results.allSatisfy { $0.status == 200 })
        let retryAt = try #require(server.times("a").last)
        for i in 0..<5 {
            let t = try #require(server.times("o\(i)").first)
            #expect(t < retryAt, "o\(i) ran after the retry")
        }
    }
}

/// Per-host pacing and the circuit breaker as a real server on loopback sees them.
@Suite(.serialized) struct PacingTests {
    func crawl(_ urls: [String], backend: BackendKind = .thread,
               _ configure: (inout CrawlOptions) -> Void) throws -> [CrawlResult] {
        try crawlLoopback(urls, backend: backend, jobs: 4, concurrency: 16, configure)
    }

    func gaps(_ times: [Double]) -> [Double] { zip(times, times.dropFirst()).map { $1 - $0 } }

    /// Thread backend: 4 lanes of one process. Process backend: 4 worker processes, whose
    /// starts the host process schedules.
    @Test(arguments: [BackendKind.thread, .process])
    func hostDelayHoldsAcrossEveryLane(backend: BackendKind) throws {
        let server = try FlakyServer()
        defer { server.stop() }
        // 12 URLs: more than one process worker's window (8), so two workers get some.
        let results = try crawl((0..<12).map { server.url("/ok/d\($0)") }, backend: backend) { $0.hostDelay = 0.15 }
        #expect(results.allSatisfy { $0.status == 200 })
        let g = gaps(server.allTimes)
        #expect(g.count == 11)
        guard Sanitizers.checksTiming || backend == .thread else { return }
        // Each gap between starts is drawn from 0.075-0.225 s. The server sees arrivals, which
        // a loaded machine delays unevenly: each gap may shrink by that jitter, the whole span
        // only by the first arrival's delay.
        #expect(g.allSatisfy { $0 >= 0.05 }, "gaps \(g)")
        #expect(g.reduce(0, +) >= 11 * 0.075 - 0.05, "gaps \(g)")
        #expect((g.max() ?? 0) - (g.min() ?? 0) > 0.01, "jitter: gaps \(g)")
    }

    @Test(arguments: [BackendKind.thread, .process])
    func hostRateHoldsAcrossEveryLane(backend: BackendKind) throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let other = try FlakyServer()
        defer { other.stop() }
        let urls = (0..<6).map { server.url("/ok/r\($0)") } + (0..<6).map { other.url("/ok/o\($0)") }
        let results = try crawl(urls, backend: backend) { $0.hostRate = 5 }
        #expect(results.allSatisfy { $0.status == 200 })
        guard Sanitizers.checksTiming || backend == .thread else { return }
        for s in [server, other] {
            let g = gaps(s.allTimes)
            #expect(g.count == 5)
            #expect(g.allSatisfy { $0 >= 0.1 }, "gaps \(g)")
            #expect(g.reduce(0, +) >= 5 * 0.2 - 0.05, "gaps \(g)")
        }
        // Two hosts are paced apart: their starts interleave rather than queue.
        #expect((other.allTimes.first ?? 99) < (server.allTimes.last ?? 0))
    }

    @Test func processRetriesTakeTheirHostsTurn() throws {
        // Two URLs fail once: their retries are scheduled by the host process, and take the
        // host's turn like the other URLs' starts, whichever worker runs them.
        let server = try FlakyServer()
        defer { server.stop() }
        let urls = [server.url("/fail/1/503/a"), server.url("/fail/1/503/b")] + (0..<8).map { server.url("/ok/p\($0)") }
        let results = try crawl(urls, backend: .process) {
            $0.hostDelay = 0.15
            $0.retryBase = 0.01
        }
        #expect(results.map(\.status) == Array(repeating: 200, count: 10))
        #expect(results.map(\.attempts) == [2, 2] + Array(repeating: 1, count: 8))
        #expect(server.times("a").count == 2 && server.times("b").count == 2)
        let g = gaps(server.allTimes)
        #expect(g.count == 11)
        guard Sanitizers.checksTiming else { return }
        #expect(g.allSatisfy { $0 >= 0.05 }, "gaps \(g)")
        #expect(g.reduce(0, +) >= 11 * 0.075 - 0.05, "gaps \(g)")
    }

    @Test(arguments: [BackendKind.thread, .process])
    func withoutPacingRequestsComeTogether(backend: BackendKind) throws {
        // The checks above could pass by a slow crawl; without pacing the same batch's
        // requests arrive closer than any paced gap.
        let server = try FlakyServer()
        defer { server.stop() }
        _ = try crawl((0..<8).map { server.url("/ok/n\($0)") }, backend: backend) { _ in }
        #expect((gaps(server.allTimes).min() ?? 1) < 0.09)
    }

    @Test(arguments: [BackendKind.thread, .process])
    func breakerOpensOnADeadPortAndEndsItsURLs(backend: BackendKind) throws {
        let dead = TestServer.closedPort()
        let urls = (0..<20).map { "http://127.0.0.1:\(dead)/u\($0)" }
        let results = try crawl(urls, backend: backend) {
            $0.jobs = backend == .process ? 1 : 2
            $0.breakerThreshold = 3
            $0.retryBase = 0.05
        }
        #expect(results.count == 20)
        let down = results.filter { $0.error?.code == .hostUnavailable }
        #expect(down.count >= 10, "\(results.map { $0.error?.code.name ?? "-" })")
        #expect(down.allSatisfy { $0.error?.message.contains("breaker_threshold") == true })
        #expect(results.allSatisfy { $0.error?.code == .hostUnavailable || $0.error?.code == .connect })
        // Without the breaker every URL makes all its attempts.
        let attempts = results.reduce(0) { $0 + $1.attempts }
        #expect(attempts < 20 * 3, "attempts \(attempts)")
        let unbroken = try crawl(urls, backend: backend) {
            $0.breakerThreshold = 0
            $0.retryBase = 0.01
        }
        #expect(unbroken.allSatisfy { $0.error?.code == .connect && $0.attempts == 3 })
    }
}
