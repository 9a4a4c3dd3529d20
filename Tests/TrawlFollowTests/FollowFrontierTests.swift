// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
@testable import TrawlFollow

/// Follow mode's state machine alone: no server, no threads. Pages are answered with the
/// links a page would have, and the URLs handed out are checked.
@Suite struct FollowFrontierTests {
    /// Hands out every page, answering each with `links(url)`, until the end; returns the
    /// pages in the order they were handed out. Answers in hand-out order (a batch of one lane).
    private func crawl(_ f: inout FollowFrontier, links: (String) -> [String]) -> [FollowFrontier.Page] {
        var out: [FollowFrontier.Page] = []
        while case .page(let p) = f.next() {
            out.append(p)
            f.complete(index: p.index, links: links(p.url))
        }
        #expect(f.next() == .end)
        #expect(f.isFinished)
        return out
    }

    /// A binary tree under http://t/: page n links to 2n+1 and 2n+2 (below `size`) and back to 0.
    private func tree(_ size: Int) -> (String) -> [String] {
        { url in
            guard let n = Int(url.split(separator: "/").last ?? "") else { return [] }
            return [2 * n + 1, 2 * n + 2].filter { $0 < size }.map { "http://t/\($0)" } + ["http://t/0"]
        }
    }

    @Test func breadthFirstWithDepthAndParents() throws {
        var f = FollowFrontier(seeds: ["http://t/0"], rules: try FollowRules(maxDepth: 10))
        let pages = crawl(&f, links: tree(15))
        #expect(pages.map(\.url) == (0..<15).map { "http://t/\($0)" })
        #expect(pages.map(\.index) == Array(0..<15))
        #expect(pages.map(\.depth) == [0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3])
        #expect(pages[0].parent == -1 && pages[0].parentURL == nil)
        for p in pages.dropFirst() {
            // Page n was found on page (n-1)/2, which has the same index as its number.
            let n = p.index
            #expect(p.parent == (n - 1) / 2)
            #expect(p.parentURL == "http://t/\((n - 1) / 2)")
        }
        #expect(f.refused.seen == 15)  // every page's link back to the seed
    }

    /// A page two levels below a pending one waits for it: the pending page's links come first.
    @Test func nothingTwoLevelsBelowAPendingPageIsHandedOut() throws {
        var f = FollowFrontier(seeds: ["http://t/a", "http://t/b"], rules: try FollowRules(maxDepth: 5))
        guard case .page(let a) = f.next(), case .page(let b) = f.next() else {
            Issue.record("seeds not handed out")
            return
        }
        f.complete(index: b.index, links: ["http://t/b1"])
        guard case .page(let b1) = f.next() else { Issue.record("b1 not handed out"); return }
        f.complete(index: b1.index, links: ["http://t/b2"])
        #expect(f.next() == .wait, "b2 (depth 2) must wait while a (depth 0) is pending")
        f.complete(index: a.index, links: ["http://t/a1"])
        guard case .page(let a1) = f.next(), case .page(let b2) = f.next() else {
            Issue.record("a1 and b2 not handed out")
            return
        }
        #expect(a1.url == "http://t/a1" && b2.url == "http://t/b2")
        // b2 at depth 2 may go while a1 (depth 1) is pending: it is one level below.
        f.complete(index: b2.index, links: [])
        f.complete(index: a1.index, links: [])
        #expect(f.next() == .end)
    }

    /// A page that finishes while a page above it is pending keeps its links until that one
    /// has finished: a URL both link to gets the shallower page as its parent, and its depth
    /// is its distance, whatever order the results came in (a slow matcher, say).
    @Test func linksWaitForEveryPageAboveSoDepthIsDistance() throws {
        var f = FollowFrontier(seeds: ["http://t/a", "http://t/b"], rules: try FollowRules(maxDepth: 5))
        guard case .page(let a) = f.next(), case .page(let b) = f.next() else {
            Issue.record("seeds not handed out")
            return
        }
        f.complete(index: a.index, links: ["http://t/a1"])
        guard case .page(let a1) = f.next() else { Issue.record("a1 not handed out"); return }
        // a1 (depth 1) finishes first and links to x; b (depth 0), still pending, links to x too.
        f.complete(index: a1.index, links: ["http://t/x"])
        #expect(f.next() == .wait, "x is not queued while b, above a1, is pending")
        f.complete(index: b.index, links: ["http://t/x", "http://t/b1"])
        guard case .page(let x) = f.next(), case .page(let b1) = f.next() else {
            Issue.record("x and b1 not handed out")
            return
        }
        #expect(x.url == "http://t/x" && x.depth == 1 && x.parent == b.index)
        #expect(b1.url == "http://t/b1" && b1.depth == 1)
        f.complete(index: x.index, links: [])
        f.complete(index: b1.index, links: [])
        #expect(f.next() == .end)
        #expect(f.refused.seen == 1, "a1's link to x was seen already")
    }

    @Test func shallowestQueuedFirstWhenResultsArriveOutOfOrder() throws {
        var f = FollowFrontier(seeds: ["http://t/a", "http://t/b"], rules: try FollowRules(maxDepth: 5))
        guard case .page(let a) = f.next(), case .page(let b) = f.next() else {
            Issue.record("seeds not handed out")
            return
        }
        #expect(f.next() == .wait)  // both pending, nothing queued
        f.complete(index: b.index, links: ["http://t/b1"])
        guard case .page(let b1) = f.next() else { Issue.record("b1 not handed out"); return }
        f.complete(index: b1.index, links: ["http://t/b2"])  // depth 2 queued
        f.complete(index: a.index, links: ["http://t/a1"])   // depth 1 queued after it
        guard case .page(let next) = f.next() else { Issue.record("nothing handed out"); return }
        #expect(next.url == "http://t/a1" && next.depth == 1)
    }

    @Test func maxDepthStopsFollowing() throws {
        for depth in 0...3 {
            var f = FollowFrontier(seeds: ["http://t/0"], rules: try FollowRules(maxDepth: depth))
            let pages = crawl(&f, links: tree(1000))
            // A binary tree: 2^(depth+1) - 1 pages down to `depth`.
            #expect(pages.count == (1 << (depth + 1)) - 1)
            #expect(pages.map(\.depth).max() == depth)
        }
    }

    @Test func maxPagesCountsSeedsAndEverySeedIsHandedOut() throws {
        var f = FollowFrontier(seeds: ["http://t/0"], rules: try FollowRules(maxDepth: 100, maxPages: 10))
        #expect(crawl(&f, links: tree(1000)).count == 10)
        #expect(f.refused.overCap > 0)
        let seeds = (0..<5).map { "http://s/\($0)" }
        var g = FollowFrontier(seeds: seeds, rules: try FollowRules(maxDepth: 100, maxPages: 3))
        #expect(crawl(&g, links: { _ in ["http://s/x"] }).map(\.url) == seeds)
    }

    @Test func eachNormalisedURLOnceFragmentsDropped() throws {
        var f = FollowFrontier(seeds: ["http://T:80/a#top"], rules: try FollowRules(maxDepth: 3))
        let pages = crawl(&f, links: { url in
            url.hasSuffix("/a#top") ? ["http://t/a", "HTTP://t/./b#x", "http://t/b#y", "http://t:80/b", "http://t/c?q=1#z"] : []
        })
        #expect(pages.map(\.url) == ["http://T:80/a#top", "http://t/b", "http://t/c?q=1"])
    }

    @Test func onlyHTTPLinks() throws {
        var f = FollowFrontier(seeds: ["https://t/"], rules: try FollowRules(scope: .any, maxDepth: 3))
        let pages = crawl(&f, links: { $0 == "https://t/" ? ["mailto:a@t", "ftp://t/x", "javascript:void(0)", "not a url", "http://t/ok"] : [] })
        #expect(pages.map(\.url) == ["https://t/", "http://t/ok"])
        #expect(f.refused.notHTTP == 4)
    }

    @Test func hostScope() throws {
        var f = FollowFrontier(seeds: ["http://www.example.com/"], rules: try FollowRules(scope: .host, maxDepth: 3))
        let pages = crawl(&f, links: { _ in ["http://www.example.com/in", "http://example.com/out", "http://other.org/"] })
        #expect(pages.map(\.url) == ["http://www.example.com/", "http://www.example.com/in"])
    }

    @Test func domainScopeByThePublicSuffixList() throws {
        var f = FollowFrontier(seeds: ["http://a.example.co.uk/", "http://a.github.io/"],
                               rules: try FollowRules(scope: .domain, maxDepth: 1))
        let pages = crawl(&f, links: { url in
            url.contains("co.uk")
                ? ["http://b.example.co.uk/", "http://example.co.uk/x", "http://other.co.uk/", "http://co.uk/"]
                : ["http://b.github.io/", "http://a.github.io/y"]
        })
        #expect(pages.map(\.url) == ["http://a.example.co.uk/", "http://a.github.io/",
                                     "http://b.example.co.uk/", "http://example.co.uk/x", "http://a.github.io/y"])
        #expect(PublicSuffixes.registrableDomain("a.example.co.uk") == "example.co.uk")
        #expect(PublicSuffixes.registrableDomain("b.github.io") == "b.github.io")
        #expect(PublicSuffixes.registrableDomain("127.0.0.1") == "127.0.0.1")
        #expect(PublicSuffixes.registrableDomain("localhost") == "localhost")
    }

    @Test func anyScope() throws {
        var f = FollowFrontier(seeds: ["http://a/"], rules: try FollowRules(scope: .any, maxDepth: 1))
        #expect(crawl(&f, links: { _ in ["http://b/", "https://c.example/"] }).count == 3)
    }

    @Test func allowAndDeny() throws {
        let rules = try FollowRules(maxDepth: 2, allow: #"/docs/"#, deny: #"\.pdf$|[?&]print=1"#)
        var f = FollowFrontier(seeds: ["http://t/"], rules: rules)
        let pages = crawl(&f, links: { $0 == "http://t/" ? ["http://t/docs/a", "http://t/blog/b", "http://t/docs/c.pdf", "http://t/docs/d?print=1"] : [] })
        #expect(pages.map(\.url) == ["http://t/", "http://t/docs/a"])
        #expect(f.refused.filtered == 3)
    }

    @Test func badRegexIsAnOptionError() {
        for (allow, deny, option) in [("(unclosed", nil, "follow_allow"), (nil, "a{2,1}", "follow_deny")] as [(String?, String?, String)] {
            #expect {
                _ = try FollowRules(allow: allow, deny: deny)
            } throws: { error in
                guard let e = error as? TrawlError else { return false }
                return e.code == .invalidRegex && e.message.hasPrefix("option '\(option)': ")
            }
        }
    }

    @Test func everySeedHandedOutEvenRepeatedOrInvalid() throws {
        var f = FollowFrontier(seeds: ["http://t/", "http://t/#x", "nonsense"], rules: try FollowRules(maxDepth: 2))
        let pages = crawl(&f, links: { _ in ["http://t/"] })
        #expect(pages.map(\.url) == ["http://t/", "http://t/#x", "nonsense"])
    }

    @Test func redirectTargetCountsAsSeen() throws {
        var f = FollowFrontier(seeds: ["http://t/old"], rules: try FollowRules(maxDepth: 2))
        guard case .page(let p) = f.next() else { Issue.record("seed not handed out"); return }
        f.complete(index: p.index, finalURL: "http://t/new", links: ["http://t/new", "http://t/other"])
        guard case .page(let q) = f.next() else { Issue.record("link not handed out"); return }
        #expect(q.url == "http://t/other")
    }

    @Test func endAfterCancelAndUnknownResults() throws {
        var f = FollowFrontier(seeds: ["http://t/1", "http://t/2"], rules: try FollowRules(maxDepth: 2))
        guard case .page(let p) = f.next() else { Issue.record("seed not handed out"); return }
        #expect(f.complete(index: 99, links: []) == nil)
        #expect(f.complete(index: p.index, links: []) == p)
        #expect(f.complete(index: p.index, links: []) == nil)  // answered already
        f.end()
        #expect(f.next() == .end)
    }
}
