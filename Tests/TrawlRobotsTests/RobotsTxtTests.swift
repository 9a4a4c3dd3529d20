// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlRobots

/// Whether `agent` may fetch `url` under `robots`.
private func allowed(_ robots: String, _ agent: String, _ url: String) -> Bool {
    RobotsTxt(Array(robots.utf8)).rules(for: agent).allows(url: url)
}

/// RFC 9309's own examples (sections 2.2.2, 2.2.3, 5.1, 5.2).
@Suite struct RFC9309ExampleTests {
    static let example = """
        User-Agent: *
        Disallow: *.gif$
        Disallow: /example/
        Allow: /publications/

        User-Agent: foobot
        Disallow:/
        Allow:/example/page.html
        Allow:/example/allowed.gif

        User-Agent: barbot
        User-Agent: bazbot
        Disallow: /example/page.html

        User-Agent: quxbot

        EOF
        """

    @Test func section51SimpleExample() {
        let r = Self.example
        // foobot: only the two allowed pages.
        #expect(allowed(r, "foobot", "http://x.test/example/page.html"))
        #expect(allowed(r, "foobot", "http://x.test/example/allowed.gif"))
        #expect(!allowed(r, "foobot", "http://x.test/"))
        #expect(!allowed(r, "foobot", "http://x.test/publications/"))
        #expect(!allowed(r, "FooBot", "http://x.test/example/other.html"), "agents match case-insensitively")
        // barbot and bazbot share one group.
        for bot in ["barbot", "bazbot"] {
            #expect(!allowed(r, bot, "http://x.test/example/page.html"))
            #expect(allowed(r, bot, "http://x.test/example/other.html"))
            #expect(allowed(r, bot, "http://x.test/picture.gif"), "the * group does not apply to \(bot)")
        }
        // quxbot's group is empty: everything allowed, the * group not consulted.
        #expect(allowed(r, "quxbot", "http://x.test/example/page.html"))
        #expect(allowed(r, "quxbot", "http://x.test/a.gif"))
        // Anyone else: the * group.
        #expect(!allowed(r, "otherbot", "http://x.test/a/b.gif"))
        #expect(allowed(r, "otherbot", "http://x.test/a/b.gif?x"), "$ anchors the end")
        #expect(!allowed(r, "otherbot", "http://x.test/example/"))
        #expect(allowed(r, "otherbot", "http://x.test/publications/"))
        #expect(allowed(r, "otherbot", "http://x.test/elsewhere"))
    }

    @Test func section52LongestMatch() {
        let r = """
            User-Agent: foobot
            Allow: /example/page/
            Disallow: /example/page/disallowed.gif
            """
        #expect(allowed(r, "foobot", "http://x.test/example/page/"))
        #expect(allowed(r, "foobot", "http://x.test/example/page/ok.gif"))
        #expect(!allowed(r, "foobot", "http://x.test/example/page/disallowed.gif"))
    }

    @Test func section222PercentEncoding() {
        func only(_ pattern: String, _ path: String) -> Bool {
            allowed("User-agent: *\nDisallow: /\nAllow: \(pattern)\n", "trawl", "http://x.test" + path)
        }
        #expect(only("/foo/bar?baz=quz", "/foo/bar?baz=quz"))
        #expect(only("/foo/bar/ツ", "/foo/bar/%E3%83%84"))
        #expect(only("/foo/bar/ツ", "/foo/bar/ツ"), "a raw non-ASCII path is encoded before matching too")
        #expect(only("/foo/bar/%E3%83%84", "/foo/bar/%e3%83%84"), "hex case does not matter")
        #expect(only("/foo/bar/%62%61%7A", "/foo/bar/baz"), "encoded unreserved characters match decoded ones")
        #expect(only("/foo/bar/%62%61%7A", "/foo/bar/%62%61%7A"))
        #expect(!only("/foo/bar/%2F", "/foo/bar//"), "an encoded reserved character stays distinct")
    }

    @Test func section223SpecialCharacters() {
        let r = """
            User-agent: *
            Disallow: /path/file-with-a-*.html
            Disallow: /path/foo-$
            Disallow: /path/*/end
            """
        #expect(!allowed(r, "a", "http://x.test/path/file-with-a-dollar.html"))
        #expect(!allowed(r, "a", "http://x.test/path/file-with-a-.html"))
        #expect(allowed(r, "a", "http://x.test/path/file-with-b.html"))
        #expect(!allowed(r, "a", "http://x.test/path/foo-"))
        #expect(allowed(r, "a", "http://x.test/path/foo-bar"))
        #expect(!allowed(r, "a", "http://x.test/path/a/b/end"))
    }

    @Test func robotsTxtItselfIsAlwaysAllowed() {
        #expect(allowed("User-agent: *\nDisallow: /\n", "trawl", "http://x.test/robots.txt"))
        #expect(!allowed("User-agent: *\nDisallow: /\n", "trawl", "http://x.test/robots.txt.bak"))
    }
}

/// Cases of Google's open-source robots.txt parser tests (google/robotstxt robots_test.cc),
/// rewritten here; where RFC 9309 says otherwise (percent-encoded unreserved characters) the
/// RFC wins and the test says so.
@Suite struct GoogleRobotsCaseTests {
    @Test func emptyInputs() {
        #expect(allowed("", "FooBot", "http://x.test/"))
        #expect(allowed("user-agent: FooBot\ndisallow: /\n", "", "http://x.test/"), "no agent: nothing applies")
    }

    @Test func lineSyntax() {
        #expect(!allowed("user-agent: FooBot\ndisallow: /\n", "FooBot", "http://foo.bar/x/y"))
        #expect(allowed("foo: FooBot\nbar: /\n", "FooBot", "http://foo.bar/x/y"))
        #expect(!allowed("user-agent FooBot\ndisallow /\n", "FooBot", "http://foo.bar/x/y"), "a missing colon is accepted")
    }

    @Test func groups() {
        let r = """
            allow: /foo/bar/

            user-agent: FooBot
            disallow: /
            allow: /x/
            user-agent: BarBot
            disallow: /
            allow: /y/


            allow: /w/
            user-agent: BazBot

            user-agent: FooBot
            allow: /z/
            disallow: /
            """
        #expect(allowed(r, "FooBot", "http://foo.bar/x/b"))
        #expect(allowed(r, "FooBot", "http://foo.bar/z/d"), "groups of one agent are merged")
        #expect(!allowed(r, "FooBot", "http://foo.bar/y/c"))
        #expect(allowed(r, "BarBot", "http://foo.bar/y/c"))
        #expect(allowed(r, "BarBot", "http://foo.bar/w/a"), "blank lines do not end a group")
        #expect(!allowed(r, "BarBot", "http://foo.bar/z/d"))
        #expect(allowed(r, "BazBot", "http://foo.bar/z/d"), "BazBot shares the last FooBot group")
        for bot in ["FooBot", "BarBot", "BazBot"] {
            #expect(!allowed(r, bot, "http://foo.bar/foo/bar/"), "rules before any group are ignored")
        }
    }

    @Test func namesAndAgentsAreCaseInsensitiveButPathsAreNot() {
        for r in ["USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n", "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n",
                  "User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n"] {
            for agent in ["FooBot", "foobot", "Foo", "foo"] where r.contains("FOO BAR") == !agent.lowercased().hasSuffix("bot") {
                #expect(allowed(r, agent, "http://foo.bar/x/y"))
                #expect(!allowed(r, agent, "http://foo.bar/a/b"))
            }
        }
        #expect(!allowed("user-agent: FooBot\ndisallow: /x/\n", "FooBot", "http://foo.bar/x/y"))
        #expect(allowed("user-agent: FooBot\ndisallow: /X/\n", "FooBot", "http://foo.bar/x/y"))
    }

    @Test func userAgentUpToTheFirstNonTokenCharacter() {
        let r = "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n"
        #expect(allowed(r, "Foo", "http://foo.bar/x/y"))
        #expect(RobotsTxt.productToken(of: "trawl/0.1 (+https://example.com)") == "trawl")
        #expect(RobotsTxt.productToken(of: "Foo_Bar-baz/2") == "Foo_Bar-baz")
        #expect(!allowed("User-agent: googlebot/2.1\nDisallow: /\n", "googlebot", "http://x.test/a"))
    }

    @Test func globalGroupIsTheFallback() {
        let global = "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n"
        #expect(!allowed(global, "FooBot", "http://foo.bar/x/y"))
        #expect(allowed(global, "BarBot", "http://foo.bar/x/y"))
        let specific = "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n"
        #expect(allowed(specific, "QuxBot", "http://foo.bar/x/y"), "no group applies: allowed")
        let r = "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n"
        #expect(allowed(r, "FooBot", "http://foo.bar/x/page"), "the specific group replaces the global one")
        #expect(!allowed(r, "FooBot", "http://foo.bar/y/page"))
    }

    @Test func longestMatch() {
        let url = "http://foo.bar/x/page.html"
        #expect(!allowed("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n", "FooBot", url))
        #expect(allowed("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", url))
        #expect(!allowed("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", "http://foo.bar/x/"))
        #expect(allowed("user-agent: FooBot\ndisallow: \nallow: \n", "FooBot", url))
        #expect(allowed("user-agent: FooBot\ndisallow: /\nallow: /\n", "FooBot", url), "allow wins a tie")
        #expect(!allowed("user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", "http://foo.bar/x"))
        #expect(allowed("user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", "http://foo.bar/x/"))
        #expect(allowed("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n", "FooBot", url))
        #expect(!allowed("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", "http://foo.bar/page.html"))
        #expect(allowed("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", "http://foo.bar/page"))
        #expect(allowed("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", url))
        #expect(!allowed("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", "http://foo.bar/x/y.html"))
    }

    @Test func encoding() {
        let r = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n"
        #expect(allowed(r, "FooBot", "http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par"))
        let percent = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n"
        #expect(allowed(percent, "FooBot", "http://foo.bar/foo/bar/%E3%83%84"))
        // Google's parser leaves /foo/bar/%62%61%7A distinct from /foo/bar/baz; RFC 9309
        // 2.2.2 says they match, and trawl follows the RFC.
        let unreserved = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n"
        #expect(allowed(unreserved, "FooBot", "http://foo.bar/foo/bar/baz"))
        #expect(allowed(unreserved, "FooBot", "http://foo.bar/foo/bar/%62%61%7A"))
    }

    @Test func specialCharacters() {
        let a = "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n"
        #expect(!allowed(a, "FooBot", "http://foo.bar/foo/bar/quz"))
        #expect(allowed(a, "FooBot", "http://foo.bar/foo/quz"))
        #expect(allowed(a, "FooBot", "http://foo.bar/foo//quz"))
        #expect(allowed(a, "FooBot", "http://foo.bar/foo/bax/quz"))
        let b = "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n"
        #expect(!allowed(b, "FooBot", "http://foo.bar/foo/bar"))
        #expect(allowed(b, "FooBot", "http://foo.bar/foo/bar/qux"))
        #expect(allowed(b, "FooBot", "http://foo.bar/foo/bar/"))
        #expect(allowed(b, "FooBot", "http://foo.bar/foo/bar/baz"))
        let c = "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n"
        #expect(allowed(c, "FooBot", "http://foo.bar/foo/bar"))
        #expect(!allowed(c, "FooBot", "http://foo.bar/foo/quz"))
    }

    @Test func longLinesAreCut() {
        let max = 2083 * 8
        var long = "/x/"
        while long.utf8.count < max - 3 - "disallow: ".utf8.count + 1 { long += "a" }
        let r = "user-agent: FooBot\ndisallow: \(long)/qux\n"
        #expect(allowed(r, "FooBot", "http://foo.bar/fux"))
        #expect(!allowed(r, "FooBot", "http://foo.bar\(long)/fux"), "the cut rule still applies")
    }

    @Test func documentationExamples() {
        let fish = "user-agent: FooBot\ndisallow: /\nallow: /fish\n"
        for p in ["/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fishheads/yummy.html", "/fish.html?id=anything"] {
            #expect(allowed(fish, "FooBot", "http://foo.bar" + p), "\(p)")
            #expect(allowed("user-agent: FooBot\ndisallow: /\nallow: /fish*\n", "FooBot", "http://foo.bar" + p))
        }
        for p in ["/bar", "/Fish.asp", "/catfish", "/?id=fish"] {
            #expect(!allowed(fish, "FooBot", "http://foo.bar" + p), "\(p)")
        }
        let dir = "user-agent: FooBot\ndisallow: /\nallow: /fish/\n"
        for p in ["/fish/", "/fish/salmon", "/fish/?salmon", "/fish/salmon.html", "/fish/?id=anything"] {
            #expect(allowed(dir, "FooBot", "http://foo.bar" + p), "\(p)")
        }
        for p in ["/fish", "/fish.html", "/Fish/Salmon.html"] { #expect(!allowed(dir, "FooBot", "http://foo.bar" + p)) }
        let php = "user-agent: FooBot\ndisallow: /\nallow: /*.php\n"
        for p in ["/filename.php", "/folder/filename.php", "/folder/filename.php?parameters", "//folder/any.php.file.html",
                  "/filename.php/", "/index?f=filename.php/"] {
            #expect(allowed(php, "FooBot", "http://foo.bar" + p), "\(p)")
        }
        for p in ["/php/", "/index?php", "/windows.PHP"] { #expect(!allowed(php, "FooBot", "http://foo.bar" + p)) }
        let end = "user-agent: FooBot\ndisallow: /\nallow: /*.php$\n"
        for p in ["/filename.php", "/folder/filename.php"] { #expect(allowed(end, "FooBot", "http://foo.bar" + p)) }
        for p in ["/filename.php?parameters", "/filename.php/", "/filename.php5", "/php/", "/filename?php", "/aaaphpaaa",
                  "//windows.PHP"] {
            #expect(!allowed(end, "FooBot", "http://foo.bar" + p), "\(p)")
        }
        let fishPHP = "user-agent: FooBot\ndisallow: /\nallow: /fish*.php\n"
        #expect(allowed(fishPHP, "FooBot", "http://foo.bar/fish.php"))
        #expect(allowed(fishPHP, "FooBot", "http://foo.bar/fishheads/catfish.php?parameters"))
        #expect(!allowed(fishPHP, "FooBot", "http://foo.bar/Fish.PHP"))
        #expect(allowed("user-agent: FooBot\nallow: /p\ndisallow: /\n", "FooBot", "http://example.com/page"))
        #expect(allowed("user-agent: FooBot\nallow: /folder\ndisallow: /folder\n", "FooBot", "http://example.com/folder/page"))
        #expect(!allowed("user-agent: FooBot\nallow: /page\ndisallow: /*.htm\n", "FooBot", "http://example.com/page.htm"))
        #expect(allowed("user-agent: FooBot\nallow: /$\ndisallow: /\n", "FooBot", "http://example.com/"))
        #expect(!allowed("user-agent: FooBot\nallow: /$\ndisallow: /\n", "FooBot", "http://example.com/page.html"))
    }

    @Test func everyLineEnding() {
        for eol in ["\n", "\r\n", "\r"] {
            let r = ["User-Agent: foo", "Allow: /some/path", "User-Agent: bar", "", "", "Disallow: /"].joined(separator: eol)
            #expect(!allowed(r, "bar", "http://x.test/a"), "\(eol.debugDescription)")
            #expect(allowed(r, "foo", "http://x.test/a"))
            #expect(!allowed(r + eol, "bar", "http://x.test/a"))
        }
        #expect(!allowed("\u{FEFF}User-Agent: *\nDisallow: /\n", "x", "http://x.test/a"), "a BOM is skipped")
    }
}

/// What trawl adds: Crawl-delay, hostile input.
@Suite struct RobotsTrawlTests {
    @Test func crawlDelayOfTheChosenGroup() {
        let r = RobotsTxt(Array("User-agent: *\nCrawl-delay: 2\nUser-agent: trawl\nCrawl-delay: 0.5\nDisallow: /x\n".utf8))
        #expect(r.rules(for: "trawl").crawlDelay == 0.5)
        #expect(r.rules(for: "other").crawlDelay == 2)
        #expect(RobotsTxt(Array("User-agent: *\nCrawl-delay: soon\n".utf8)).rules(for: "a").crawlDelay == nil)
        #expect(RobotsTxt(Array("User-agent: *\nCrawl-delay: -1\n".utf8)).rules(for: "a").crawlDelay == nil)
    }

    @Test func binaryAndHugeInputNeverFail() {
        var seed: UInt64 = 42
        var junk: [UInt8] = []
        for _ in 0..<200_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            junk.append(UInt8(truncatingIfNeeded: seed >> 33))
        }
        let rules = RobotsTxt(junk).rules(for: "trawl")
        _ = rules.allows(url: "http://x.test/a")
        let stars = "User-agent: *\nDisallow: /" + String(repeating: "*a", count: 500) + "$\n"
        let r = RobotsTxt(Array(stars.utf8)).rules(for: "trawl")
        #expect(r.allows(url: "http://x.test/" + String(repeating: "ab", count: 1000)))
        #expect(!RobotsRules.disallowAll.allows(url: "http://x.test/robots.txt"))
        #expect(RobotsRules.allowAll.allows(url: "http://x.test/anything"))
    }

    /// The matcher against the definition (a set of candidate positions, the earlier
    /// matcher's way), for every pattern of up to 5 of `a b * $` and every path of up to 6 of
    /// `a b`.
    @Test func matcherAgreesWithTheDefinition() {
        func reference(_ path: [UInt8], _ pattern: [UInt8]) -> Bool {
            var positions: Set<Int> = [0]
            for (k, c) in pattern.enumerated() {
                if c == UInt8(ascii: "$") && k == pattern.count - 1 { return positions.contains(path.count) }
                if c == UInt8(ascii: "*") {
                    guard let low = positions.min() else { return false }
                    positions = Set(low...path.count)
                    continue
                }
                positions = Set(positions.filter { $0 < path.count && path[$0] == c }.map { $0 + 1 })
                if positions.isEmpty { return false }
            }
            return true
        }
        func all(_ alphabet: String, upTo n: Int) -> [[UInt8]] {
            var out: [[UInt8]] = [[]]
            var layer: [[UInt8]] = [[]]
            for _ in 0..<n {
                layer = layer.flatMap { w in alphabet.utf8.map { w + [$0] } }
                out += layer
            }
            return out
        }
        let paths = all("ab", upTo: 6)
        var mismatches: [String] = []
        for pattern in all("ab*$", upTo: 5) {
            for path in paths where RobotsPath.matches(path, pattern) != reference(path, pattern) {
                mismatches.append("\(String(decoding: pattern, as: UTF8.self)) on \(String(decoding: path, as: UTF8.self))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    /// Rules like those of Fuzz/regressions/FuzzRobots (8,000 `*a` each, a path of 2,047 `a`s)
    /// took about a second per rule and decision under ASan with the earlier matcher; the speed is held by the fuzz
    /// smoke's per-input time limit, this test holds the decisions.
    @Test func wildcardHeavyRulesDecide() {
        let path = String(repeating: "a", count: 2047)
        let long = "Disallow: /" + String(repeating: "*a", count: 8000) + "\n"
        let file = "User-agent: *\n" + String(repeating: long, count: 30)
        #expect(RobotsTxt(Array(file.utf8)).rules(for: "trawl").allows(path: "/" + path), "8,000 a's are not in 2,047")
        let fits = file + "Disallow: /" + String(repeating: "*a", count: 2000) + "$\n"
        #expect(!RobotsTxt(Array(fits.utf8)).rules(for: "trawl").allows(path: "/" + path))
        #expect(RobotsTxt(Array(fits.utf8)).rules(for: "trawl").allows(path: "/" + path + "b"), "$ anchors the end")
    }

    @Test func pathOfURL() {
        #expect(RobotsPath.of(url: "http://x.test") == "/")
        #expect(RobotsPath.of(url: "http://x.test?q=1") == "/?q=1")
        #expect(RobotsPath.of(url: "http://u@x.test:81/a;b?c#frag") == "/a;b?c")
    }
}
