// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// `absolute_links` on real pages from the loopback server, on the thread and process
/// backends: the link pattern's matches are absolute, the matches as written are beside them.
@Suite struct AbsoluteLinksTests {
    let server = TestServer.shared

    static let links = [
        "rel.html", "./dot.html", "../up.html", "/root?a=1&amp;b=2", "//other.test/x", "?q", "#f",
        " sp ace.html ", "back\\slash", "http://[broken", "https://Secure.Test:443/./s",
    ]

    /// A page at /bytes?hex=… (its own URL is the base), optionally with a `<base href>`.
    func pageURL(base: String?) -> String {
        var html = "<html><head>"
        if let base { html += #"<base href="\#(base)">"# }
        html += "</head><body>"
        for l in Self.links { html += #"<a href="\#(l)">x</a>"# + "\n" }
        html += "</body></html>"
        let hex = html.utf8.map { String(format: "%02x", $0) }.joined()
        return server.url("/bytes/page/doc?hex=\(hex)")
    }

    func crawl(_ urls: [String], backend: BackendKind, links: [String] = ["link"]) throws -> [CrawlResult] {
        // Pooled workers must inherit the crash marker that ProcessBackendTests relies on.
        _ = ProcessBackendTests.crashMarker
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        o.absoluteLinks = links
        return try Crawler(options: o).crawl(urls)
    }

    @Test(arguments: [BackendKind.thread, .process])
    func linksBecomeAbsoluteWithTheRawOnesBeside(_ backend: BackendKind) throws {
        let plain = pageURL(base: nil)
        let based = pageURL(base: "/based/here/")
        let results = try crawl([plain, based, "not a url"], backend: backend)
        let root = server.url("")
        let dir = root + "/bytes/page/"
        let hex = plain[plain.range(of: "?")!.lowerBound...]
        #expect(results[0][pattern: "link"]?.strings == [
            dir + "rel.html", dir + "dot.html", root + "/bytes/up.html", root + "/root?a=1&b=2",
            "http://other.test/x", dir + "doc?q", dir + "doc" + hex + "#f", dir + "sp%20ace.html",
            dir + "back/slash", "http://[broken", "https://secure.test/s",
        ])
        #expect(results[0][pattern: "link"]?.unresolved == [9])
        #expect(results[0][raw: "link"]?.strings == Self.links.map { $0 })
        let b = root + "/based/here/"
        #expect(results[1][pattern: "link"]?.strings == [
            b + "rel.html", b + "dot.html", root + "/based/up.html", root + "/root?a=1&b=2",
            "http://other.test/x", b + "?q", b + "#f", b + "sp%20ace.html", b + "back/slash",
            "http://[broken", "https://secure.test/s",
        ])
        // A URL without a page still names the raw list, so every result has the same keys.
        #expect(results[2].error?.code == .invalidURL)
        #expect(results[2].rawMatches.map(\.name) == ["link"])
        #expect(JSON.render(results[2]).hasSuffix(#""matches_raw":{"link":[]},"unresolved":{"link":[]}}"#))
        // The button pattern is not named: as written, and no raw list of its own.
        #expect(results[0][raw: "button"] == nil)
    }

    @Test func withoutTheOptionMatchesStayAsWritten() throws {
        let results = try crawl([pageURL(base: nil)], backend: .thread, links: [])
        #expect(results[0][pattern: "link"]?.strings == Self.links)
        #expect(results[0].rawMatches.isEmpty)
        #expect(!JSON.render(results[0]).contains("matches_raw"))
    }

    @Test func badNamesAreOptionErrors() throws {
        var o = CrawlOptions()
        o.absoluteLinks = ["nope"]
        #expect(throws: TrawlError.self) { try Crawler(options: o) }
        o.absoluteLinks = ["pair"]
        o.patterns = [PatternSpec(name: "pair", source: "(a)(b)")]
        #expect(throws: TrawlError.self) { try Crawler(options: o) }
        #expect(throws: TrawlError.self) { try o.set("absolute_links", .string("link,")) }
        try o.set("absolute_links", .string("button, link"))
        #expect(o.absoluteLinks == ["button", "link"])
        try o.set("absolute_links", .string(""))
        #expect(o.absoluteLinks == [])
    }
}
