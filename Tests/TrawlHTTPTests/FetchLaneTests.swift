// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
import TrawlHTTP
import TrawlTestSupport

@Suite struct FetchLaneTests {
    // MARK: Bodies

    @Test func sitePagesArriveByteForByte() throws {
        let pages = Site.pages
        try #require(pages.count >= 100)
        let responses = try fetch(pages.map { TestServer.shared.siteURL($0.name) }, inFlight: 16)
        for (page, response) in zip(pages, responses) {
            #expect(response.error == nil, "\(page.name): \(String(describing: response.error))")
            #expect(response.status == 200)
            #expect(response.contentType == page.contentType)
            #expect(response.finalURL == response.url)
            #expect(response.body == Site.bytes(page.name), "\(page.name) differs")
            // Checked for UTF-8 as it arrived, in chunks: valid exactly when the bytes are.
            #expect((response.validUTF8?.bytes == response.body) == UTF8Text.isValid(response.body), "\(page.name)")
            if Site.plainUTF8.contains(page) { #expect(response.validUTF8 != nil, "\(page.name)") }
        }
        #expect(responses.contains { $0.validUTF8 == nil }, "the site has legacy-charset pages")
    }

    @Test func invalidUTF8BodyHasNoText() throws {
        let response = try fetchOne(server("/invalid-utf8"))
        #expect(response.error == nil)
        #expect(response.body.count > 50)
        #expect(response.validUTF8 == nil)
        // A valid body cut at the last byte of a multi-byte character is not valid either.
        let cut = try fetchOne(server("/bytes?hex=3c703ee282"))
        #expect(cut.body == [0x3C, 0x70, 0x3E, 0xE2, 0x82])
        #expect(cut.validUTF8 == nil)
        let whole = try fetchOne(server("/bytes?hex=3c703ee282ac"))
        #expect(whole.validUTF8?.bytes == whole.body)
    }

    @Test(arguments: ["/gzip", "/deflate", "/br", "/zstd"])
    func contentEncodingIsDecoded(_ path: String) throws {
        let page = try #require(Site.names.last)
        let responses = try fetch([server(path), server("/plain"), server(path + "?page=" + page)])
        #expect(responses[0].error == nil)
        #expect(responses[0].body == responses[1].body)
        #expect(responses[0].body.count > 10_000)
        #expect(responses[2].body == Site.bytes(page))
    }

    @Test func emptyBody() throws {
        let response = try fetchOne(server("/empty"))
        #expect(response.error == nil)
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
    }

    @Test(arguments: [404, 500, 503])
    func errorStatusesAreResponsesWithBodies(_ code: Int) throws {
        let response = try fetchOne(server("/status/\(code)"))
        #expect(response.error == nil)
        #expect(response.status == code)
        #expect(response.text.contains("<a href=\"/status-link/\(code)\">"))
    }

    // MARK: Redirects

    @Test func redirectChainRecordsTheFinalURL() throws {
        let response = try fetchOne(server("/redirect/3"))
        #expect(response.error == nil)
        #expect(response.status == 200)
        #expect(response.finalURL == server("/redirect/0"))
        #expect(response.text.contains("final link"))
    }

    @Test func redirectLimit() throws {
        var options = CrawlOptions()
        options.maxRedirects = 2
        let responses = try fetch([server("/redirect/2"), server("/redirect/3")], options: options)
        #expect(responses[0].error == nil)
        #expect(responses[0].finalURL == server("/redirect/0"))
        #expect(responses[1].error?.code == .tooManyRedirects)
        #expect(responses[1].body.isEmpty)
    }

    @Test func redirectLoopIsTooManyRedirects() throws {
        let response = try fetchOne(server("/redirect-loop"))
        #expect(response.error?.code == .tooManyRedirects)
        #expect(response.error?.message.contains("10") == true)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/", "dict://127.0.0.1/"])
    func redirectToAnotherSchemeIsRefused(_ target: String) throws {
        let escaped = try #require(target.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let response = try fetchOne(server("/redirect-to?url=" + escaped))
        #expect(response.error?.code == .unsupportedProtocol)
        let scheme = String(target.prefix { $0 != ":" })
        #expect(response.error?.message.contains("'\(scheme)'") == true, "\(String(describing: response.error))")
        #expect(response.body.isEmpty)
        #expect(!response.text.contains("root:"))
    }

    // MARK: Refused and invalid URLs

    @Test(arguments: ["file:///etc/passwd", "FILE:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/",
                      "dict://127.0.0.1/", "mailto:someone@example.com", "javascript:alert(1)"])
    func otherSchemesAreRefused(_ url: String) throws {
        let response = try fetchOne(url)
        #expect(response.error?.code == .unsupportedProtocol, "\(url): \(String(describing: response.error))")
        let scheme = String(url.prefix { $0 != ":" }).lowercased()
        #expect(response.error?.message.contains("'\(scheme)'") == true)
        #expect(response.status == nil)
        #expect(response.body.isEmpty)
    }

    @Test(arguments: ["", "   ", "not a url", "example.com", "example.com/page", "localhost:8080/x",
                      "http://", "http:///path", "http://exa mple.com/", "http//example.com",
                      "://example.com", "http://[::1/", "http://example.com/\n", "\thttp://example.com/"])
    func invalidURLs(_ url: String) throws {
        let response = try fetchOne(url)
        #expect(response.error?.code == .invalidURL, "\(String(reflecting: url)): \(String(describing: response.error))")
        #expect(response.error?.message.isEmpty == false)
        #expect(response.finalURL == nil)
    }

    // MARK: Network failures

    @Test func slowResponseTimesOut() throws {
        var options = CrawlOptions()
        options.timeout = 0.5
        let responses = try fetch([server("/slow?seconds=3"), server("/drip?bytes=10&interval=0.2"),
                                   server("/empty")], options: options)
        #expect(responses[0].error?.code == .timeout)
        #expect(responses[1].error?.code == .timeout)
        #expect(responses[2].error == nil)
    }

    @Test func bodiesOverTheLimitFailAloneAndTheRestSucceed() throws {
        var options = CrawlOptions()
        options.maxBytes = 1 << 20
        let page = try #require(Site.names.first)
        let responses = try fetch([
            server("/big?bytes=\(8 << 20)"), TestServer.shared.siteURL(page),
            server("/gzip-bomb?bytes=\(8 << 20)"), server("/big?bytes=\(1 << 20)"), server("/empty"),
        ], options: options)
        #expect(responses[0].error?.code == .tooLarge)
        #expect(responses[0].error?.message.contains("1048576") == true)
        #expect(responses[0].body.isEmpty)
        #expect(responses[1].error == nil)
        #expect(responses[1].body == Site.bytes(page))
        #expect(responses[2].error?.code == .tooLarge, "decoded bytes count, not wire bytes")
        #expect(responses[3].error == nil, "exactly the limit is allowed")
        #expect(responses[3].body.count == 1 << 20)
        #expect(responses[4].error == nil)
    }

    @Test func closedConnectionIsANetworkError() throws {
        let response = try fetchOne(server("/close"))
        #expect(response.error?.code == .network)
        #expect(response.error?.message.isEmpty == false)
    }

    @Test func refusedConnection() throws {
        let port = TestServer.closedPort()
        let response = try fetchOne("http://127.0.0.1:\(port)/")
        #expect(response.error?.code == .connect)
        #expect(response.error?.message.contains("\(port)") == true)
    }

    @Test func unknownHost() throws {
        var options = CrawlOptions()
        options.connectTimeout = 5
        options.timeout = 10
        let response = try fetchOne("http://nonexistent.invalid/", options: options)
        #expect(response.error?.code == .dns)
        #expect(response.error?.message.contains("nonexistent.invalid") == true)
    }

    // MARK: Request headers and connections

    private func headersSeen(_ options: CrawlOptions) throws -> [String: String] {
        let response = try fetchOne(server("/headers"), options: options)
        #expect(response.error == nil)
        let json = try JSONSerialization.jsonObject(with: Data(response.body))
        return try #require(json as? [String: String])
    }

    @Test func defaultUserAgentAndEncodings() throws {
        let seen = try headersSeen(CrawlOptions())
        #expect(seen["user-agent"] == Version.userAgent)
        let accepted = seen["accept-encoding"] ?? ""
        #expect(accepted.contains("gzip") && accepted.contains("deflate"))
    }

    @Test func userAgentAndExtraHeaders() throws {
        var options = CrawlOptions()
        options.userAgent = "trawl-test/9.9"
        options.headers = ["X-Trawl-Test: yes", "Accept-Language: fr"]
        let seen = try headersSeen(options)
        #expect(seen["user-agent"] == "trawl-test/9.9")
        #expect(seen["x-trawl-test"] == "yes")
        #expect(seen["accept-language"] == "fr")
    }

    @Test(arguments: ["X-Bad: a\r\nX-Injected: b", "no colon here"])
    func malformedHeadersAreRejected(_ header: String) {
        var options = CrawlOptions()
        options.headers = [header]
        #expect(throws: TrawlError.self) { try FetchLane(options: options) }
    }

    @Test func unknownProtocolNameIsRejected() {
        var options = CrawlOptions()
        options.allowedProtocols = ["http", "nosuchproto"]
        #expect(throws: TrawlError.self) { try FetchLane(options: options) }
    }

    private func connectionPorts(_ responses: [FetchResponse]) throws -> [Int] {
        try responses.map { response in
            let json = try JSONSerialization.jsonObject(with: Data(response.body))
            return try #require((json as? [String: Int])?["port"])
        }
    }

    @Test func keepAliveReusesOneConnection() throws {
        let responses = try fetch(Array(repeating: server("/conn"), count: 5), inFlight: 1)
        #expect(Set(try connectionPorts(responses)).count == 1)
    }

    @Test func perHostLimitSharesConnections() throws {
        var options = CrawlOptions()
        options.perHostConnections = 2
        let responses = try fetch(Array(repeating: server("/conn"), count: 12), options: options,
                                  inFlight: 12)
        let ports = Set(try connectionPorts(responses))
        #expect(ports.count >= 1 && ports.count <= 2, "ports: \(ports)")
    }

    @Test func waitingForAHostSlotDoesNotCountTowardsTheTimeout() throws {
        // Five 0.4 s responses through one connection take 2 s; each must still succeed
        // with a 1.5 s timeout, because a request waits for its host outside libcurl.
        var options = CrawlOptions()
        options.perHostConnections = 1
        options.timeout = 1.5
        let urls = Array(repeating: server("/slow?seconds=0.4"), count: 5) + [server("/conn")]
        let responses = try fetch(urls, options: options, inFlight: 6)
        for response in responses {
            #expect(response.error == nil, "\(response.index): \(String(describing: response.error))")
        }
    }

    // MARK: Driving the lane

    @Test func everyPulledRequestGetsOneResponseWithWaits() throws {
        let lane = try FetchLane(options: CrawlOptions())
        let urls = (0..<40).map { i in
            switch i % 5 {
            case 0: server("/empty")
            case 1: "not a url"
            case 2: server("/status/404")
            case 3: "ftp://127.0.0.1/"
            default: server("/redirect/1")
            }
        }
        var calls = 0, cursor = 0
        var seen: [Int: Int] = [:]
        lane.run(inFlight: 3, next: {
            calls += 1
            // Every third call has nothing yet: the lane must ask again later.
            if calls % 3 == 0 { return .wait }
            guard cursor < urls.count else { return .finished }
            defer { cursor += 1 }
            return .request(FetchRequest(index: cursor, url: urls[cursor]))
        }, isCancelled: { false }, complete: { response in
            seen[response.index, default: 0] += 1
        })
        #expect(seen.count == urls.count)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }

    @Test func cancellationFromAnotherThread() throws {
        let lane = try FetchLane(options: CrawlOptions())
        let cancelled = Flag()
        let waker = lane.waker
        let urls = (0..<6).map { _ in server("/slow?seconds=20") } + ["not a url"]
        var cursor = 0
        var responses: [FetchResponse] = []
        Thread.detachNewThread {
            usleep(300_000)
            cancelled.raise()
            waker.wake()
        }
        lane.run(inFlight: 8, next: {
            guard cursor < urls.count else { return .finished }
            defer { cursor += 1 }
            return .request(FetchRequest(index: cursor, url: urls[cursor]))
        }, isCancelled: { cancelled.isRaised }, complete: { responses.append($0) })
        #expect(responses.count == urls.count)
        let slow = responses.filter { $0.index < 6 }
        #expect(slow.count == 6)
        #expect(slow.allSatisfy { $0.error?.code == .cancelled })
        #expect(responses.first { $0.index == 6 }?.error?.code == .invalidURL)
    }

    @Test func wakerOutlivesItsLane() throws {
        var waker: LaneWaker?
        do {
            let lane = try FetchLane(options: CrawlOptions())
            waker = lane.waker
        }
        waker?.wake()
        #expect(waker != nil)
    }

    // MARK: TLS

    @Test func httpsVerification() throws {
        let server = TestServer.shared
        let url = try #require(server.httpsURL("/status/200"), "no TLS listener (openssl missing?)")
        let unverified = try fetchOne(url)
        #expect(unverified.error?.code == .tls, "\(String(describing: unverified.error))")

        var trusting = CrawlOptions()
        trusting.caBundle = server.caFile
        let verified = try fetchOne(url, options: trusting)
        #expect(verified.error == nil, "\(String(describing: verified.error))")
        #expect(verified.status == 200)

        var lax = CrawlOptions()
        lax.verifyTLS = false
        #expect(try fetchOne(url, options: lax).error == nil)
    }
}
