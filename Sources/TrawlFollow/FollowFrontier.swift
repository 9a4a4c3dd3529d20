// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlLinks

/// Follow mode's state: seeds in, each page's links in as its result arrives, the next URL
/// out, and the end when no page is pending and nothing is queued. Pure (no I/O, no threads,
/// no clock), so every rule is tested alone; ``FollowSource`` puts it behind a lock for a batch.
///
/// Pages are handed out with the batch's indexes in order (the seeds first, as submitted, at
/// depth 0), shallowest queued depth first: breadth-first. A page's links are followed only
/// once no page above it is pending, so every page's depth is its distance from the seeds in
/// links, whatever order the results arrive in. Each normalised URL (``URLKey``: WHATWG serialization, fragment dropped) is
/// enqueued once, seeds included, remembered as a 64-bit hash (``SeenHashes``, 10-12.5 bytes a
/// URL; two URLs in 2^64 could merge, the price of a bounded seen-set). Every seed is handed
/// out, even a repeated or invalid one, since every submitted URL has its result; a repeated
/// seed is fetched once when the batch dedupes.
///
/// Not `Sendable`: it owns the allow and deny regexes' match data.
public struct FollowFrontier {
    /// A page handed out, and where it was found.
    public struct Page: Sendable, Equatable {
        /// Its index in the batch.
        public let index: Int
        /// The URL to fetch: a seed as submitted, a link normalised without its fragment.
        public let url: String
        /// 0 for a seed, the parent's depth + 1 for a link.
        public let depth: Int
        /// The index of the page the link was found on; -1 for a seed.
        public let parent: Int
        /// The URL of that page (as it was fetched: its ``url``); nil for a seed.
        public let parentURL: String?
    }

    /// What the batch gets when it asks for the next URL.
    public enum Next: Sendable, Equatable {
        /// Fetch this page.
        case page(Page)
        /// Nothing queued now, but pages are pending: their links may bring more.
        case wait
        /// Nothing queued and nothing pending (or ``end()`` was called): the batch's input is over.
        case end
    }

    /// What a pending page's links are checked against.
    private struct Origin {
        let page: Page
        /// The scope key of the seed the page descends from (``scopeKey(_:)``).
        let scope: String?
    }

    private struct Queued {
        let url: String
        let depth: Int
        let parent: Int
        let parentURL: String?
        let scope: String?
    }

    public var rules: FollowRules { filter.rules }
    private let filter: FollowFilter
    /// Queued URLs by depth, each list taken from `heads[depth]` on.
    private var queues: [[Queued]] = []
    private var heads: [Int] = []
    private var seen = SeenHashes()
    private var pending: [Int: Origin] = [:]
    /// Pending pages by depth: a page at depth d may still bring links of depth d + 1.
    private var pendingAtDepth: [Int] = []
    /// Completed pages whose links wait for every page above them (``release()``), by depth,
    /// in the order they completed.
    private var deferred: [Int: [(origin: Origin, links: [String])]] = [:]
    private var ended = false

    /// Pages handed out so far (the next page's index).
    public private(set) var handedOut = 0
    /// URLs waiting to be handed out.
    public private(set) var queued = 0
    /// Pages handed out whose results have not arrived.
    public var pendingCount: Int { pending.count }
    /// Links refused, by reason, for statistics and tests.
    public private(set) var refused = Refusals()

    /// Why links were not enqueued.
    public struct Refusals: Sendable, Equatable {
        /// Not http or https, or not a URL at all.
        public var notHTTP = 0
        public var outOfScope = 0
        /// Refused by follow_allow or follow_deny.
        public var filtered = 0
        /// Already seen (a seed, a page queued or fetched, a redirect's target).
        public var seen = 0
        /// Found on a page at max_depth.
        public var tooDeep = 0
        /// The max_pages cap was reached.
        public var overCap = 0
        public init() {}
    }

    /// - Parameter seeds: the batch's URLs, handed out first, in order, at depth 0.
    public init(seeds: [String], rules: FollowRules) {
        filter = FollowFilter(rules: rules)
        for seed in seeds {
            if let key = FollowFilter.seenKey(of: seed) { seen.insert(URLKey.hash(key)) }
            enqueue(Queued(url: seed, depth: 0, parent: -1, parentURL: nil, scope: filter.scopeKey(of: seed)))
        }
    }

    /// Whether the batch's input is over.
    public var isFinished: Bool { ended || (queued == 0 && pending.isEmpty) }

    /// The next page to fetch, the shallowest queued first. A page two or more levels below
    /// the shallowest pending page waits for it: that page's links would come before it in
    /// breadth-first order (with one transfer at a time the lane asks for its next URL before
    /// the last page's links were matched, and went a level too deep).
    public mutating func next() -> Next {
        if ended { return .end }
        guard let depth = heads.indices.first(where: { heads[$0] < queues[$0].count }) else {
            return pending.isEmpty ? .end : .wait
        }
        if let shallowest = pendingAtDepth.firstIndex(where: { $0 > 0 }), depth > shallowest + 1 {
            return .wait
        }
        let q = queues[depth][heads[depth]]
        heads[depth] += 1
        queued -= 1
        if heads[depth] == queues[depth].count {
            // Release a drained list's storage (a late result may still append to it).
            queues[depth] = []
            heads[depth] = 0
        }
        let page = Page(index: handedOut, url: q.url, depth: q.depth, parent: q.parent, parentURL: q.parentURL)
        handedOut += 1
        pending[page.index] = Origin(page: page, scope: q.scope)
        while pendingAtDepth.count <= page.depth { pendingAtDepth.append(0) }
        pendingAtDepth[page.depth] += 1
        return .page(page)
    }

    /// The result of page `index` arrived: its links (absolute URLs, the follow pattern's
    /// resolved matches) are enqueued when they pass the rules.
    /// - Parameters:
    ///   - finalURL: where its redirects led, marked seen so that a link to it is not fetched again.
    /// - Returns: the page, or nil for an index not pending (never handed out, or answered).
    @discardableResult
    public mutating func complete(index: Int, finalURL: String? = nil, links: [String]) -> Page? {
        guard let origin = pending.removeValue(forKey: index) else { return nil }
        pendingAtDepth[origin.page.depth] -= 1
        if let finalURL, let key = FollowFilter.seenKey(of: finalURL) { seen.insert(URLKey.hash(key)) }
        guard !ended else { return origin.page }
        deferred[origin.page.depth, default: []].append((origin, links))
        release()
        return origin.page
    }

    /// Follows the links of completed pages, shallowest first, each depth only once no page
    /// above it is pending. So a URL is always first found from a page one level above its
    /// distance from the seeds, however the results arrive: a page of depth d + 1 that
    /// finished before the last page of depth d - 1 did (its matching was slow, say) would
    /// otherwise find at depth d + 2 a page that one links to at depth d + 1.
    private mutating func release() {
        while let depth = deferred.keys.min() {
            guard !pendingAtDepth.prefix(depth).contains(where: { $0 > 0 }) else { return }
            for (origin, links) in deferred.removeValue(forKey: depth) ?? [] { follow(links, from: origin) }
        }
    }

    /// Enqueues the links of one page that pass the rules.
    private mutating func follow(_ links: [String], from origin: Origin) {
        let depth = origin.page.depth, index = origin.page.index
        guard depth < rules.maxDepth else {
            refused.tooDeep += links.count
            return
        }
        for link in links {
            let key: String
            switch filter.check(link, scope: origin.scope) {
            case .follow(let k): key = k
            case .notHTTP: refused.notHTTP += 1; continue
            case .outOfScope: refused.outOfScope += 1; continue
            case .filtered: refused.filtered += 1; continue
            }
            guard !seen.contains(URLKey.hash(key)) else {
                refused.seen += 1
                continue
            }
            guard rules.maxPages == 0 || handedOut + queued < rules.maxPages else {
                refused.overCap += 1
                continue
            }
            seen.insert(URLKey.hash(key))
            enqueue(Queued(url: key, depth: depth + 1, parent: index, parentURL: origin.page.url, scope: origin.scope))
        }
    }

    /// The page handed out as `index` while its result is pending.
    public func page(_ index: Int) -> Page? { pending[index]?.page }

    /// Nothing more is handed out (the batch was cancelled); pending pages may still answer.
    public mutating func end() {
        ended = true
        deferred = [:]
        queues = []
        heads = []
        queued = 0
    }

    private mutating func enqueue(_ q: Queued) {
        while queues.count <= q.depth {
            queues.append([])
            heads.append(0)
        }
        queues[q.depth].append(q)
        queued += 1
    }
}
