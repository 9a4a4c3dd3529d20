// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
import TrawlTestSupport

/// The journal alone: what it writes, what it reads back, what it refuses.
@Suite struct JournalTests {
    static let patterns = [PatternSpec(name: "link", source: "href=\"(.*?)\""),
                           PatternSpec(name: "pair", source: "(a)(b)?")]
    static let groups = [1, 2]

    func path() -> String { NSTemporaryDirectory() + "trawl-journal-\(UUID().uuidString).jsonl" }

    func open(_ path: String, _ options: CrawlOptions = CrawlOptions()) throws -> Journal {
        try Journal(path: path, fingerprint: JournalFingerprint(options: options),
                    patterns: Self.patterns, groups: Self.groups)
    }

    func result(_ i: Int, error: TrawlError? = nil) -> CrawlResult {
        var r = CrawlResult(index: i, url: "http://h/\(i)?q=\"é\"\n", finalURL: i % 2 == 0 ? "http://h/f\(i)" : nil,
                    status: i % 3 == 0 ? nil : 200 + i, contentType: "text/html; charset=\"x\"", charset: "utf-8",
                    bytes: i * 100, elapsed: Double(i) * 0.012345, error: error,
                    matches: [PatternMatches(name: "link", groups: 1, matches: [["/a\(i)"], ["\u{1F600}\\"]]),
                              PatternMatches(name: "pair", groups: 2, matches: [["a", ""], ["a", "b"]])])
        r.attempts = i % 3
        return r
    }

    @Test func readsBackEveryResultAsItWasWritten() throws {
        let p = path()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let written = (0..<20).map { result($0, error: $0 == 7 ? TrawlError(.timeout, "slow") : nil) }
        let j = try open(p)
        #expect(j.resumed.isEmpty)
        try j.append(Array(written[0..<5]))
        try j.append(Array(written[5...]))
        try j.close()
        let again = try open(p)
        defer { try? again.close() }
        #expect(again.resumed.count == 20)
        for r in written {
            let back = try #require(again.resumed[r.index])
            // Rendering what was read gives what was written: no field lost or changed.
            #expect(JSON.render(back) == JSON.render(r))
            #expect(back.matches == r.matches)
            #expect(back.error == r.error)
        }
    }

    @Test func runFailuresAreNotJournaledAndEachIndexOnce() throws {
        let p = path()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let j = try open(p)
        try j.append([result(0), result(1, error: TrawlError(.cancelled, "stop")),
                      result(2, error: TrawlError(.backendUnavailable, "gone")), result(3, error: TrawlError(.tooLarge, "big")),
                      result(0)])
        try j.close()
        let lines = try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)  // the header, index 0 once, index 3
        let again = try open(p)
        defer { try? again.close() }
        #expect(again.resumed.keys.sorted() == [0, 3])
    }

    @Test func aTornLastLineIsDroppedAndCutOff() throws {
        let p = path()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let j = try open(p)
        try j.append([result(0), result(1)])
        try j.close()
        let whole = try Data(contentsOf: URL(fileURLWithPath: p))
        // A crash in the middle of the third line's write(2).
        var torn = whole
        torn.append(Data(#"{"index":2,"result":{"url":"http://h/2","final"#.utf8))
        try torn.write(to: URL(fileURLWithPath: p))
        let again = try open(p)
        #expect(again.resumed.keys.sorted() == [0, 1])
        try again.append([result(2)])
        try again.close()
        let third = try open(p)
        defer { try? third.close() }
        #expect(third.resumed.keys.sorted() == [0, 1, 2])
    }

    @Test func aBrokenLineBeforeTheLastIsAnError() throws {
        let p = path()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let j = try open(p)
        try j.append([result(0)])
        try j.close()
        var text = try String(contentsOfFile: p, encoding: .utf8)
        text += "{not json}\n" + #"{"index":5,"result":{"url":"x"}}"# + "\n"
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        let e = #expect(throws: TrawlError.self) { try open(p) }
        #expect(e?.code == .invalidArgument)
        #expect(e?.message.contains("line 3 is not a journal entry") == true, "\(e?.message ?? "")")
    }

    @Test func aJournalOfOtherOptionsIsRefusedNamingTheDifference() throws {
        let p = path()
        defer { try? FileManager.default.removeItem(atPath: p) }
        try open(p).close()
        var other = CrawlOptions()
        other.timeout = 5
        let e = #expect(throws: TrawlError.self) { try open(p, other) }
        #expect(e?.code == .invalidArgument)
        #expect(e?.message.contains("another batch") == true)
        #expect(e?.message.contains("\"timeout=30.0\"") == true, "\(e?.message ?? "")")
        var patterns = CrawlOptions()
        patterns.patterns = [PatternSpec(name: "t", source: "x")]
        let e2 = #expect(throws: TrawlError.self) { try open(p, patterns) }
        #expect(e2?.message.contains("pattern=t/=x") == true, "\(e2?.message ?? "")")
        // What only says where and how fast the batch runs may change.
        var placement = CrawlOptions()
        placement.jobs = 3
        placement.backend = .process
        placement.order = .completed
        try open(p, placement).close()
    }

    @Test func otherURLsAtTheSameIndexAreRefused() throws {
        let p = path()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let j = try open(p)
        try j.append([result(0), result(4)])
        try j.close()
        let again = try open(p)
        defer { try? again.close() }
        try again.check(index: 0, url: result(0).url)
        try again.check(index: 1, url: "anything: no entry there")
        let e = #expect(throws: TrawlError.self) { try again.check(index: 4, url: "http://other/") }
        #expect(e?.message.contains("URL 5") == true, "\(e?.message ?? "")")
        #expect(throws: TrawlError.self) { try again.check(total: 4) }
        try again.check(total: 5)
    }

    @Test func aFileThatIsNotAJournalOrCannotBeOpenedIsAnError() throws {
        let p = path()
        defer { try? FileManager.default.removeItem(atPath: p) }
        try "url1\nurl2\n".write(toFile: p, atomically: true, encoding: .utf8)
        let e = #expect(throws: TrawlError.self) { try open(p) }
        #expect(e?.message.contains("is not a trawl journal") == true)
        let dir = #expect(throws: TrawlError.self) { try open(NSTemporaryDirectory()) }
        #expect(dir?.code == .io)
        let missing = #expect(throws: TrawlError.self) { try open("/nonexistent-dir/j.jsonl") }
        #expect(missing?.code == .io)
        #expect(missing?.message.contains("No such file or directory") == true, "\(missing?.message ?? "")")
    }

    @Test func aFullDiskIsAnIOErrorThatStaysAndLosesNoWholeLine() throws {
        let mount = try FullDisk(bytes: 16 << 10)
        defer { mount.remove() }
        let p = mount.directory + "/j.jsonl"
        let j = try open(p)
        var failure: TrawlError? = nil
        var i = 0
        while failure == nil && i < 10_000 {
            do { try j.append([result(i)]) } catch { failure = error }
            i += 1
        }
        let e = try #require(failure)
        #expect(e.code == .io)
        #expect(e.message.contains("No space left on device"), "\(e.message)")
        #expect(j.error == e)
        #expect(throws: TrawlError.self) { try j.append([result(i + 1)]) }
        #expect(throws: TrawlError.self) { try j.close() }
        // Reading it back: every whole line, the torn one dropped.
        let again = try open(p)
        defer { try? again.close() }
        #expect(again.resumed.count == i - 1)
    }
}
