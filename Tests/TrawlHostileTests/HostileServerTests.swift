// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// The hostile-server suite (issue 13): one batch through the thread backend against
/// `hostileserver.py`, every way of breaking HTTP at once, each followed by a good URL. Each
/// case must end with its exact error code (nil: a page) within the timeout + 1 s, and the
/// good URLs must all be pages.
@Suite struct HostileServerTests {
    /// One misbehaviour and what trawl must make of it.
    struct Case: Sendable, CustomStringConvertible {
        var path: String
        var code: ErrorCode?
        var status: Int? = nil
        var bytes: Int? = nil
        var description: String { path }
    }

    static let timeout = 2.0
    static let maxRedirects = 5
    static let maxBytes = 1_000_000

    static let cases: [Case] = [
        // Never finish: the timeout.
        Case(path: "/slow-bytes", code: .timeout),
        Case(path: "/headers-never-end", code: .timeout),
        Case(path: "/silent", code: .timeout),
        // Broken connections and framing.
        Case(path: "/reset-mid-body", code: .network),
        Case(path: "/truncated-chunked", code: .network),
        Case(path: "/invalid-chunked", code: .badResponse),
        Case(path: "/duplicate-content-length", code: .badResponse),
        // Not HTTP/1.x.
        Case(path: "/garbage", code: .badResponse),
        Case(path: "/http09", code: .badResponse),
        Case(path: "/bad-version", code: .badResponse),
        Case(path: "/status?code=42", code: .badResponse),
        // Headers.
        Case(path: "/headers-300k", code: .badResponse),
        Case(path: "/header-line-200k", code: .badResponse),
        Case(path: "/headers-5000", code: nil, status: 200, bytes: 9),
        // Redirects.
        Case(path: "/redirect-chain?n=\(maxRedirects)", code: nil, status: 200, bytes: 9),
        Case(path: "/redirect-chain?n=\(maxRedirects + 1)", code: .tooManyRedirects),
        Case(path: "/redirect-loop", code: .tooManyRedirects),
        Case(path: "/redirect-to?url=file%3A%2F%2F%2Fetc%2Fpasswd", code: .unsupportedProtocol),
        Case(path: "/redirect-to?url=ftp%3A%2F%2F127.0.0.1%2F", code: .unsupportedProtocol),
        Case(path: "/redirect-to?url=gopher%3A%2F%2F127.0.0.1%2F", code: .unsupportedProtocol),
        Case(path: "/redirect-to?url=data%3Atext%2Fhtml%2Cx", code: .unsupportedProtocol),
        Case(path: "/redirect-to?url=http%3A%2F%2F%5B%3A%3A1", code: .invalidURL),
        Case(path: "/redirect-to?url=http%3A%2F%2Fexa%20mple%2F", code: .invalidURL),
        // Odd statuses: pages, as long as the status line is well formed.
        Case(path: "/status?code=999", code: nil, status: 999, bytes: 9),
        Case(path: "/status?code=600", code: nil, status: 600, bytes: 9),
        // 1xx is informational: its "body" is read as the next status line.
        Case(path: "/status?code=103", code: .badResponse),
        Case(path: "/no-content-with-body?code=204", code: nil, status: 204, bytes: 0),
        Case(path: "/no-content-with-body?code=304", code: nil, status: 304, bytes: 0),
        // Bodies: fake codings, bombs, no end.
        Case(path: "/fake-gzip", code: .badResponse),
        Case(path: "/gzip-bomb", code: .tooLarge),
        Case(path: "/bomb?name=bomb-1g.br&coding=br", code: .tooLarge),
        Case(path: "/bomb?name=bomb-1g-w23.zst&coding=zstd", code: .tooLarge),
        Case(path: "/bomb?name=bomb-1g-w27.zst&coding=zstd", code: .badResponse),
        Case(path: "/endless", code: .tooLarge),
    ]

    /// Time bounds do not hold under sanitizers or valgrind, which slow everything down.
    static var timed: Bool { ProcessInfo.processInfo.environment["TRAWL_SANITIZER"] == nil }

    @Test func everyMisbehaviourEndsWithItsCodeAndSparesItsNeighbours() throws {
        let server = TestServer.hostile
        var options = CrawlOptions()
        options.jobs = 2
        options.concurrency = 32
        // Every case on one host at once: the bound is the batch's wall time, not politeness.
        options.perHostConnections = 0
        options.timeout = Self.timeout
        options.connectTimeout = 1
        options.maxRedirects = Self.maxRedirects
        options.maxBytes = Self.maxBytes
        // One attempt per URL: the bound is per attempt; retries of transient failures
        // (max_retries, back-off) have their own tests.
        options.maxRetries = 0
        let crawler = try Crawler(options: options)
        var urls: [String] = []
        for c in Self.cases {
            urls.append(server.url(c.path))
            urls.append(server.url("/ok"))
        }
        let started = Date()
        let results = try crawler.crawl(urls)
        let wall = Date().timeIntervalSince(started)
        try #require(results.count == urls.count)
        for (i, c) in Self.cases.enumerated() {
            let r = results[2 * i]
            #expect(r.url == urls[2 * i])
            #expect(r.error?.code == c.code, "\(c): \(String(describing: r.error))")
            if c.code != nil { #expect(r.error?.message.isEmpty == false, "\(c)") }
            if let status = c.status { #expect(r.status == status, "\(c)") }
            if let bytes = c.bytes { #expect(r.bytes == bytes, "\(c)") }
            if Self.timed { #expect(r.elapsed <= Self.timeout + 1, "\(c) took \(r.elapsed) s") }
            let neighbour = results[2 * i + 1]
            #expect(neighbour.error == nil, "the /ok after \(c): \(String(describing: neighbour.error))")
            #expect(neighbour.status == 200 && neighbour.bytes == 9, "the /ok after \(c)")
        }
        if Self.timed { #expect(wall <= Self.timeout + 1, "the batch took \(wall) s") }
    }

    @Test func aRedirectNeverLeavesHTTPWhateverTheOptionSays() throws {
        var options = CrawlOptions()
        #expect(throws: TrawlError.self) { try options.set("protocols", .string("http,file")) }
        options.allowedProtocols = ["http", "file"]
        let error = try #require(throws: TrawlError.self) { try Crawler(options: options) }
        #expect(error.code == .invalidArgument)
        // Narrowing is allowed, and holds for redirects.
        options.allowedProtocols = ["http"]
        let results = try Crawler(options: options).crawl([
            TestServer.hostile.url("/redirect-to?url=https%3A%2F%2F127.0.0.1%2F"),
            TestServer.hostile.url("/redirect-to?url=file%3A%2F%2F%2Fetc%2Fpasswd"),
        ])
        #expect(results.map { $0.error?.code } == [.unsupportedProtocol, .unsupportedProtocol])
        #expect(results.allSatisfy { $0.bytes == 0 && $0.finalURL?.hasPrefix("http://") == false })
    }
}
