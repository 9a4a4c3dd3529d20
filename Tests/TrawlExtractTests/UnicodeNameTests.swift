// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
import TrawlExtract
import TrawlTestSupport

/// `\N{...}` escapes: looked up in a table built once, not by scanning every scalar per escape
/// (Fuzz/regressions/FuzzRegex/unknown-unicode-name-scan-timeout).
@Suite struct UnicodeNameTests {
    func findall(_ pattern: String, _ subject: String) throws -> [String] {
        let e = try Extractor(patterns: [PatternSpec(name: "p", source: pattern, flags: [])])
        return e.makeSession().extract(subject).matches[0].strings
    }

    @Test func namesAndCaseAsPython() throws {
        #expect(try findall(#"\N{EM DASH}"#, "a—b") == ["—"])
        #expect(try findall(#"\N{em dash}"#, "a—b") == ["—"], "case-insensitive, as unicodedata.lookup")
        #expect(try findall(#"\N{LATIN SMALL LETTER A}+"#, "baab") == ["aa"])
        #expect(try findall(#"[\N{VARIATION SELECTOR-256}]"#, "x\u{E01EF}") == ["\u{E01EF}"])
        #expect(throws: TrawlError.self) { try findall(#"\N{NO SUCH NAME}"#, "") }
    }

    /// Each escape naming a scalar near the end of the code space cost a scan of ~900,000
    /// scalars (minutes for this pattern); the table makes it one lookup each.
    @Test(.timeLimit(.minutes(1)), .enabled(if: Sanitizers.checksTiming, "a time bound"))
    func manyEscapesCompileAtOnce() throws {
        let pattern = String(repeating: #"\N{VARIATION SELECTOR-256}"#, count: 500)
        let subject = String(repeating: "\u{E01EF}", count: 500)
        #expect(try findall(pattern, subject) == [subject])
    }
}
