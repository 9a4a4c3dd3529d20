// SPDX-License-Identifier: Apache-2.0

import Testing
@testable import TrawlCore

/// The retry rule alone: which failures are transient, the back-off's bounds and jitter,
/// `Retry-After` in both forms, and values treated as absent.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 2, base: 0.5, cap: 30, statuses: [429, 503])

    @Test func transientFailuresAreRetriedUpToMaxRetries() {
        #expect(policy.decide(attempt: 1, status: 503, error: nil, retryAfter: nil, random: 1) == .retry(after: 0.5))
        #expect(policy.decide(attempt: 2, status: 429, error: nil, retryAfter: nil, random: 1) == .retry(after: 1))
        #expect(policy.decide(attempt: 3, status: 503, error: nil, retryAfter: nil, random: 1) == .final)
        for code in [ErrorCode.connect, .timeout, .network] {
            #expect(policy.decide(attempt: 1, status: nil, error: code, retryAfter: nil, random: 0) == .retry(after: 0))
        }
    }

    @Test func otherOutcomesStand() {
        for status in [200, 404, 500] {
            #expect(policy.decide(attempt: 1, status: status, error: nil, retryAfter: nil, random: 0.5) == .final)
        }
        for code in [ErrorCode.dns, .invalidURL, .tooLarge, .tls, .cancelled, .hostUnavailable] {
            #expect(policy.decide(attempt: 1, status: nil, error: code, retryAfter: nil, random: 0.5) == .final)
        }
        let none = RetryPolicy(maxRetries: 0, base: 0.5, cap: 30, statuses: [503])
        #expect(none.decide(attempt: 1, status: 503, error: nil, retryAfter: nil, random: 0.5) == .final)
    }

    @Test func backoffIsFullJitterBelowAnExponentialCappedCeiling() {
        #expect(policy.backoff(retry: 1, random: 0) == 0)
        #expect(policy.backoff(retry: 1, random: 0.5) == 0.25)
        #expect(policy.backoff(retry: 3, random: 1) == 2)
        #expect(policy.backoff(retry: 40, random: 1) == 30)
        #expect(policy.backoff(retry: 1_000, random: 1) == 30)
    }

    @Test func retryAfterReplacesTheBackoffAndALongerOneEndsTheURL() {
        #expect(policy.decide(attempt: 1, status: 503, error: nil, retryAfter: 7, random: 0.1) == .retry(after: 7))
        guard case .tooLong(let e) = policy.decide(attempt: 1, status: 503, error: nil, retryAfter: 3600, random: 0) else {
            Issue.record("a wait above retry_max must end the URL")
            return
        }
        #expect(e.code == .hostUnavailable)
        #expect(e.message.contains("3600") && e.message.contains("retry_max 30"))
        // Even after the last attempt the reason is told.
        guard case .tooLong = policy.decide(attempt: 3, status: 429, error: nil, retryAfter: 31, random: 0) else {
            Issue.record("the last attempt too")
            return
        }
    }

    @Test func retryAfterSecondsAndDates() {
        let now = 784_111_777.0  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.seconds("1", now: now) == 1)
        #expect(RetryAfter.seconds(" 120 ", now: now) == 120)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == 10)
        #expect(RetryAfter.seconds("Sunday, 06-Nov-94 08:50:37 GMT", now: now) == 60)
        #expect(RetryAfter.seconds("Sun Nov  6 08:49:39 1994", now: now) == 2)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.httpDate("Tue, 01 Dec 2026 22:00:00 GMT") == 1_796_162_400)
    }

    @Test(arguments: [nil, "", "-1", "-5", "1.5", "abc", "99999999999999999999", "31536001",
                      "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
                      "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 99999 08:49:37 GMT", "1 2 3 4 5"])
    func malformedNegativeOrHugeRetryAfterIsAbsent(value: String?) {
        #expect(RetryAfter.seconds(value, now: 784_111_777) == nil)
    }

    @Test func policyFromOptions() throws {
        var o = CrawlOptions()
        #expect(RetryPolicy(o).maxRetries == 2 && RetryPolicy(o).base == 0.5 && RetryPolicy(o).cap == 30)
        #expect(RetryPolicy(o).statuses == [408, 425, 429, 500, 502, 503, 504])
        try o.set("retry_statuses", .string("503, 429"))
        #expect(RetryPolicy(o).statuses == [503, 429])
        try o.set("retry_statuses", .string(""))
        #expect(RetryPolicy(o).statuses.isEmpty)
        for bad in ["50", "abc", "600", "503,x", "5030"] {
            #expect(throws: TrawlError.self) { try o.set("retry_statuses", .string(bad)) }
            do { try o.set("retry_statuses", .string(bad)) } catch {
                #expect((error as TrawlError).message.contains("retry_statuses"))
            }
        }
        #expect(RetryPolicy(o).tries == TryPolicy(limit: 3))
    }
}

/// Batch statistics summed from results.
@Suite struct BatchStatsTests {
    @Test func resultsAddUp() {
        var s = BatchStats()
        var a = CrawlResult(index: 0, url: "http://A.example:8080/x?y", status: 200, bytes: 10, elapsed: 2)
        a.timing = CrawlResult.Timing(fetch: 1.5, decode: 0.25, extract: 0.25)
        var b = CrawlResult(index: 1, url: "https://user:pw@b.example/", status: 503, bytes: 5, elapsed: 3)
        b.attempts = 3
        var c = CrawlResult(index: 2, url: "nonsense", error: TrawlError(.invalidURL, "bad"))
        c.attempts = 0
        let d = CrawlResult(index: 3, url: "http://a.example:8080/z", error: TrawlError(.robotsDisallowed, "no"))
        for r in [a, b, c, d] { s.add(r) }
        s.wallSeconds = 2
        #expect(s.results == 4 && s.pages == 2 && s.bytes == 15)
        #expect(s.statuses == [200: 1, 503: 1])
        #expect(s.errors == ["invalid_url": 1, "robots_disallowed": 1])
        #expect(s.attempts == 5 && s.retries == 2 && s.robotsRefusals == 1)
        #expect(s.fetchSeconds == 1.5 && s.decodeSeconds == 0.25 && s.extractSeconds == 0.25)
        #expect(s.pagesPerSecond == 1)
        #expect(s.topHosts().map(\.host) == ["b.example", "a.example:8080", ""])
        #expect(s.topHosts()[1].results == 2)
        #expect(s.json.contains(#""statuses":{"200":1,"503":1}"#))
        #expect(s.json.contains(#""top_hosts":[{"host":"b.example","results":1,"seconds":3.0}"#))
        #expect(s.text.contains("4 results, 2 pages"))
    }

    @Test func topHostsKeepsTen() {
        var s = BatchStats()
        for i in 0..<25 { s.add(CrawlResult(index: i, url: "http://h\(i).example/", status: 200, elapsed: Double(i))) }
        #expect(s.topHosts().count == 10)
        #expect(s.topHosts().first?.host == "h24.example")
    }
}
