// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
import TrawlExtract

/// trawl against CPython's `re.findall` on generated patterns and subjects
/// (docs/extraction.md, "Differential fuzzing").
///
/// CI runs a fixed seed; `TRAWL_FUZZ_PAIRS` and `TRAWL_FUZZ_SEED` run more, e.g.
/// `TRAWL_FUZZ_PAIRS=1000000 TRAWL_FUZZ_SEED=7 nice -n 10 swift test --filter DifferentialFuzzTests/generatedPairs`.
/// Mismatches are written to `.build/fuzz-mismatches.json`; each one found goes into
/// Fixtures/fuzz_regressions.json once explained and fixed.
@Suite struct DifferentialFuzzTests {
    static let defaultPairs = 20_000

    @Test func generatedPairs() throws {
        let env = ProcessInfo.processInfo.environment
        let pairs = env["TRAWL_FUZZ_PAIRS"].flatMap { Int($0) } ?? Self.defaultPairs
        let seed = env["TRAWL_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_201
        let report = try DifferentialFuzzRunner.run(seed: seed, pairs: pairs)
        print("fuzz: seed \(seed), CPython \(DifferentialFuzzRunner.pythonVersion())")
        print(report.summary)
        for m in report.mismatches.prefix(20) {
            print("fuzz mismatch: pattern \(m.pattern.debugDescription) flags \(m.flags) subject "
                  + "\(m.subject.debugDescription): python \(m.python) trawl \(m.trawl)")
        }
        if !report.mismatches.isEmpty {
            let url = packageRoot().appendingPathComponent(".build/fuzz-mismatches.json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try? encoder.encode(report.mismatches).write(to: url)
        }
        #expect(report.mismatches.isEmpty, "\(report.mismatches.count) unexplained mismatches")
        // The generator must keep producing hard cases: every construct in at least 300 pairs
        // per 20,000 and at least 30% of pairs with a non-empty match.
        let floor = 300 * pairs / Self.defaultPairs
        for construct in FuzzConstruct.allCases {
            #expect(report.perConstruct[construct, default: 0] >= floor, "\(construct.rawValue)")
        }
        #expect(Double(report.nonEmpty) >= 0.30 * Double(report.pairs))
        #expect(report.pairs >= pairs)
    }

    /// Every mismatch the fuzzer (or a reviewer) ever found, with the CPython version it was
    /// checked against: compared with the live `python3` again on every run.
    @Test func regressionCases() throws {
        struct File: Decodable {
            var cpython: String
            var cases: [Entry]
        }
        struct Entry: Decodable {
            var pattern: String
            var flags: UInt32
            var subject: String
            /// Set for constructs trawl refuses on purpose (docs/extraction.md).
            var rejected: Bool?
            /// Long subjects are `subject + repeat * times + suffix`.
            var `repeat`: String?
            var times: Int?
            var suffix: String?

            var text: String {
                subject + String(repeating: `repeat` ?? "", count: times ?? 0) + (suffix ?? "")
            }
        }
        let url = packageRoot().appendingPathComponent("Tests/TrawlExtractTests/Fixtures/fuzz_regressions.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        let version = DifferentialFuzzRunner.pythonVersion()
        if !version.hasPrefix(file.cpython.split(separator: ".").prefix(2).joined(separator: ".")) {
            print("fuzz regressions: recorded with CPython \(file.cpython), running \(version)")
        }
        #expect(file.cases.count >= 20)
        let accepted = file.cases.filter { $0.rejected != true }
        var report = DifferentialFuzzRunner.Report()
        let cases = accepted.map { FuzzCase(pattern: $0.pattern, flags: $0.flags, subjects: [$0.text], constructs: []) }
        try DifferentialFuzzRunner.compare(cases, into: &report)
        for m in report.mismatches {
            let what = "pattern \(m.pattern.debugDescription) flags \(m.flags) subject \(m.subject.prefix(200).debugDescription): "
                + "python \(m.python.prefix(200)) trawl \(m.trawl.prefix(200))"
            Issue.record("\(what)")
        }
        #expect(report.documentedRejections == 0, "a regression case is now refused")
        #expect(report.agreed + report.pythonPrefixBugs == report.pairs)
        for entry in file.cases where entry.rejected == true {
            let spec = PatternSpec(name: "p", source: entry.pattern, flags: PatternFlags(rawValue: entry.flags))
            #expect(throws: TrawlError.self, "\(entry.pattern.debugDescription)") { try Extractor(patterns: [spec]) }
            do {
                _ = try Extractor(patterns: [spec])
            } catch {
                #expect(error.code == .invalidRegex && error.message.contains("unsupported by trawl: "),
                        "\(entry.pattern.debugDescription): \(error.message)")
            }
        }
    }
}
