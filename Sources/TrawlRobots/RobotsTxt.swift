// SPDX-License-Identifier: Apache-2.0

/// A parsed robots.txt (RFC 9309): its groups of user agents and their rules.
///
/// Parsing never fails: a line that is not a record (binary junk, an unknown key, a rule
/// before any `User-agent`) is skipped, as the RFC and Google's parser do, so a broken file
/// at worst allows more than its author meant. The caller bounds the input (trawl reads at
/// most 500 KiB, the RFC's minimum).
public struct RobotsTxt: Sendable {
    /// One group: the user agents its `User-agent` lines name, and its rules.
    struct Group: Sendable {
        /// Product tokens, lowercased (`*` is ``isGlobal``).
        var agents: [String] = []
        var isGlobal = false
        var rules: [RobotsRule] = []
        var crawlDelay: Double?
    }

    private(set) var groups: [Group] = []

    /// Longest line read, as Google's parser (2083 * 8 bytes with its terminator): the rest of
    /// a longer line is ignored.
    static let maxLineBytes = 2083 * 8 - 1

    /// Parses `bytes`, lines ending in LF, CR LF or CR; a UTF-8 byte order mark is skipped.
    public init(_ bytes: some Collection<UInt8>) {
        var data = Array(bytes)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        var current: Group?
        var sawRule = false
        var start = 0
        var i = 0
        func line(_ end: Int) {
            let slice = data[start..<min(end, start + Self.maxLineBytes)]
            guard let (key, value) = Self.record(slice) else { return }
            switch key {
            case .userAgent:
                if sawRule, let g = current {
                    groups.append(g)
                    current = nil
                }
                sawRule = false
                var g = current ?? Group()
                if value.first == UInt8(ascii: "*") && (value.count == 1 || Self.isSpace(value[value.startIndex + 1])) {
                    g.isGlobal = true
                } else {
                    let token = value.prefix(while: Self.isTokenByte)
                    if !token.isEmpty { g.agents.append(String(decoding: token, as: UTF8.self).lowercased()) }
                }
                current = g
            case .allow, .disallow:
                guard current != nil else { return }  // a rule outside any group
                sawRule = true
                if !value.isEmpty {
                    current?.rules.append(RobotsRule(allow: key == .allow, pattern: RobotsPath.normalize(value)))
                }
            case .crawlDelay:
                // A member of its group like a rule: a User-agent line after it starts
                // another group.
                guard current != nil else { return }
                sawRule = true
                let text = String(decoding: value, as: UTF8.self)
                if let d = Double(text), d.isFinite, d >= 0 { current?.crawlDelay = d }
            }
        }
        while i < data.count {
            let b = data[i]
            if b == 0x0A || b == 0x0D {
                line(i)
                if b == 0x0D, i + 1 < data.count, data[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < data.count { line(data.count) }
        if let g = current { groups.append(g) }
    }

    /// The rules for the product token `agent` (`trawl`): every group that names it, merged;
    /// else every `*` group, merged; else none (everything allowed).
    public func rules(for agent: String) -> RobotsRules {
        let token = agent.lowercased()
        guard !token.isEmpty else { return .allowAll }
        var chosen = groups.filter { $0.agents.contains(token) }
        if chosen.isEmpty { chosen = groups.filter(\.isGlobal) }
        let delays = chosen.compactMap(\.crawlDelay)
        return RobotsRules(rules: chosen.flatMap(\.rules), crawlDelay: delays.max())
    }

    /// The product token robots.txt groups are matched against: the leading letters, `-` and
    /// `_` of a User-Agent header (`trawl` for `trawl/0.1 (+https://...)`).
    public static func productToken(of userAgent: String) -> String {
        String(decoding: userAgent.utf8.prefix(while: isTokenByte), as: UTF8.self)
    }

    // MARK: Lines

    enum Key { case userAgent, allow, disallow, crawlDelay }

    /// The spellings accepted for each key, lowercased: the RFC's, and the typos Google's
    /// parser accepts because real files have them.
    static let keys: [String: Key] = [
        "user-agent": .userAgent, "useragent": .userAgent, "user agent": .userAgent,
        "allow": .allow,
        "disallow": .disallow, "dissallow": .disallow, "dissalow": .disallow, "disalow": .disallow,
        "diasllow": .disallow, "disallaw": .disallow,
        "crawl-delay": .crawlDelay, "crawldelay": .crawlDelay,
    ]

    /// `key: value` without its comment and surrounding white space; a missing colon is
    /// accepted between a key and a one-word value (`disallow /`), as Google does.
    static func record(_ line: ArraySlice<UInt8>) -> (Key, ArraySlice<UInt8>)? {
        var text = line
        if let hash = text.firstIndex(of: UInt8(ascii: "#")) { text = text[..<hash] }
        text = trim(text)
        guard !text.isEmpty else { return nil }
        let keyPart: ArraySlice<UInt8>
        let value: ArraySlice<UInt8>
        if let colon = text.firstIndex(of: UInt8(ascii: ":")) {
            keyPart = trim(text[..<colon])
            value = trim(text[(colon + 1)...])
        } else {
            guard let space = text.firstIndex(where: isSpace) else { return nil }
            keyPart = text[..<space]
            value = trim(text[space...])
            if value.contains(where: isSpace) { return nil }
        }
        let name = String(decoding: keyPart, as: UTF8.self).lowercased()
        guard let key = keys[name] else { return nil }
        return (key, value)
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, isSpace(f) { s.removeFirst() }
        while let l = s.last, isSpace(l) { s.removeLast() }
        return s
    }
}
