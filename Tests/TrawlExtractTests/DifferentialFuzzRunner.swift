// SPDX-License-Identifier: Apache-2.0

import Foundation
import TrawlCore
import TrawlExtract

/// Runs generated (pattern, subject) pairs through trawl and through `python3`'s
/// `re.findall`, and sorts every pair into agreement, an explained difference or a mismatch.
enum DifferentialFuzzRunner {
    /// What Python answered for one pattern: its compile error, or per subject the matches
    /// (`nil`: the per-pair time limit ran out).
    struct PythonAnswer: Decodable {
        var e: String?
        var r: [PairAnswer]?
    }

    /// Python's answer on one subject: matches, "out of time" or one of CPython's own
    /// internal errors (`SystemError`, a bug of `re` it asks to report).
    struct PairAnswer: Decodable {
        var m: [[String]]?
        var t: Bool?
        var b: String?
    }

    /// One pair where trawl and Python differ without a documented reason.
    struct Mismatch: Codable {
        var pattern: String
        var flags: UInt32
        var subject: String
        var python: String
        var trawl: String
    }

    struct Report {
        var pairs = 0
        var agreed = 0
        var nonEmpty = 0
        var pythonTimeouts = 0
        var pythonBugs = 0
        var pythonPrefixBugs = 0
        var trawlBudget = 0
        var bothRejected = 0
        var documentedRejections = 0
        var pythonRejectedOnly = 0
        var perConstruct: [FuzzConstruct: Int] = [:]
        var mismatches: [Mismatch] = []

        var summary: String {
            var lines = ["fuzz: \(pairs) pairs, \(agreed) agreed (\(bothRejected) rejected by both), "
                         + "non-empty match share \(String(format: "%.1f", 100 * Double(nonEmpty) / Double(max(pairs, 1))))%, "
                         + "\(pythonTimeouts) Python timeouts, \(pythonBugs) CPython internal errors, \(pythonPrefixBugs) CPython prefix-optimisation bugs, \(trawlBudget) trawl budget ends, "
                         + "\(documentedRejections) documented rejections, \(mismatches.count) unexplained mismatches"]
            let counts = FuzzConstruct.allCases.map { "\($0.rawValue) \(perConstruct[$0, default: 0])" }
            lines.append("fuzz: pairs per construct: " + counts.joined(separator: ", "))
            return lines.joined(separator: "\n")
        }
    }

    /// `re.findall` per subject, each under a timer; warnings (nested sets, ...) silenced.
    static let oracle = #"""
import json, re, signal, sys, warnings
warnings.simplefilter("ignore")
LIMIT = float(sys.argv[1])
class Late(Exception): pass
def late(*_): raise Late()
signal.signal(signal.SIGALRM, late)
out = []
for case in json.load(sys.stdin):
    try:
        rx = re.compile(case["pattern"], case["flags"])
    except (re.error, ValueError, OverflowError, RecursionError) as e:
        out.append({"e": str(e)})
        continue
    results = []
    for s in case["subjects"]:
        try:
            signal.setitimer(signal.ITIMER_REAL, LIMIT)
            found = rx.findall(s)
            signal.setitimer(signal.ITIMER_REAL, 0)
            results.append({"m": [list(m) if isinstance(m, tuple) else [m] for m in found]})
        except Late:
            results.append({"t": True})
        except (SystemError, RecursionError) as e:
            results.append({"b": str(e)})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    out.append({"r": results})
json.dump(out, sys.stdout, ensure_ascii=False)
"""#

    static func python(_ cases: [FuzzCase], limit: Double) throws -> [PythonAnswer] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", oracle, String(limit)]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let payload = try JSONEncoder().encode(cases)
        // Write from another thread: a large batch would fill both pipes otherwise.
        let writer = Thread {
            input.fileHandleForWriting.write(payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode([PythonAnswer].self, from: data)
    }

    static func pythonVersion() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import platform; print(platform.python_version())"]
        let output = Pipe()
        process.standardOutput = output
        guard (try? process.run()) != nil else { return "?" }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `pattern` with an empty look-ahead `(?=)` after its global flags: CPython then computes
    /// no start-of-match prefix ("INFO" charset), the optimisation that ignores scoped flags
    /// (`(?a:\S)` matches no U+3000 at a pattern's start, though `(?=)(?a:\S)` does).
    static func withoutPrefix(_ pattern: String) -> String {
        var head = Substring(pattern)
        var flags = ""
        while head.hasPrefix("(?"), let close = head.firstIndex(of: ")"),
              head[head.index(head.startIndex, offsetBy: 2)..<close].allSatisfy({ "aiLmsux".contains($0) }),
              close > head.index(head.startIndex, offsetBy: 2) {
            flags += head[...close]
            head = head[head.index(after: close)...]
        }
        return flags + "(?=)" + head
    }

    /// Compares every pair of `cases` and adds them to `report`. A mismatch that goes away
    /// when CPython computes no start-of-match prefix is CPython's bug (docs/extraction.md).
    static func compare(_ cases: [FuzzCase], into report: inout Report, pythonLimit: Double = 0.5) throws {
        var inner = Report()
        try compareOnce(cases, into: &inner, pythonLimit: pythonLimit)
        if !inner.mismatches.isEmpty {
            let retry = inner.mismatches.map {
                FuzzCase(pattern: withoutPrefix($0.pattern), flags: $0.flags, subjects: [$0.subject], constructs: [])
            }
            var second = Report()
            try compareOnce(retry, into: &second, pythonLimit: pythonLimit)
            let still = Set(second.mismatches.map { "\($0.flags) \($0.subject) \($0.pattern)" })
            let explained = inner.mismatches.filter { !still.contains("\($0.flags) \($0.subject) \(withoutPrefix($0.pattern))") }
            inner.pythonPrefixBugs += explained.count
            inner.mismatches = inner.mismatches.filter { still.contains("\($0.flags) \($0.subject) \(withoutPrefix($0.pattern))") }
        }
        report.pairs += inner.pairs
        report.agreed += inner.agreed
        report.nonEmpty += inner.nonEmpty
        report.pythonTimeouts += inner.pythonTimeouts
        report.pythonBugs += inner.pythonBugs
        report.pythonPrefixBugs += inner.pythonPrefixBugs
        report.trawlBudget += inner.trawlBudget
        report.bothRejected += inner.bothRejected
        report.documentedRejections += inner.documentedRejections
        report.pythonRejectedOnly += inner.pythonRejectedOnly
        for (k, v) in inner.perConstruct { report.perConstruct[k, default: 0] += v }
        report.mismatches += inner.mismatches
    }

    private static func compareOnce(_ cases: [FuzzCase], into report: inout Report, pythonLimit: Double) throws {
        let answers = try python(cases, limit: pythonLimit)
        for (c, answer) in zip(cases, answers) {
            let n = c.subjects.count
            report.pairs += n
            for k in c.constructs { report.perConstruct[k, default: 0] += n }
            let spec = PatternSpec(name: "p", source: c.pattern, flags: PatternFlags(rawValue: c.flags))
            let session: ExtractionSession
            do {
                session = try Extractor(patterns: [spec], budget: 0.5).makeSession()
            } catch {
                if answer.e != nil {
                    report.agreed += n
                    report.bothRejected += n
                } else if error.message.contains("unsupported by trawl: ") {
                    report.documentedRejections += n
                } else {
                    for s in c.subjects {
                        report.mismatches.append(Mismatch(pattern: c.pattern, flags: c.flags, subject: s,
                                                          python: "accepted", trawl: error.description))
                    }
                }
                continue
            }
            guard let results = answer.r else {
                report.pythonRejectedOnly += n
                for s in c.subjects {
                    report.mismatches.append(Mismatch(pattern: c.pattern, flags: c.flags, subject: s,
                                                      python: "error: \(answer.e ?? "?")", trawl: "accepted"))
                }
                continue
            }
            for (s, answer) in zip(c.subjects, results) {
                guard let want = answer.m else {
                    if answer.t == true { report.pythonTimeouts += 1 } else { report.pythonBugs += 1 }
                    continue
                }
                if want.contains(where: { $0.contains { !$0.isEmpty } }) { report.nonEmpty += 1 }
                let got = session.extract(s)
                if let error = got.error, error.code == .regexBudgetExceeded {
                    report.trawlBudget += 1
                    continue
                }
                if got.matches[0].matches == want {
                    report.agreed += 1
                } else {
                    report.mismatches.append(Mismatch(pattern: c.pattern, flags: c.flags, subject: s,
                                                      python: "\(want)", trawl: "\(got.matches[0].matches)"))
                }
            }
        }
    }

    /// `pairs` generated pairs from `seed`, `subjects` subjects per pattern.
    static func run(seed: UInt64, pairs: Int, subjects: Int = 10, batch: Int = 1000) throws -> Report {
        var fuzzer = PatternFuzzer(seed: seed)
        var report = Report()
        var remaining = (pairs + subjects - 1) / subjects
        while remaining > 0 {
            let n = min(batch, remaining)
            remaining -= n
            let cases = (0..<n).map { _ in fuzzer.next(subjects: subjects) }
            try compare(cases, into: &report)
        }
        return report
    }
}
