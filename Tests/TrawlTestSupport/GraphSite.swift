// SPDX-License-Identifier: Apache-2.0

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
}
