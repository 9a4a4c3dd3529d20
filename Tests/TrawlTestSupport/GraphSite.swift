// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// The cyclic site the test server serves at `/graph/TOKEN/SIZE/N` (testserver.py's
/// `route_graph`), described here so that follow-mode tests know what a crawl must find
/// without asking trawl: page N links to N+1, 2N+1 and 2N+2 (modulo SIZE), back to N/2 and
/// to itself, in several relative forms and with fragments, and to one page off the site.
public struct GraphSite: Sendable {
    public let token: String
    public let size: Int

    public init(token: String = TestServer.freshToken(), size: Int) {
        self.token = token
        self.size = size
    }

    /// The server path of page `n`, as `/hits/TOKEN` reports it.
    public func path(_ n: Int) -> String { "/graph/\(token)/\(size)/\(n)" }

    /// The pages page `n` links to on the site (the off-site link left out).
    public func links(_ n: Int) -> [Int] {
        [(n + 1) % size, (2 * n + 1) % size, (2 * n + 2) % size, n / 2, n]
    }

    /// The page number of a URL of this site, nil for any other.
    public func page(_ url: String) -> Int? {
        guard let r = url.range(of: "/graph/\(token)/\(size)/") else { return nil }
        return Int(url[r.upperBound...])
    }

    /// Each page's distance in links from page `start` (breadth-first): the depth a strict
    /// breadth-first crawl gives it.
    public func distances(from start: Int = 0) -> [Int] {
        var d = [Int](repeating: -1, count: size)
        d[start] = 0
        var queue = [start]
        var head = 0
        while head < queue.count {
            let n = queue[head]
            head += 1
            for m in links(n) where d[m] < 0 {
                d[m] = d[n] + 1
                queue.append(m)
            }
        }
        return d
    }

    /// What is wrong with a follow-mode crawl of this site, one line per fault (empty when
    /// nothing is): one result per index, 0 ..< count; every result a page of the site with
    /// status 200; the first `seeds` at depth 0 without a parent; every other page found on
    /// its parent (whose page links to it), one deeper, after it; each page once. A result
    /// at index `skipping` (a repeated seed) is only counted.
    public func followProblems(_ results: [CrawlResult], seeds: Int = 1, skipping skipped: Int? = nil) -> [String] {
        var problems: [String] = []
        if results.map(\.index).sorted() != Array(0..<results.count) { problems.append("indexes are not 0 ..< \(results.count)") }
        let results = results.filter { $0.index != skipped }
        let byIndex = Dictionary(results.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        var pages = Set<Int>()
        for r in results {
            if !(r.followMode && r.status == 200 && r.error == nil) {
                problems.append("\(r.url): status \(String(describing: r.status)), \(String(describing: r.error)), follow mode \(r.followMode)")
            }
            guard let n = page(r.url) else {
                problems.append("not a page of the site: \(r.url)")
                continue
            }
            if !pages.insert(n).inserted { problems.append("page \(n) twice") }
            if r.index < seeds {
                if !(r.depth == 0 && r.parent == -1 && r.parentURL == nil) { problems.append("seed \(r.index) has a parent") }
                continue
            }
            guard let p = byIndex[r.parent], let pn = page(p.url) else {
                problems.append("\(r.url): parent \(r.parent) is not a result")
                continue
            }
            if !(r.parent < r.index && r.depth == p.depth + 1 && r.parentURL == p.url) {
                problems.append("\(r.url) (#\(r.index), depth \(r.depth)): parent #\(r.parent) at depth \(p.depth), \(String(describing: r.parentURL))")
            }
            if !links(pn).contains(n) { problems.append("page \(pn) does not link to \(n)") }
        }
        return problems
    }
}
