// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
import TrawlExtract

@Suite struct ExtractorTests {
    @Test func findallShapes() throws {
        let extractor = try Extractor(patterns: [
            PatternSpec(name: "whole", source: "a.c"),
            PatternSpec(name: "one", source: "a(.)c"),
            PatternSpec(name: "two", source: "(a)(x)?(.)c"),
        ])
        #expect(extractor.groupCounts == [0, 1, 3])
        let result = extractor.makeSession().extract("abc axc a-c")
        #expect(result.error == nil)
        #expect(result.matches.map(\.name) == ["whole", "one", "two"])
        #expect(result.matches[0].strings == ["abc", "axc", "a-c"])
        #expect(result.matches[1].strings == ["b", "x", "-"])
        #expect(result.matches[2].matches == [["a", "", "b"], ["a", "", "x"], ["a", "", "-"]])
    }

    @Test func emptyMatchesAdvanceByCharacter() throws {
        let result = try Extractor(patterns: [PatternSpec(name: "e", source: "x*")]).makeSession().extract("é😀x")
        #expect(result.matches[0].strings == ["", "", "x", ""])
    }

    @Test func invalidRegexReportsPCRE2MessageAndPythonOffset() throws {
        // PCRE2 writes a repeated group out once per count and limits the compiled size (64 KiB
        // of code units), Python does not: PCRE2's message, its offset mapped back.
        let spec = PatternSpec(name: "big", source: "é(?:ab){30000}")
        #expect(throws: TrawlError(.invalidRegex,
                                   "pattern 'big': regular expression is too large at offset 14")) {
            try Extractor(patterns: [spec])
        }
        // Counts above PCRE2's 65535 work where trawl can split them, and are refused where
        // the split would duplicate a group.
        let long = try Extractor(patterns: [PatternSpec(name: "a", source: "a{65536}")]).makeSession()
        #expect(long.extract(String(repeating: "a", count: 65537)).matches[0].strings.map(\.count) == [65536])
        #expect(throws: TrawlError(.invalidRegex, "pattern 'g': unsupported by trawl: a repeat count above 65535 "
                                   + "of a group that captures (PCRE2 counts to 65535) at offset 4")) {
            try Extractor(patterns: [PatternSpec(name: "g", source: "é(a){70000}")])
        }
    }

    @Test func rejectsBadNamesAndFlags() {
        #expect(throws: TrawlError(.invalidArgument, "pattern names must not be empty")) {
            try Extractor(patterns: [PatternSpec(name: "", source: "a")])
        }
        #expect(throws: TrawlError(.invalidArgument, "duplicate pattern name 'x'")) {
            try Extractor(patterns: [PatternSpec(name: "x", source: "a"), PatternSpec(name: "x", source: "b")])
        }
        #expect(throws: TrawlError(.invalidArgument, "pattern 'x': unknown flag bits 4")) {
            try Extractor(patterns: [PatternSpec(name: "x", source: "a", flags: PatternFlags(rawValue: 6))])
        }
        #expect(throws: TrawlError(.invalidRegex, "pattern 'x': ASCII and UNICODE flags are incompatible at offset 0")) {
            try Extractor(patterns: [PatternSpec(name: "x", source: "a", flags: [.ascii, .unicode])])
        }
        #expect(throws: TrawlError(.invalidRegex, "pattern 'u': bad escape \\q at offset 1")) {
            try Extractor(patterns: [PatternSpec(name: "u", source: "a\\q")])
        }
    }

    @Test func matchLimitEndsOnlyThatPattern() throws {
        let text = String(repeating: "a", count: 40) + "b"
        let extractor = try Extractor(patterns: [
            PatternSpec(name: "runaway", source: "(a+)+$"),
            PatternSpec(name: "fine", source: "a{10}"),
        ], matchLimit: 10_000)
        let result = extractor.makeSession().extract(text)
        #expect(result.error?.code == .regexBudgetExceeded)
        #expect(result.error?.message.hasPrefix("pattern 'runaway' exceeded the match limit") == true)
        #expect(result.matches[0].matches.isEmpty)
        #expect(result.matches[1].strings == ["aaaaaaaaaa", "aaaaaaaaaa", "aaaaaaaaaa", "aaaaaaaaaa"])
    }

    @Test func cpuBudgetIsChargedAcrossCalls() throws {
        // Each search is cheap, but there are many of them: only trawl's own accounting stops it.
        let text = String(repeating: String(repeating: "a", count: 18) + "b", count: 2_000)
        let extractor = try Extractor(patterns: [
            PatternSpec(name: "slow", source: "(a|aa)+b|c"),
            PatternSpec(name: "x", source: "b"),
        ], budget: 0.000_001)
        let result = extractor.makeSession().extract(text)
        #expect(result.error == TrawlError(.regexBudgetExceeded,
                                           "pattern 'slow' exceeded its CPU budget (1e-06 s) on this text; " +
                                           "pattern 'x' exceeded its CPU budget (1e-06 s) on this text"))
        #expect(result.matches.allSatisfy { $0.matches.isEmpty })
    }

    @Test func sessionsAreIndependentAcrossThreads() async throws {
        let extractor = try Extractor(patterns: PatternSpec.defaults)
        let page = String(repeating: "<a href='x'><button id=\"b\">", count: 100)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let session = extractor.makeSession()
                    return (0..<20).map { _ in session.extract(page).matches[1].matches.count }.reduce(0, +)
                }
            }
            return await group.reduce(0, +)
        }
        #expect(counts == 4 * 20 * 100)
    }
}
