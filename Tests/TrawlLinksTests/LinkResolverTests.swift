// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore
import TrawlLinks

@Suite struct LinkResolverTests {
    let page = "http://Example.COM:80/dir/page.html?q=1#top"

    func resolve(_ raw: String, html: String = "") -> String? {
        LinkResolver(pageURL: page, html: Array(html.utf8)).resolve(raw)
    }

    /// Every relative form, as a browser resolves it (facts checked against the WHATWG rules).
    @Test func relativeForms() {
        let cases: [(String, String?)] = [
            ("other.html", "http://example.com/dir/other.html"),
            ("./other.html", "http://example.com/dir/other.html"),
            ("../up.html", "http://example.com/up.html"),
            ("../../../../too-far", "http://example.com/too-far"),
            ("/root", "http://example.com/root"),
            ("//cdn.example.net/x", "http://cdn.example.net/x"),
            ("?p=2", "http://example.com/dir/page.html?p=2"),
            ("#frag", "http://example.com/dir/page.html?q=1#frag"),
            ("", "http://example.com/dir/page.html?q=1"),
            ("https://Other.Example:443/a/./b/../c", "https://other.example/a/c"),
            ("  spaced.html\n", "http://example.com/dir/spaced.html"),
            ("a\tb\nc.html", "http://example.com/dir/abc.html"),
            ("\\\\back\\slash", "http://back/slash"),
            ("sub\\file", "http://example.com/dir/sub/file"),
            ("a b", "http://example.com/dir/a%20b"),
            ("/päge?ü=ß#é", "http://example.com/p%C3%A4ge?%C3%BC=%C3%9F#%C3%A9"),
            ("http://bücher.example/", "http://xn--bcher-kva.example/"),
            ("http://0x7f.1/", "http://127.0.0.1/"),
            ("http://[::1]:8080/", "http://[::1]:8080/"),
            ("mailto:someone@example.com", "mailto:someone@example.com"),
            ("javascript:void(0)", "javascript:void(0)"),
            ("http://[bad/", nil),
            ("http://exa mple.com/", nil),
            ("http://example.com:99999/", nil),
        ]
        for (raw, want) in cases {
            #expect(resolve(raw) == want, "\(raw.debugDescription)")
        }
    }

    @Test func characterReferencesAreDecodedFirst() {
        #expect(resolve("?a=1&amp;b=2") == "http://example.com/dir/page.html?a=1&b=2")
        #expect(resolve("&#x2F;slash&#47;x") == "http://example.com/slash/x")
        #expect(resolve("x?a=1&copy=2") == "http://example.com/dir/x?a=1&copy=2")
        #expect(resolve("x?c=&copy;") == "http://example.com/dir/x?c=%C2%A9")
        #expect(resolve("x&unknownname;y") == "http://example.com/dir/x&unknownname;y")
        #expect(CharacterReferences.decode("&#0;&#x110000;&#128;&lt;&gt&quot;") == "\u{FFFD}\u{FFFD}\u{20AC}<>\"")
    }

    @Test func baseHrefDecidesTheBase() {
        let html = #"<html><head><BASE target="_top" HREF='/base/dir/'><base href="/ignored/"></head>"#
        #expect(resolve("x.html", html: html) == "http://example.com/base/dir/x.html")
        #expect(resolve("//h/x", html: html) == "http://h/x")
        // A relative base is resolved against the page; an unparsable one is ignored.
        #expect(resolve("x", html: #"<base href="https://[broken">"#) == "http://example.com/dir/x")
        #expect(resolve("x", html: #"<base href=https://cdn.example/a/b>"#) == "https://cdn.example/a/x")
        #expect(resolve("x", html: #"<base target="_blank"><base href="/second/">"#) == "http://example.com/second/x")
        #expect(resolve("x", html: #"<basefont href="/no/">"#) == "http://example.com/dir/x")
        #expect(resolve("x", html: #"<base href="/a?x=1&amp;y=2">"#) == "http://example.com/x")
    }

    @Test func rewriterKeepsRawMatchesAndFlagsUnresolved() throws {
        let patterns = [PatternSpec(name: "button", source: "x"), PatternSpec(name: "link", source: "y")]
        let rewriter = try LinkRewriter(names: ["link"], patterns: patterns, groups: [1, 1])
        var r = CrawlResult(index: 0, url: "http://h/a/b", finalURL: "http://h/a/c",
                            matches: [PatternMatches(name: "button", groups: 1, matches: [["b1"]]),
                                      PatternMatches(name: "link", groups: 1,
                                                     matches: [["d"], ["http://[x"], ["/e&amp;f"]])])
        rewriter.apply(to: &r, html: [])
        #expect(r[pattern: "link"]?.strings == ["http://h/a/d", "http://[x", "http://h/e&f"])
        #expect(r[pattern: "link"]?.unresolved == [1])
        #expect(r[raw: "link"]?.strings == ["d", "http://[x", "/e&amp;f"])
        #expect(r[pattern: "button"]?.strings == ["b1"])
        #expect(r.rawMatches.count == 1)
        let json = JSON.render(r)
        #expect(json.contains(#""matches_raw":{"link":["d","http://[x","/e&amp;f"]},"unresolved":{"link":[1]}}"#), "\(json)")

        var w = WireWriter()
        r.encode(to: &w)
        var reader = WireReader(w.bytes)
        #expect(try CrawlResult.decode(from: &reader) == r)

        #expect(throws: TrawlError.self) { try LinkRewriter(names: ["nope"], patterns: patterns, groups: [1, 1]) }
        #expect(throws: TrawlError.self) { try LinkRewriter(names: ["link"], patterns: patterns, groups: [1, 2]) }
    }
}
