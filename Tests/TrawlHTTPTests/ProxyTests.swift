// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
@testable import TrawlHTTP
import TrawlTestSupport

/// `proxy`, `no_proxy` and the guard behind a proxy, against the loopback proxies of
/// proxyserver.py (an HTTP proxy with CONNECT, a SOCKS5 proxy), with credentials. Serialized:
/// the tests compare the proxies' request counts before and after, which a test running beside
/// them through the same proxy would move (noProxyBypassesIt failed so).
@Suite(.serialized) struct ProxyTests {
    static let proxies: ProxyServer? = try? ProxyServer(auth: "crawler:s3cret")

    func options(_ proxy: String, _ extra: (inout CrawlOptions) throws -> Void = { _ in }) throws -> CrawlOptions {
        var o = CrawlOptions()
        o.timeout = 10
        o.connectTimeout = 5
        try o.set("proxy", .string(proxy))
        try extra(&o)
        return o
    }

    func counts() throws -> [String: Any] { try #require(Self.proxies).counts() }

    /// No text of a response mentions the password.
    func expectNoPassword(_ r: FetchResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        let texts = [r.error?.message ?? "", r.finalURL ?? "", r.url]
        #expect(!texts.contains { $0.contains("s3cret") }, "\(texts)", sourceLocation: sourceLocation)
    }

    @Test func httpProxyWithCredentials() throws {
        let p = try #require(Self.proxies)
        let before = try counts()["http"] as? Int ?? 0
        let r = try fetchOne(server("/headers"), options: options("http://crawler:s3cret@127.0.0.1:\(p.httpPort)"))
        #expect(r.error == nil && r.status == 200, "\(String(describing: r.error))")
        #expect(r.text.contains("trawl-test-proxy"), "the request went through the proxy (its Via header)")
        #expect(try counts()["http"] as? Int ?? 0 > before)
        expectNoPassword(r)
    }

    @Test func httpsThroughConnect() throws {
        let p = try #require(Self.proxies)
        let url = try #require(TestServer.shared.httpsURL("/empty"))
        let before = try counts()["connect"] as? Int ?? 0
        let r = try fetchOne(url, options: options("http://crawler:s3cret@127.0.0.1:\(p.httpPort)") {
            $0.caBundle = TestServer.shared.caFile
        })
        #expect(r.error == nil && r.status == 200, "\(String(describing: r.error))")
        #expect(try counts()["connect"] as? Int ?? 0 > before)
    }

    @Test(arguments: ["socks5", "socks5h"])
    func socks5WithCredentials(_ scheme: String) throws {
        let p = try #require(Self.proxies)
        let before = try counts()["socks"] as? Int ?? 0
        let r = try fetchOne(server("/empty"), options: options("\(scheme)://crawler:s3cret@127.0.0.1:\(p.socksPort)"))
        #expect(r.error == nil && r.status == 200, "\(String(describing: r.error))")
        #expect(try counts()["socks"] as? Int ?? 0 > before)
    }

    @Test func wrongOrMissingCredentialsAndDeadProxiesNeverShowThePassword() throws {
        let p = try #require(Self.proxies)
        let wrong = try fetchOne(server("/empty"), options: options("http://crawler:wrongs3cret@127.0.0.1:\(p.httpPort)"))
        #expect(wrong.status == 407, "\(String(describing: wrong.error)) \(String(describing: wrong.status))")
        let socks = try fetchOne(server("/empty"), options: options("socks5://crawler:bads3cret@127.0.0.1:\(p.socksPort)"))
        #expect(socks.error != nil)
        let dead = try fetchOne(server("/empty"), options: options("http://crawler:s3cret@127.0.0.1:\(TestServer.closedPort())"))
        #expect(dead.error?.code == .connect, "\(String(describing: dead.error))")
        for r in [wrong, socks, dead] { expectNoPassword(r) }
        // --print-options hides it too.
        let o = try options("http://crawler:s3cret@127.0.0.1:1")
        let printed = OptionDocs.settingsText(o)
        #expect(printed.contains("proxy=http://crawler:***@127.0.0.1:1") && !printed.contains("s3cret"))
    }

    @Test func noProxyBypassesIt() throws {
        let p = try #require(Self.proxies)
        let before = try counts()["http"] as? Int ?? 0
        let r = try fetchOne(server("/headers"), options: options("http://crawler:s3cret@127.0.0.1:\(p.httpPort)") {
            try $0.set("no_proxy", .string("127.0.0.1"))
        })
        #expect(r.error == nil && !r.text.contains("trawl-test-proxy"))
        #expect(try counts()["http"] as? Int ?? 0 == before)
    }

    @Test func theGuardChecksTargetsBehindTheProxy() throws {
        let p = try #require(Self.proxies)
        let canary = try CanaryServer()
        defer { canary.stop() }
        for proxy in ["http://crawler:s3cret@127.0.0.1:\(p.httpPort)", "socks5://crawler:s3cret@127.0.0.1:\(p.socksPort)"] {
            let o = try options(proxy) {
                try $0.set("block_private_addresses", .int(1))
                try $0.set("resolve", .string("evil.test:\(canary.port):127.0.0.1"))
            }
            let responses = try fetch(["http://127.0.0.1:\(canary.port)/", "http://localhost:\(canary.port)/",
                                       "http://evil.test:\(canary.port)/", "http://0x7f.0.0.1:\(canary.port)/"], options: o)
            for r in responses {
                #expect(r.error?.code == .blockedAddress, "\(proxy) \(r.url): \(String(describing: r.error))")
                expectNoPassword(r)
            }
            // The proxy's own (loopback) address is exempt: an allowed target goes through.
            let allowed = try fetchOne(server("/empty"), options: options(proxy) {
                try $0.set("block_private_addresses", .int(1))
                try $0.set("allow_hosts", .string("127.0.0.1"))
            })
            #expect(allowed.error == nil && allowed.status == 200, "\(String(describing: allowed.error))")
        }
        #expect(canary.connections == 0)
    }

    @Test(arguments: ["ftp://p:1", "http://", "http://h:0", "http://h:99999", "http://h:x", "http://h/path",
                      "socks4://h:1", "h:8080", "http://a b:1", "http://[::1:1"])
    func malformedProxiesAreRefusedByName(_ bad: String) {
        var o = CrawlOptions()
        let error = #expect(throws: TrawlError.self) { try o.set("proxy", .string(bad)) }
        #expect(error?.message.hasPrefix("proxy") == true, "\(error?.message ?? "")")
    }

    @Test func socks5hWithTheGuardIsAnOptionError() throws {
        var o = CrawlOptions()
        try o.set("proxy", .string("socks5h://127.0.0.1:1080"))
        try o.validate()
        try o.set("block_private_addresses", .int(1))
        let error = #expect(throws: TrawlError.self) { try o.validate() }
        #expect(error?.message.contains("socks5h") == true)
        #expect(throws: TrawlError.self) { try FetchLane(options: o) }
    }
}
