// SPDX-License-Identifier: Apache-2.0

/// One `Allow` or `Disallow` line, its pattern normalized (``RobotsPath/normalize(_:)``).
public struct RobotsRule: Sendable, Equatable {
    public let allow: Bool
    public let pattern: [UInt8]
}

/// The rules that apply to one crawler: RFC 9309's decision for a path.
public struct RobotsRules: Sendable {
    public let rules: [RobotsRule]
    /// The largest `Crawl-delay` of the chosen groups, in seconds (not in the RFC; honoured
    /// by many crawlers).
    public let crawlDelay: Double?
    /// Set for ``disallowAll``, which no rule list expresses for `/robots.txt` itself.
    private let refuseAll: Bool

    public init(rules: [RobotsRule], crawlDelay: Double? = nil) {
        self.rules = rules
        self.crawlDelay = crawlDelay
        refuseAll = false
    }

    private init(refuseAll: Bool) {
        rules = []
        crawlDelay = nil
        self.refuseAll = refuseAll
    }

    /// No robots.txt (a 4xx) or no group for the crawler: everything may be fetched.
    public static let allowAll = RobotsRules(refuseAll: false)
    /// The robots.txt was unreachable (5xx, no answer): nothing may be fetched (RFC 9309 2.3.1.4).
    public static let disallowAll = RobotsRules(refuseAll: true)

    /// Whether `url` (absolute, `http://host/path?query`) may be fetched.
    public func allows(url: String) -> Bool {
        allows(path: RobotsPath.of(url: url))
    }

    /// Whether the path-and-query `path` may be fetched: the longest matching pattern wins
    /// (by bytes), `Allow` on a tie; no match allows. `/robots.txt` is always allowed.
    public func allows(path: String) -> Bool {
        if refuseAll { return false }
        let p = RobotsPath.normalize(Array(path.utf8)[...])
        if p == Array("/robots.txt".utf8) { return true }
        var bestAllow = -1
        var bestDisallow = -1
        for rule in rules where RobotsPath.matches(p, rule.pattern) {
            if rule.allow { bestAllow = max(bestAllow, rule.pattern.count) } else {
                bestDisallow = max(bestDisallow, rule.pattern.count)
            }
        }
        return bestAllow >= bestDisallow
    }
}

/// Paths as robots.txt compares them.
public enum RobotsPath {
    /// The path, parameters and query of an absolute URL (no fragment), `/` when empty.
    public static func of(url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.drop { $0 != "/" && $0 != "?" && $0 != "#" }
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if rest.isEmpty { return "/" }
        return rest.hasPrefix("?") ? "/" + rest : String(rest)
    }

    /// RFC 9309 2.2.2: octets outside US-ASCII are percent-encoded, a percent-encoded
    /// unreserved character (`A-Z a-z 0-9 - . _ ~`) is decoded, other escapes get uppercase
    /// hex, so that a pattern and a path that mean the same bytes compare equal.
    public static func normalize(_ s: ArraySlice<UInt8>) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            if b == UInt8(ascii: "%"), i + 2 < s.endIndex,
               let hi = hexValue(s[i + 1]), let lo = hexValue(s[i + 2]) {
                let decoded = hi << 4 | lo
                if isUnreserved(decoded) {
                    out.append(decoded)
                } else {
                    out += [UInt8(ascii: "%"), hex[Int(hi)], hex[Int(lo)]]
                }
                i += 3
                continue
            }
            if b >= 0x80 {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    /// Whether `pattern` matches a prefix of `path`: `*` stands for any bytes, a final `$`
    /// anchors the end.
    ///
    /// The pattern is cut at its `*`s; the first piece must start the path, every later one
    /// is taken at its leftmost place after the one before (with only `*` as wildcard that
    /// place is never worse than a later one), found by Knuth-Morris-Pratt. So a decision
    /// costs O(path + pattern) per rule, whatever the file: a set of candidate positions
    /// (the earlier matcher) cost path x pattern, and a hostile robots.txt of 30 rules like
    /// `/*a*a*a...` made each URL of its host take seconds.
    public static func matches(_ path: [UInt8], _ pattern: [UInt8]) -> Bool {
        var body = pattern[...]
        let anchored = body.last == UInt8(ascii: "$")
        if anchored { body = body.dropLast() }
        let pieces = body.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false)
        guard let first = pieces.first, path.starts(with: first) else { return false }
        if pieces.count == 1 { return !anchored || path.count == first.count }
        var at = first.count
        for piece in pieces.dropFirst().dropLast() {
            guard let found = find(piece, in: path, from: at) else { return false }
            at = found + piece.count
        }
        let last = pieces[pieces.count - 1]
        if anchored { return path.count - at >= last.count && path.suffix(last.count).elementsEqual(last) }
        return find(last, in: path, from: at) != nil
    }

    /// The first index at or after `start` where `needle` occurs in `haystack`
    /// (Knuth-Morris-Pratt: linear in both).
    static func find(_ needle: ArraySlice<UInt8>, in haystack: [UInt8], from start: Int) -> Int? {
        let n = Array(needle)
        if n.isEmpty { return start <= haystack.count ? start : nil }
        guard haystack.count - start >= n.count else { return nil }
        var fail = [Int](repeating: 0, count: n.count)
        var k = 0
        for i in 1..<n.count {
            while k > 0 && n[i] != n[k] { k = fail[k - 1] }
            if n[i] == n[k] { k += 1 }
            fail[i] = k
        }
        k = 0
        for i in start..<haystack.count {
            while k > 0 && haystack[i] != n[k] { k = fail[k - 1] }
            if haystack[i] == n[k] { k += 1 }
            if k == n.count { return i - n.count + 1 }
        }
        return nil
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
    }
}
