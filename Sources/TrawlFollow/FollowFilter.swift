// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import TrawlLinks

/// The per-link rules of follow mode that need no memory of the crawl: a link is http(s),
/// in the scope of the seed its page descends from, and passes `follow_allow` and
/// `follow_deny`. The seen-set, the depth and the page cap are the frontier's: the
/// ``FollowFrontier`` in this process, or Redis for the cluster backend, whose workers each
/// run one of these on the links of the pages they fetched.
///
/// Not `Sendable`: it owns the allow and deny regexes' match data (one per thread).
public struct FollowFilter {
    /// What became of a link.
    public enum Verdict: Equatable, Sendable {
        /// Follow it, as this normalised URL (WHATWG serialization without the fragment).
        case follow(String)
        /// Not http or https, or not a URL at all.
        case notHTTP
        case outOfScope
        /// Refused by follow_allow or follow_deny.
        case filtered
    }

    public let rules: FollowRules
    private let matchers: URLMatchers

    public init(rules: FollowRules) {
        self.rules = rules
        matchers = rules.makeMatchers()
    }

    /// The scope key links of pages descending from `url` must share: its host, its
    /// registrable domain, or "" for `any`; nil when `url` is not a URL with a host.
    public func scopeKey(of url: String) -> String? { WebURL(url).flatMap(scopeKey) }

    /// The normalised form of a seed for the seen-set: nil when it is not an http(s) URL
    /// (such a seed fails on its own, and no link can lead to it).
    public static func seenKey(of url: String) -> String? {
        guard let u = WebURL(url), u.scheme == "http" || u.scheme == "https" else { return nil }
        return u.serialized(fragment: false)
    }

    /// Checks one link (an absolute URL) found on a page descending from a seed with scope
    /// key `scope` (``scopeKey(of:)``; nil for a seed that is not a URL, from which only
    /// `any` follows).
    public func check(_ link: String, scope: String?) -> Verdict {
        guard let u = WebURL(link), u.scheme == "http" || u.scheme == "https", u.host != nil else { return .notHTTP }
        if rules.scope != .any {
            guard let scope, scopeKey(u) == scope else { return .outOfScope }
        }
        let key = u.serialized(fragment: false)
        return matchers.permit(key) ? .follow(key) : .filtered
    }

    /// The links of `result` that follow mode considers: the resolved matches of pattern
    /// number `pattern` (a match that could not be resolved is left out).
    public static func links(of result: CrawlResult, pattern: Int) -> [String] {
        guard pattern < result.matches.count else { return [] }
        let m = result.matches[pattern]
        let unresolved = Set(m.unresolved)
        var links: [String] = []
        links.reserveCapacity(m.count)
        for i in 0..<m.count where !unresolved.contains(i) { links.append(m.string(match: i)) }
        return links
    }

    func scopeKey(_ url: WebURL) -> String? {
        guard let host = url.host else { return nil }
        switch rules.scope {
        case .host: return host
        case .domain: return PublicSuffixes.registrableDomain(host)
        case .any: return ""
        }
    }
}
