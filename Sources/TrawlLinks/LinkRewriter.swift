// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// Applies ``CrawlOptions/absoluteLinks`` to a page's result: the named patterns' matches
/// become absolute URLs, the matches as written move to ``CrawlResult/rawMatches``, and a
/// match that cannot be resolved stays as written with its index in
/// ``PatternMatches/unresolved``. Never an error for the page.
public struct LinkRewriter: Sendable {
    /// Indexes, in the batch's pattern list, of the patterns to resolve.
    public let patterns: [Int]

    /// - Throws: `invalid_argument` for a name that is not one of `patterns`, or that names a
    ///   pattern with several capturing groups (a match would be several strings).
    public init(names: [String], patterns: [PatternSpec], groups: [Int]) throws(TrawlError) {
        var picked: [Int] = []
        for name in names {
            guard let i = patterns.firstIndex(where: { $0.name == name }) else {
                let known = patterns.map(\.name).joined(separator: ", ")
                throw TrawlError(.invalidArgument, "absolute_links names no pattern '\(name)' (the patterns: \(known))")
            }
            guard i >= groups.count || groups[i] <= 1 else {
                throw TrawlError(.invalidArgument,
                                 "absolute_links: pattern '\(name)' has \(groups[i]) groups; a link pattern must have at most one")
            }
            if !picked.contains(i) { picked.append(i) }
        }
        self.patterns = picked.sorted()
    }

    /// Whether there is anything to do.
    public var isEmpty: Bool { patterns.isEmpty }

    /// Rewrites `result`'s matches of the chosen patterns.
    /// - Parameters:
    ///   - html: the page's decoded text (UTF-8), searched for `<base href>`.
    public func apply(to result: inout CrawlResult, html: [UInt8]) {
        guard !patterns.isEmpty else { return }
        let resolver = LinkResolver(pageURL: result.finalURL ?? result.url, html: html)
        result.rawMatches = []
        for i in patterns where i < result.matches.count {
            let raw = result.matches[i]
            var resolved = PatternMatches(name: raw.name, groups: raw.groups)
            for m in 0..<raw.count {
                let written = raw.string(match: m)
                if let absolute = resolver.resolve(written) {
                    resolved.appendString(absolute)
                } else {
                    resolved.appendString(written)
                    resolved.unresolved.append(m)
                }
            }
            result.matches[i] = resolved
            result.rawMatches.append(raw)
        }
    }

    /// The same rewriting for a result without a page: empty raw lists, so that the JSON of
    /// every result of the batch has the same keys.
    public func applyEmpty(to result: inout CrawlResult) {
        guard !patterns.isEmpty else { return }
        result.rawMatches = patterns.compactMap { $0 < result.matches.count ? result.matches[$0] : nil }
    }
}
