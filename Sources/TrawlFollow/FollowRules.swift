// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import TrawlExtract

/// What follow mode may enqueue: the caps and filters of ``CrawlOptions``, checked and
/// compiled once (the allow and deny regexes JIT-compiled by PCRE2, like every pattern), so a
/// regex that does not compile fails the ``Crawler`` before any batch starts.
///
/// Thread-safe (read-only); each ``FollowFrontier`` makes its own match sessions.
public struct FollowRules: Sendable {
    public let scope: FollowScope
    /// Links are followed from pages whose depth is below this.
    public let maxDepth: Int
    /// Pages handed out at most, seeds included; 0 for no cap.
    public let maxPages: Int
    let allow: Extractor?
    let deny: Extractor?

    /// - Parameters:
    ///   - allow: a regex (Python `re` syntax) that a URL must match somewhere to be followed.
    ///   - deny: a regex that keeps a URL matching it from being followed.
    /// - Throws: `invalid_regex` naming the option (`follow_allow`, `follow_deny`) with
    ///   PCRE2's or the translator's message and offset; `invalid_argument` for a negative cap.
    public init(scope: FollowScope = .host, maxDepth: Int = 1, maxPages: Int = 0,
                allow: String? = nil, deny: String? = nil) throws(TrawlError) {
        guard maxDepth >= 0, maxPages >= 0 else {
            throw TrawlError(.invalidArgument, "max_depth and max_pages must not be negative")
        }
        self.scope = scope
        self.maxDepth = maxDepth
        self.maxPages = maxPages
        self.allow = try Self.compile("follow_allow", allow)
        self.deny = try Self.compile("follow_deny", deny)
    }

    /// The rules of `options` (``CrawlOptions/followScope`` and the rest).
    public init(_ options: CrawlOptions) throws(TrawlError) {
        try self.init(scope: options.followScope, maxDepth: options.maxDepth, maxPages: options.maxPages,
                      allow: options.followAllow, deny: options.followDeny)
    }

    private static func compile(_ option: String, _ regex: String?) throws(TrawlError) -> Extractor? {
        guard let regex, !regex.isEmpty else { return nil }
        do throws(TrawlError) {
            return try Extractor(patterns: [PatternSpec(name: option, source: regex)])
        } catch {
            // The extractor's message starts "pattern 'follow_allow': ...": it is an option here.
            let detail = error.message.hasPrefix("pattern '\(option)': ")
                ? String(error.message.dropFirst("pattern '\(option)': ".count)) : error.message
            if let offset = error.offset {
                throw TrawlError(.invalidRegex, "option '\(option)': \(detail)", offset: offset)
            }
            throw TrawlError(.invalidRegex, "option '\(option)': \(detail)")
        }
    }

    /// The allow and deny regexes with match data of their own, for one thread.
    func makeMatchers() -> URLMatchers {
        URLMatchers(allow: allow?.makeSession(), deny: deny?.makeSession())
    }
}

/// The allow and deny regexes' sessions (PCRE2 match data): owned by one ``FollowFrontier``.
struct URLMatchers {
    let allow: ExtractionSession?
    let deny: ExtractionSession?

    /// Whether `url` passes: matched by allow (when there is one), not matched by deny. A
    /// regex that ran out of its budget on the URL counts as no match.
    func permit(_ url: String) -> Bool {
        if let allow, !Self.found(allow, url) { return false }
        if let deny, Self.found(deny, url) { return false }
        return true
    }

    private static func found(_ session: ExtractionSession, _ url: String) -> Bool {
        let e = session.extract(url)
        return e.error == nil && (e.matches.first?.count ?? 0) > 0
    }
}
