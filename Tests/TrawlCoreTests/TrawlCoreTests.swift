// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
@testable import TrawlCore

@Suite struct OptionsTests {
    @Test func defaultsMatchTheDocs() {
        let o = CrawlOptions()
        #expect(o.backend == .thread)
        #expect(o.concurrency == 0, "auto: adaptive")
        #expect(o.maxConcurrency == 1024)
        #expect(o.perHostConnections == 8)
        #expect(o.fixedConcurrency == 64, "what the process and cluster backends run with auto")
        #expect(o.maxRedirects == 10)
        #expect(o.maxBytes == 16 << 20)
        #expect(o.userAgent == "trawl/\(Version.string)")
        #expect(o.allowedProtocols == ["http", "https"])
        #expect(o.verifyTLS)
        #expect(o.effectivePatterns.map(\.name) == ["button", "link"])
    }

    @Test func setAcceptsEveryDocumentedKey() throws {
        var o = CrawlOptions()
        try o.set("backend", .string("thread"))
        try o.set("jobs", .int(-2))
        try o.set("concurrency", .int(8))
        try o.set("order", .string("completed"))
        try o.set("verbose", .int(10))
        try o.set("per_host_connections", .int(4))
        try o.set("connect_timeout", .double(1.5))
        try o.set("timeout", .int(3))
        try o.set("max_redirects", .int(2))
        try o.set("max_bytes", .int(1000))
        try o.set("user_agent", .string("x/1"))
        try o.set("header", .string("X-A: 1"))
        try o.set("header", .string("X-B: 2"))
        try o.set("ca_bundle", .string("/tmp/ca.pem"))
        try o.set("verify_tls", .int(0))
        try o.set("protocols", .string("https, http"))
        try o.set("decode", .string("requests"))
        try o.set("default_patterns", .int(0))
        try o.set("regex_budget", .double(0.25))
        try o.set("regex_match_limit", .int(1000))
        #expect(o.jobs == -2 && o.concurrency == 8 && o.order == .completed && o.verbose == 10)
        #expect(o.perHostConnections == 4 && o.connectTimeout == 1.5 && o.timeout == 3)
        #expect(o.maxRedirects == 2 && o.maxBytes == 1000 && o.userAgent == "x/1")
        #expect(o.headers == ["X-A: 1", "X-B: 2"])
        #expect(o.caBundle == "/tmp/ca.pem" && !o.verifyTLS)
        #expect(o.allowedProtocols == ["https", "http"])
        #expect(o.decode == .requests && !o.useDefaultPatterns && o.effectivePatterns.isEmpty)
        #expect(o.regexBudget == 0.25 && o.regexMatchLimit == 1000)
        try o.set("clear_headers", .int(1))
        #expect(o.headers.isEmpty)
    }

    @Test(arguments: [
        ("nope", OptionValue.int(1), ErrorCode.unknownOption),
        ("jobs", .int(0), .invalidArgument),
        ("jobs", .string("2"), .invalidArgument),
        ("concurrency", .int(-1), .invalidArgument),
        ("concurrency", .string("lots"), .invalidArgument),
        ("max_concurrency", .int(0), .invalidArgument),
        ("timeout", .double(-1), .invalidArgument),
        ("timeout", .double(.nan), .invalidArgument),
        ("timeout", .string("1"), .invalidArgument),
        ("verify_tls", .int(2), .invalidArgument),
        ("backend", .string("gpu"), .invalidArgument),
        ("order", .string("random"), .invalidArgument),
        ("decode", .int(1), .invalidArgument),
        ("header", .string("no colon"), .invalidArgument),
        ("header", .string("X: a\r\nY: b"), .invalidArgument),
        ("protocols", .string(""), .invalidArgument),
        ("max_bytes", .int(0), .invalidArgument),
    ])
    func setRejectsBadValues(key: String, value: OptionValue, code: ErrorCode) {
        var o = CrawlOptions()
        let before = o
        #expect(throws: TrawlError.self) { try o.set(key, value) }
        do { try o.set(key, value) } catch { #expect(error.code == code) }
        #expect(o == before, "a rejected value leaves the options unchanged")
    }

    @Test func effectiveJobsFollowsJoblib() {
        var o = CrawlOptions()
        o.jobs = -1
        #expect(o.effectiveJobs(cores: 8) == 8)
        o.jobs = -2
        #expect(o.effectiveJobs(cores: 8) == 7)
        o.jobs = -20
        #expect(o.effectiveJobs(cores: 8) == 1)
        o.jobs = 3
        #expect(o.effectiveJobs(cores: 8) == 3)
    }
}

@Suite struct ErrorCodeTests {
    @Test func namesAreUniqueSnakeCaseAndRoundTrip() {
        let names = ErrorCode.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        for code in ErrorCode.allCases {
            #expect(code.name.allSatisfy { $0.isLowercase || $0 == "_" })
            #expect(ErrorCode(name: code.name) == code)
            #expect(!code.summary.isEmpty)
        }
        #expect(ErrorCode(name: "no_such_code") == nil)
    }

    @Test func numbersAreStable() {
        // ABI: these numbers are in include/trawl.h and may never change.
        #expect(ErrorCode.ok.rawValue == 0)
        #expect(ErrorCode.invalidRegex.rawValue == 3)
        #expect(ErrorCode.invalidURL.rawValue == 20)
        #expect(ErrorCode.cancelled.rawValue == 31)
        #expect(ErrorCode.workerLost.rawValue == 33)
        #expect(ErrorCode.badResponse.rawValue == 37)
        #expect(ErrorCode.badResponse.name == "bad_response")
        #expect(ErrorCode.robotsDisallowed.rawValue == 35)
        #expect(ErrorCode.robotsDisallowed.name == "robots_disallowed")
        #expect(ErrorCode.blockedAddress.rawValue == 36)
        #expect(ErrorCode.blockedAddress.name == "blocked_address")
    }
}

@Suite struct PatternFlagsTests {
    @Test func lettersRoundTrip() {
        #expect(PatternFlags(letters: "ims") == [.ignoreCase, .multiline, .dotAll])
        #expect(PatternFlags(letters: "q") == nil)
        #expect(PatternFlags([.ignoreCase, .verbose]).letters == "ix")
        #expect(PatternFlags.ignoreCase.rawValue == 2)  // re.IGNORECASE
        #expect(PatternFlags.ascii.rawValue == 256)     // re.ASCII
    }
}

@Suite struct JSONTests {
    func parse(_ s: String) throws -> [String: Any] {
        let obj = try JSONSerialization.jsonObject(with: Data(s.utf8))
        return try #require(obj as? [String: Any])
    }

    @Test func rendersTheDocumentedShape() throws {
        let r = CrawlResult(
            index: 0, url: "http://a/\"q\"\\", finalURL: "http://a/final", status: 200,
            contentType: "text/html", charset: "utf-8", bytes: 42, elapsed: 0.0123456,
            matches: [
                PatternMatches(name: "link", groups: 1, matches: [["x\ny"], ["\u{1}é"]]),
                PatternMatches(name: "pair", groups: 2, matches: [["a", ""]]),
            ])
        let line = JSON.render(r)
        #expect(!line.contains("\n"))
        let o = try parse(line)
        #expect(o["url"] as? String == "http://a/\"q\"\\")
        #expect(o["final_url"] as? String == "http://a/final")
        #expect(o["status"] as? Int == 200)
        #expect(o["bytes"] as? Int == 42)
        #expect(o["elapsed_ms"] as? Double == 12.346)
        #expect(o["error"] is NSNull)
        let m = try #require(o["matches"] as? [String: Any])
        #expect(m["link"] as? [String] == ["x\ny", "\u{1}é"])
        #expect(m["pair"] as? [[String]] == [["a", ""]])
    }

    @Test func rendersErrorsAndNulls() throws {
        let r = CrawlResult.failed(index: 3, url: "nope", error: TrawlError(.invalidURL, "no scheme"),
                                   patterns: PatternSpec.defaults, groups: [1, 1])
        let o = try parse(JSON.render(r))
        #expect(o["status"] is NSNull)
        #expect(o["final_url"] is NSNull)
        #expect(o["charset"] is NSNull)
        let e = try #require(o["error"] as? [String: Any])
        #expect(e["code"] as? String == "invalid_url")
        #expect(e["message"] as? String == "no scheme")
        let m = try #require(o["matches"] as? [String: Any])
        #expect(m["button"] as? [String] == [])
        #expect(m["link"] as? [String] == [])
    }
}

@Suite struct ResultCollectorTests {
    func result(_ i: Int, failed: Bool = false) -> CrawlResult {
        CrawlResult(index: i, url: "u\(i)", error: failed ? TrawlError(.timeout, "t") : nil)
    }

    @Test func inputOrderFromManyThreads() throws {
        let n = 2000
        let c = ResultCollector(total: n, order: .input)
        // Producers on threads of their own, not Swift tasks: the consumer below blocks, and
        // blocking a cooperative thread while tasks wait for one could starve the pool.
        var producers: [OSThread] = []
        for t in 0..<4 {
            producers.append(try OSThread(name: "producer-\(t)") {
                for i in stride(from: n - 1 - t, through: 0, by: -4) {
                    c.push(CrawlResult(index: i, url: "u\(i)", error: i % 7 == 0 ? TrawlError(.timeout, "t") : nil))
                }
            })
        }
        var seen: [Int] = []
        while case .result(let r) = c.next(deadline: nil) { seen.append(r.index) }
        for p in producers { p.join() }
        #expect(seen == Array(0..<n))
        #expect(c.next(deadline: nil) == .done)
        let p = c.progress
        #expect(p.done == n && p.total == n)
        #expect(p.failed == (0..<n).filter { $0 % 7 == 0 }.count)
    }

    @Test func completedOrderAndDuplicates() {
        let c = ResultCollector(total: 3, order: .completed)
        #expect(c.push(result(2)) != nil)
        #expect(c.push(result(2)) == nil, "a second result for an index is dropped")
        #expect(c.push(result(7)) == nil, "out of range")
        #expect(c.missing() == [0, 1])
        #expect(c.next(deadline: nil) == .result(result(2)))
        #expect(c.next(deadline: MonotonicClock.now() + 0.01) == .timedOut)
        c.push(result(0))
        c.push(result(1))
        #expect(c.next(deadline: nil) == .result(result(0)))
        #expect(c.next(deadline: nil) == .result(result(1)))
        #expect(c.next(deadline: nil) == .done)
        #expect(c.missing().isEmpty)
    }

    @Test func inputOrderWaitsForTheEarliest() {
        let c = ResultCollector(total: 2, order: .input)
        c.push(result(1))
        #expect(c.next(deadline: MonotonicClock.now() + 0.01) == .timedOut)
        c.push(result(0))
        #expect(c.next(deadline: 0) == .result(result(0)))
        #expect(c.next(deadline: 0) == .result(result(1)))
    }

    @Test func emptyBatchIsDoneAtOnce() {
        #expect(ResultCollector(total: 0, order: .input).next(deadline: nil) == .done)
    }
}

@Suite struct ProgressReporterTests {
    /// joblib's `_verbosity_filter`, transcribed, as the oracle.
    func joblibFiltered(_ index: Int, _ verbose: Int) -> Bool {
        if verbose == 0 { return true }
        if verbose > 10 { return false }
        if index == 0 { return false }
        let v = 0.5 * pow(Double(11 - verbose), 2)
        return Int((Double(index + 1) / v).squareRoot()) == Int((Double(index) / v).squareRoot())
    }

    @Test func filterMatchesJoblib() {
        for verbose in 1...12 {
            for index in 0..<500 {
                #expect(ProgressReporter.isFiltered(index: index, verbose: verbose) == joblibFiltered(index, verbose))
            }
        }
    }

    @Test func linesLookLikeJoblib() throws {
        let r = ProgressReporter(verbose: 10, jobs: 2)
        let first = try #require(r.line(for: Progress(done: 1, total: 130, failed: 0, elapsed: 0.5)))
        #expect(first == "[trawl(n_jobs=2)]: Done   1 out of 130 | elapsed:   0.5s remaining:  1.1min")
        let last = try #require(r.line(for: Progress(done: 130, total: 130, failed: 1, elapsed: 2.26)))
        #expect(last == "[trawl(n_jobs=2)]: Done 130 out of 130 | elapsed:   2.3s finished")
        #expect(ProgressReporter(verbose: 0, jobs: 2).line(for: Progress(done: 130, total: 130, failed: 0, elapsed: 1)) == nil)
        #expect(!r.toStdout && ProgressReporter(verbose: 50, jobs: 1).toStdout)
    }
}

@Suite struct UTF8TextTests {
    /// The standard library's validating decoder is the oracle.
    func reference(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    @Test func edgeCasesOfTable3_7() {
        let cases: [[UInt8]] = [
            [], Array("plain ascii, longer than sixteen bytes at least".utf8),
            [0xC2, 0x80], [0xC1, 0xBF], [0xC2], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE0, 0x9F, 0xBF],
            [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
            [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xE2, 0x82], [0xE2, 0x82, 0xAC],
            Array(repeating: 0x41, count: 31) + [0xE2, 0x82, 0xAC] + Array(repeating: 0x42, count: 17),
            Array(repeating: 0x41, count: 16) + [0xC3],
        ]
        for c in cases {
            #expect(UTF8Text.isValid(c) == reference(c), "\(c)")
            #expect((UTF8Text(validating: c) != nil) == reference(c))
        }
    }

    @Test func randomBytesAgreeWithTheStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x20, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xA0, 0x9F, 0x90, 0x8F, 0xFF]
        for _ in 0..<20_000 {
            let n = Int.random(in: 0..<40, using: &rng)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            #expect(UTF8Text.isValid(bytes) == reference(bytes), "\(bytes)")
        }
        let valid = "héllo wörld — 東京 🎉 " + String(repeating: "a", count: 40)
        #expect(UTF8Text(validating: Array(valid.utf8))?.string == valid)
    }

    /// `UTF8Accumulator` checks a body chunk by chunk as it arrives: every way of cutting the
    /// bytes into two or three chunks (cuts inside a sequence included) gives the verdict of
    /// one check over the whole, and the same bytes.
    @Test func accumulatorAgreesAtEveryChunkBoundary() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x20, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xF0, 0xF4, 0xA0, 0x9F, 0x90, 0xFF]
        var inputs: [[UInt8]] = (0..<300).map { _ in
            let n = Int.random(in: 0..<24, using: &rng)
            return (0..<n).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
        }
        // Long ASCII runs around multi-byte characters exercise the 32-byte steps.
        let ascii = Array(repeating: UInt8(0x61), count: 40)
        inputs += [ascii + Array("é東🎉".utf8) + ascii, ascii + [0xE2, 0x82] + ascii, ascii + [0xF0, 0x9F, 0x8E]]
        for bytes in inputs {
            let want = reference(bytes)
            var cuts: [[Int]] = [[]]
            for a in 0...bytes.count {
                cuts.append([a])
                for b in a...bytes.count where b - a <= 4 { cuts.append([a, b]) }
            }
            for cut in cuts {
                var acc = UTF8Accumulator()
                var from = 0
                for to in cut + [bytes.count] {
                    bytes[from..<to].withUnsafeBytes { acc.append($0) }
                    from = to
                }
                #expect(acc.count == bytes.count)
                let (out, text) = acc.take()
                #expect(out == bytes)
                #expect((text != nil) == want, "\(bytes) cut at \(cut)")
                #expect(text.map { $0.bytes == bytes } ?? true)
                #expect(acc.count == 0)
            }
        }
    }
}
