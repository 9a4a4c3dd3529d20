// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// `trawl crawl --follow link --max-depth N --follow-scope ...` on the test server's cyclic
/// site, the server counting the requests.
@Suite struct FollowFlagsTests {
    let cli = CLITests()

    func rows(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func followsToMaxDepthWithDepthAndParent() throws {
        let site = GraphSite(size: 500)
        let seed = cli.server.url(site.path(0))
        let run = try cli.trawl(["crawl", "--follow", "link", "--max-depth", "3", "--follow-scope", "domain",
                                 "--concurrency", "1", "--jobs", "1", seed])
        #expect(run.status == 0, "\(run.stderr)")
        let out = try rows(run.stdout)
        // One transfer at a time: strictly breadth-first, so exactly the pages within 3 links.
        let distance = site.distances()
        let within = (0..<500).filter { distance[$0] <= 3 }
        #expect(out.count == within.count)
        #expect(Set(out.compactMap { ($0["url"] as? String).flatMap(site.page) }) == Set(within))
        #expect(out.first?["depth"] as? Int == 0 && out.first?["parent"] as? Int == -1)
        #expect(out.first.map { $0["parent_url"] is NSNull } == true)
        for (i, row) in out.enumerated().dropFirst() {
            let parent = try #require(row["parent"] as? Int)
            #expect(parent >= 0 && parent < i)
            #expect(row["depth"] as? Int == (out[parent]["depth"] as? Int ?? -9) + 1)
            #expect(row["parent_url"] as? String == out[parent]["url"] as? String)
        }
        #expect(try cli.server.hits(site.token).count == within.count)
    }

    @Test func maxPagesAndBadValues() throws {
        var seed = ""
        for backend in ["thread", "process"] {
            let site = GraphSite(size: 500)
            seed = cli.server.url(site.path(0))
            let run = try cli.trawl(["crawl", "--backend", backend, "--jobs", "2",
                                     "--follow", "link", "--max-depth", "100", "--max-pages", "40", seed])
            #expect(run.status == 0, "\(backend): \(run.stderr)")
            let got = try rows(run.stdout)
            #expect(got.count == 40, "\(backend)")
            #expect(Set(got.compactMap { $0["depth"] as? Int }).count > 1, "\(backend): links were followed")
            #expect(try cli.server.hits(site.token).count == 40, "\(backend)")
        }
        for (args, message) in [
            (["--follow", "link", "--follow-scope", "planet"], "--follow-scope"),
            (["--follow", "link", "--follow-allow", "(["], "follow_allow"),
            (["--follow", "nosuch"], "nosuch"),
            (["--follow", "link", "--max-depth", "-1"], "--max-depth"),
        ] {
            let bad = try cli.trawl(["crawl"] + args + [seed])
            #expect(bad.status != 0 && bad.stderr.contains(message), "\(args): \(bad.stderr)")
        }
    }
}
