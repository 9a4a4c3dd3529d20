// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
import TrawlExtract

/// `regex_budget` bounds a (page, pattern) pair's thread CPU time even inside one long PCRE2
/// call (callout 1, docs/extraction.md "Budgets"), and the default patterns stay linear on
/// the pages that made their rewrite cubic (rule 6).
@Suite struct BudgetTests {
    /// CPU bounds are skipped where the code runs instrumented (TRAWL_NO_TIMING=1, or an
    /// ASan/valgrind run), as the issue asks; the answers are still checked.
    static let timing = ProcessInfo.processInfo.environment["TRAWL_NO_TIMING"] == nil
        && ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil
        && ProcessInfo.processInfo.environment["VALGRIND_LIB"] == nil

    /// Runs one pattern over `text`, returning its extraction and the thread CPU seconds used.
    static func measure(_ spec: PatternSpec, _ text: String, budget: Double = 1,
                        matchLimit: Int = 10_000_000) throws -> (Extraction, Double) {
        let session = try Extractor(patterns: [spec], matchLimit: matchLimit, budget: budget).makeSession()
        let start = MonotonicClock.threadCPU()
        let result = session.extract(text)
        return (result, MonotonicClock.threadCPU() - start)
    }

    /// `'<a href="' * n + '\n>'` and the button page, up to 1 MB: before rule 6 the tail's
    /// lazy group tried every quote of the line, each followed by a scan to the line's end,
    /// from every `href=` (18 KB: 7 s). Python's answer is `[]`: no `>` follows a quote on the
    /// first line, and no `href=`/`id=` follows the newline.
    @Test(arguments: [2_000, 11_000, 111_000])
    func cubicPagesAreLinear(repeats: Int) throws {
        for (spec, unit) in [(PatternSpec.link, "<a href=\""), (PatternSpec.button, "<button id=\"")] {
            let text = String(repeating: unit, count: repeats) + "\n>"
            let (result, cpu) = try Self.measure(spec, text)
            #expect(result.error == nil, "\(spec.name) on \(text.utf8.count) bytes: \(String(describing: result.error))")
            #expect(result.matches[0].matches.isEmpty)
            if Self.timing {
                #expect(cpu <= 1.5, "\(spec.name) on \(text.utf8.count) bytes took \(cpu) s of CPU")
            }
            print("budget: \(spec.name) on \(text.utf8.count) bytes: \(String(format: "%.3f", cpu)) s CPU")
        }
        // A near miss of the same page that does match: the first quote on a line with a `>`.
        let (found, _) = try Self.measure(PatternSpec.link, String(repeating: "<a href=\"", count: repeats) + "x\">\n")
        #expect(found.matches[0].strings == ["<a href="])
    }

    /// The exponential page of the default patterns, already linear by rule 1, with budget.
    @Test func exponentialPageWithinBudget() throws {
        let text = "<a href='first'>" + String(repeating: "<a class=x data-y='z' title=\"t u\">no link</a>\n", count: 20_000)
        for spec in PatternSpec.defaults {
            let (result, cpu) = try Self.measure(spec, text)
            #expect(result.error == nil)
            if Self.timing { #expect(cpu <= 1.5, "\(spec.name): \(cpu) s") }
            print("budget: \(spec.name) on the exponential page (\(text.utf8.count) bytes): \(String(format: "%.3f", cpu)) s CPU")
        }
    }

    /// A user pattern that backtracks cubically inside a single `pcre2_match` call, with the
    /// match limit out of the way: only the callouts can stop it, within budget + 0.5 s.
    @Test func budgetHoldsInsideOneCall() throws {
        // Classes at the end, so that PCRE2's "required character" check cannot answer at once.
        let text = String(repeating: "a", count: 50_000)
        for source in ["a*a*a*[bc]", "(?:a|aa)*(?:a|aa)*[cd]", "(?s)(.*?a)*?[xy]"] {
            let spec = PatternSpec(name: "slow", source: source)
            let (result, cpu) = try Self.measure(spec, text,
                                                 budget: 0.3, matchLimit: 4_000_000_000)
            #expect(result.error?.code == .regexBudgetExceeded, "\(source)")
            #expect(result.error?.message == "pattern 'slow' exceeded its CPU budget (0.3 s) on this text", "\(source)")
            #expect(result.matches[0].matches.isEmpty)
            if Self.timing { #expect(cpu <= 0.8, "\(source): \(cpu) s") }
            print("budget: \(source) stopped after \(String(format: "%.3f", cpu)) s CPU (budget 0.3 s)")
        }
    }

    /// A greedy DOTALL run over a big page needs more JIT stack than the default 4 MiB: a
    /// correct answer, not a runaway (retried with a larger stack, then the interpreter).
    @Test func greedyDotAllOverABigPage() throws {
        let body = String(repeating: "y", count: 1_300_000)
        let text = "<html><body class=x>" + body + "</body></html>"
        for source in ["(?is)<body[^>]*>(.*)</body>", "(?s)<body[^>]*>(.*)</body>"] {
            let (result, _) = try Self.measure(PatternSpec(name: "b", source: source), text, budget: 10)
            #expect(result.error == nil, "\(source): \(String(describing: result.error))")
            #expect(result.matches[0].strings == [body])
        }
        let (all, _) = try Self.measure(PatternSpec(name: "all", source: "(?s).+"), body, budget: 10)
        #expect(all.error == nil)
        #expect(all.matches[0].strings == [body])
    }
}
