// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
@testable import TrawlHTTP
import TrawlTestSupport

/// The SSRF guard (`block_private_addresses`, `allow_hosts`) and host overrides (`resolve`).
/// A test address; an unparsable literal becomes 0.0.0.0 (and fails the test that uses it).
private func ip(_ text: String) -> IPAddress { IPAddress(text) ?? IPAddress(v4: [0, 0, 0, 0]) }

@Suite struct AddressGuardTests {
    // MARK: The rule, without I/O

    @Test(arguments: [
        "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
        "127.0.0.1", "127.255.0.9", "169.254.169.254", "172.16.0.1", "172.31.255.255",
        "192.168.1.1", "198.18.0.1", "198.19.255.255", "224.0.0.1", "239.1.2.3", "240.0.0.1",
        "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254",
        "::127.0.0.1", "64:ff9b::10.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "2002:c0a8:101::1",
        "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1", "ff05::2",
    ])
    func blocksEveryNonPublicRange(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressGuard.blockedRange(address) != nil, "\(text) passed the guard")
    }

    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255",
        "172.32.0.0", "169.253.255.255", "192.167.255.255", "198.17.255.255", "198.20.0.0",
        "223.255.255.255", "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8",
        "64:ff9b::808:808", "2002:808:808::1", "fbff::1", "fe7f::1",
    ])
    func letsPublicAddressesThrough(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressGuard.blockedRange(address) == nil, "\(text) refused: \(AddressGuard.blockedRange(address) ?? "")")
    }

    @Test func allowHostsPunchHoles() throws {
        let rule = AddressGuard(allowHosts: ["intranet.example", "10.1.0.0/16", "::1"])
        let ten = ip("10.1.2.3")
        #expect(rule.refusal(host: "x.example", address: ten) == nil)
        #expect(rule.refusal(host: "x.example", address: ip("10.2.0.1")) != nil)
        #expect(rule.refusal(host: "INTRANET.example.", address: ip("192.168.0.1")) == nil)
        #expect(rule.refusal(host: nil, address: ip("::1")) == nil)
        let refusal = rule.refusal(host: "evil.example", address: ip("127.0.0.1")) ?? ""
        #expect(refusal.contains("127.0.0.1") && refusal.contains("loopback") && refusal.contains("evil.example"))
    }

    @Test func rangesParseAsCIDR() throws {
        #expect(IPRange("10.0.0.0/8")?.contains(ip("10.9.9.9")) == true)
        #expect(IPRange("fe80::/10")?.contains(ip("febf::1")) == true)
        #expect(IPRange("fe80::/10")?.contains(ip("fec0::1")) == false)
        for bad in ["10.0.0.0/33", "::/129", "10.0.0/8", "127.1", "0x7f.0.0.1", "2130706433", "10.0.0.0/", "x/8"] {
            #expect(IPRange(bad) == nil, "\(bad) parsed")
        }
        #expect(IPAddress("[::ffff:127.0.0.1]")?.description == "::ffff:127.0.0.1")
    }

    // MARK: Options

    @Test(arguments: ["example.com", "example.com:80", "example.com:0:127.0.0.1", "example.com:65536:127.0.0.1",
                      ":80:127.0.0.1", "example.com:80:", "example.com:80:127.1", "example.com:x:127.0.0.1",
                      "example.com:80:127.0.0.1,nope", "exa mple.com:80:127.0.0.1"])
    func malformedResolveEntriesAreRefusedByName(_ entry: String) {
        var o = CrawlOptions()
        let error = #expect(throws: TrawlError.self) { try o.set("resolve", .string(entry)) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("resolve") == true, "\(error?.message ?? "")")
        #expect(o.resolve.isEmpty)
    }

    @Test func resolveEntriesAccepted() throws {
        var o = CrawlOptions()
        for entry in ["example.com:443:127.0.0.1", "a.test:8080:[::1]", "b.test:80:::1,127.0.0.1", "xn--bcher-kva.example:80:10.0.0.1"] {
            try o.set("resolve", .string(entry))
        }
        #expect(o.resolve.count == 4)
        try o.validate()
        // Set directly in Swift, the lane refuses it too.
        o.resolve = ["nonsense"]
        #expect(throws: TrawlError.self) { try o.validate() }
        #expect(throws: TrawlError.self) { try FetchLane(options: o) }
    }

    @Test func badAllowHostsRefusedByName() {
        var o = CrawlOptions()
        for bad in ["10.0.0.0/40", "a b", "x/8"] {
            let error = #expect(throws: TrawlError.self) { try o.set("allow_hosts", .string(bad)) }
            #expect(error?.message.contains("allow_hosts") == true)
        }
    }

    @Test func resolvePinsANameToAnAddress() throws {
        var o = CrawlOptions()
        let port = TestServer.shared.port
        try o.set("resolve", .string("pinned.test:\(port):127.0.0.1"))
        let response = try fetchOne("http://pinned.test:\(port)/headers", options: o)
        #expect(response.error == nil && response.status == 200)
        #expect(response.text.lowercased().contains("pinned.test"), "the Host header names the URL's host")
    }

    // MARK: At connect time, against a canary that must see nothing

    private func guarded(_ extra: (inout CrawlOptions) throws -> Void = { _ in }) throws -> CrawlOptions {
        var o = CrawlOptions()
        try o.set("block_private_addresses", .int(1))
        o.connectTimeout = 5
        o.timeout = 10
        try extra(&o)
        return o
    }

    @Test func everySpellingOfLoopbackIsRefusedBeforeConnecting() throws {
        let canary = try CanaryServer()
        defer { canary.stop() }
        let p = canary.port
        let spellings = ["127.0.0.1", "localhost", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1",
                         "0x7f000001", "127.000.000.001", "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
                         "LOCALHOST", "[0:0:0:0:0:0:0:1]"]
        let urls = spellings.map { "http://\($0):\(p)/secret" } + ["http://rebound.test:\(p)/secret"]
        let o = try guarded { try $0.set("resolve", .string("rebound.test:\(p):127.0.0.1")) }
        let responses = try fetch(urls, options: o)
        for (url, r) in zip(urls, responses) {
            #expect(r.error?.code == .blockedAddress, "\(url): \(String(describing: r.error))")
            #expect(r.status == nil)
        }
        #expect(responses[0].error?.message.contains("127.0.0.1") == true, "the message names the address")
        #expect(responses[9].error?.message.contains("::1") == true, "\(responses[9].error?.message ?? "")")
        #expect(canary.connections == 0, "the canary saw \(canary.connections) connections")
    }

    @Test func withoutTheGuardTheCanaryIsReached() throws {
        // The check above must be able to fail: the same URLs do reach loopback unguarded.
        let canary = try CanaryServer()
        defer { canary.stop() }
        let p = canary.port
        var o = CrawlOptions()
        o.timeout = 5
        _ = try fetch(["http://127.1:\(p)/", "http://2130706433:\(p)/", "http://0x7f.0.0.1:\(p)/"], options: o)
        #expect(canary.connections >= 3)
    }

    @Test func aRedirectToLoopbackIsRefused() throws {
        let canary = try CanaryServer()
        defer { canary.stop() }
        let port = TestServer.shared.port
        let o = try guarded {
            try $0.set("resolve", .string("public.test:\(port):127.0.0.1"))
            try $0.set("allow_hosts", .string("public.test"))
        }
        let target = "http://127.0.0.1:\(canary.port)/internal"
        let escaped = try #require(target.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let responses = try fetch(["http://public.test:\(port)/redirect-to?url=" + escaped,
                                   "http://public.test:\(port)/empty"], options: o)
        #expect(responses[0].error?.code == .blockedAddress, "\(String(describing: responses[0].error))")
        #expect(responses[0].error?.message.contains("127.0.0.1") == true)
        #expect(responses[1].error == nil && responses[1].status == 200, "allow_hosts lets its host through")
        #expect(canary.connections == 0)
    }

    @Test func allowHostsByRangeReachesLoopback() throws {
        let o = try guarded { try $0.set("allow_hosts", .string("127.0.0.0/8")) }
        let response = try fetchOne(server("/empty"), options: o)
        #expect(response.error == nil && response.status == 200)
    }
}
