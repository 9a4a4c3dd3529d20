// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// `--absolute-links [NAMES]` and `--no-dedupe` from the command line.
@Suite struct LinksFlagsTests {
    let cli = CLITests()

    func page(_ html: String) -> String {
        cli.server.url("/bytes/d/p?hex=" + html.utf8.map { String(format: "%02x", $0) }.joined())
    }

    func links(_ args: [String]) throws -> (links: [String], raw: [String]?) {
        let run = try cli.trawl(["crawl"] + args)
        #expect(run.status == 0, "\(run.stderr)")
        let row = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let matches = try #require(row["matches"] as? [String: [String]])
        return (matches["link"] ?? [], (row["matches_raw"] as? [String: [String]])?["link"])
    }

    @Test func bareFlagNamesTheLinkPatternAndValuesNameOthers() throws {
        let url = page(#"<a href="x/y?a=1&amp;b=2">x</a>"#)
        let absolute = cli.server.url("/bytes/d/x/y?a=1&b=2")
        // Bare, before a URL: the URL is not taken for a pattern name.
        var got = try links(["--absolute-links", url])
        #expect(got.links == [absolute] && got.raw == ["x/y?a=1&amp;b=2"])
        got = try links([url, "--absolute-links"])
        #expect(got.links == [absolute])
        got = try links(["--absolute-links", "link", url])
        #expect(got.links == [absolute])
        got = try links(["--absolute-links=link", url])
        #expect(got.links == [absolute])
        got = try links([url])
        #expect(got.links == ["x/y?a=1&amp;b=2"] && got.raw == nil)
        let bad = try cli.trawl(["crawl", "--absolute-links", "nosuch", url])
        #expect(bad.status != 0 && bad.stderr.contains("nosuch"), "\(bad.stderr)")
    }

    @Test func noDedupeFetchesEveryCopy() throws {
        let token = TestServer.freshToken()
        let url = cli.server.url("/counted/\(token)/p")
        var run = try cli.trawl(["crawl", url, url, url])
        #expect(run.status == 0 && run.stdout.split(separator: "\n").count == 3)
        #expect(try cli.server.hits(token).values.reduce(0, +) == 1)
        run = try cli.trawl(["crawl", "--no-dedupe", url, url, url])
        #expect(run.status == 0)
        #expect(try cli.server.hits(token).values.reduce(0, +) == 4)
    }
}
