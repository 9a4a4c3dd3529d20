// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
@testable import TrawlExtract
import TrawlTestSupport

/// Rules 3 and 4 of docs/extraction.md (lazy runs before a stop character; the split search
/// of committed patterns) against Python's `re.findall` on generated subjects made of the
/// pieces those rules reason about: tag starts, Python spaces (ASCII and not), attribute
/// names, quotes, `>`, newlines, and the characters IGNORECASE treats specially.
@Suite struct SearchRewriteTests {
    static let I: UInt32 = 2, S: UInt32 = 16, A: UInt32 = 256

    /// (pattern, flags, split search expected, lazy run expected)
    static let patterns: [(String, UInt32, Bool, Bool)] = [
        (PatternSpec.button.source, I, true, true),
        (PatternSpec.link.source, 0, true, true),
        (#"<img\s(?:.*?\s)*?src=(["'])(.*?)\1"#, 0, true, false),
        (#"<a\s(?:.*?\s)*?"#, 0, true, false),
        (#"<a\s(?:.*?\s)*?(?:href|src)=['"](.*?)['"]"#, I, true, true),
        (#"(?a)<a\s(?:.*?\s)*?href=(.*?)>"#, 0, true, true),
        (#"x\s(?:.*?\s)*?y(.*?)z"#, S, true, true),
        (#"x\s(?:.*?\s)*?y(.*?)[z>]"#, S, true, true),
        (#"<(.*?)>"#, S, false, true),
        (#"(.*?)[,;]"#, I, false, true),
        (#"(?:.*?)"(.*?)""#, 0, false, true),
        (#"a(.*?)A"#, I, false, false),
        (#"(.*?)\n"#, 0, false, false),
        (#"(.*?)[\n>]"#, S, false, true),
        // Rule 5: a leading class of the tail moves into its look-behind (or may not).
        (#"<a\s(?:.*?\s)*?[xy]z=['"](.*?)['"]"#, 0, true, true),
        (#"<a\s(?:.*?\s)*?[ y]z=['"](.*?)['"]"#, 0, true, true),
        (#"(?ai)<a\s(?:.*?\s)*?hr=(.*?)>"#, 0, true, true),
        // The continuation after the stop character can fail, so later stops are tried too.
        (#"=['"](.*?)['"]>"#, 0, false, true),
        (#"<a\s(?:.*?\s)*?href="(.*?)"z"#, I, true, true),
        // Rule 6: a final `(.*?)Q.*?G` skips to the line's end after a failed start.
        (#"href=['"](.*?)['"].*?>"#, 0, false, true),
        (#"id="(.*?)".*?>"#, I, false, true),
        (#"(?s)x(.*?)['"].*?[>z]"#, 0, false, true),
        (#"y.*?['"].*?>"#, 0, false, true),
        // ... and leaves alone a prefix that can cross a line, or dots of two kinds.
        (#"\s(.*?)".*?>"#, 0, false, true),
        (#"x(.*?)"(?s:.*?)>"#, 0, false, true),
    ]

    /// Patterns rule 6 applies to (in the split tail for the default patterns).
    static let skipTails: Set<String> = [
        PatternSpec.button.source, PatternSpec.link.source, #"href=['"](.*?)['"].*?>"#, #"id="(.*?)".*?>"#,
        #"(?s)x(.*?)['"].*?[>z]"#, #"y.*?['"].*?>"#,
    ]

    static let pieces = [
        "<a", "<A", "<button", "<BUTTON", "<img", "<", " ", "  ", "\n", "\t", "\u{A0}", "\u{2003}",
        "\u{85}", "\u{1C}", "href=", "HREF=", "id=", "ID=", "\u{130}d=", "\u{131}d=", "src=", "x", "y",
        "z", "\u{E9}", "\"", "'", ">", ",", ";", "a", "A", "s",
    ]

    /// Random pieces, and now and then a whole tag built from them, so that every pattern
    /// finds matches as well as near misses. Short: Python backtracks exponentially in the
    /// number of spaces after a failing tag start, the very thing rule 1 removes.
    static func subjects(count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(state: seed)
        func piece(_ from: [String]) -> String { from.randomElement(using: &rng)! }
        let tags = [("<a", "href="), ("<A", "HREF="), ("<button", "id="), ("<BUTTON", "\u{130}d="),
                    ("<img", "src="), ("x", "y"), ("<a", "yz="), ("<a", "HR=")]
        let spaces = [" ", "\n", "\t", "\u{A0}", "\u{2003}", "\u{85}", "\u{1C}"]
        let quotes = ["\"", "'", ""]
        // What makes a tag's first end candidate fail: more quotes, `>` before a newline.
        let inside = ["\"", "'", ">", "\n", " ", "x", "y", "z", "\u{E9}", "href=", "id=", "\"z"]
        return (0..<count).map { _ in
            let n = Int.random(in: 0...6, using: &rng)
            return (0..<n).map { _ in
                guard Int.random(in: 0..<3, using: &rng) > 0 else { return piece(pieces) }
                let (start, name) = tags.randomElement(using: &rng)!
                let other = Int.random(in: 0..<4, using: &rng) == 0 ? tags.randomElement(using: &rng)!.1 : name
                let value = (0..<Int.random(in: 0...4, using: &rng)).map { _ in piece(inside) }.joined()
                return start + piece(spaces) + other + piece(quotes) + value + piece(quotes) +
                    (Bool.random(using: &rng) ? piece(pieces) : "") + piece([">", ">", "z>", "z", ""])
            }.joined()
        }
    }

    /// Patterns whose split tail starts with a class that rule 5 moves into the look-behind.
    static let rotated: Set<String> = [
        PatternSpec.button.source, #"<a\s(?:.*?\s)*?[xy]z=['"](.*?)['"]"#, #"(?ai)<a\s(?:.*?\s)*?hr=(.*?)>"#,
    ]

    @Test func rewritesApplyWhereExpected() throws {
        for (pattern, flags, split, lazy) in Self.patterns {
            let t = try Translation.translate(pattern, flags: PatternFlags(rawValue: flags))
            #expect((t.split != nil) == split, "\(pattern)")
            #expect(t.lazyRuns == lazy, "\(pattern)")
            #expect((t.split?.rotated ?? false) == Self.rotated.contains(pattern), "\(pattern)")
            #expect(t.skipTail == Self.skipTails.contains(pattern), "\(pattern)")
            let e = try Extractor(patterns: [PatternSpec(name: "p", source: pattern, flags: PatternFlags(rawValue: flags))])
            #expect(e.splitSearches == [split], "\(pattern)")
        }
    }

    @Test func generatedSubjectsMatchPython() throws {
        var cases: [PythonOracle.Case] = []
        for (k, (pattern, flags, _, _)) in Self.patterns.enumerated() {
            for subject in Self.subjects(count: 600, seed: 0x5EA2C4 + UInt64(k)) {
                cases.append(PythonOracle.Case(pattern: pattern, flags: flags, subject: subject))
            }
        }
        let expected = try PythonOracle.run(cases)
        #expect(expected.count == cases.count)
        var sessions: [String: ExtractionSession] = [:]
        var nonEmpty: [String: Int] = [:]
        for (c, want) in zip(cases, expected) {
            let key = "\(c.flags):\(c.pattern)"
            let session = try sessions[key] ?? Extractor(patterns: [
                PatternSpec(name: "p", source: c.pattern, flags: PatternFlags(rawValue: c.flags)),
            ]).makeSession()
            sessions[key] = session
            let got = session.extract(c.subject)
            #expect(got.error == nil)
            if case .matches(let m) = want, !m.isEmpty { nonEmpty[key, default: 0] += 1 }
            #expect(PythonOracle.Outcome.matches(got.matches[0].matches) == want,
                    "pattern \(c.pattern.debugDescription) flags \(c.flags) subject \(c.subject.debugDescription)")
        }
        // The subjects must exercise matches, not only failures, for every pattern.
        #expect(nonEmpty.count == Self.patterns.count)
        for (key, n) in nonEmpty { #expect(n >= 20, "\(key): only \(n) subjects with matches") }
    }
}
