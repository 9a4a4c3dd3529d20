// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlTestSupport
@testable import TrawlWARC

/// The WARC writer and reader alone.
@Suite struct WARCTests {
    func prefix() -> String { NSTemporaryDirectory() + "trawl-warc-\(UUID().uuidString)" }

    func exchange(_ i: Int, body: Int = 100) -> WARCExchange {
        WARCExchange(targetURI: "http://h/\(i)", date: 1_700_000_000,
                     requestHead: Array("GET /\(i) HTTP/1.1\r\nHost: h\r\n\r\n".utf8),
                     responseHead: Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: \(body)\r\n\r\n".utf8),
                     payload: Array(repeating: UInt8(ascii: "a") &+ UInt8(i % 26), count: body))
    }

    func records(_ path: String) throws -> ([WARCRecord], String?) {
        var out: [WARCRecord] = []
        let message = try WARCReader.read(path: path) { out.append($0) }
        return (out, message)
    }

    @Test func sha1AndBase32MatchTheStandardVectors() {
        var s = SHA1()
        s.update(Array("abc".utf8))
        #expect(s.finish().map { String(format: "%02x", $0) }.joined() == "a9993e364706816aba3e25717850c26c9cd0d89d")
        var long = SHA1()
        long.update(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(long.finish().map { String(format: "%02x", $0) }.joined() == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(SHA1.base32(Array("foobar".utf8)) == "MZXW6YTBOI======")
    }

    @Test func writesWarcinfoThenRequestAndResponseRecordsAndReadsThemBack() throws {
        let p = prefix()
        let w = WARCWriter(prefix: p, maxBytes: 1 << 30)
        for i in 0..<3 { try w.write(exchange(i)) }
        try w.close()
        #expect(w.files == [p + "-00000.warc.gz"])
        defer { for f in w.files { try? FileManager.default.removeItem(atPath: f) } }
        let (rs, message) = try records(w.files[0])
        #expect(message == nil)
        #expect(rs.map { $0.type ?? "" } == ["warcinfo", "request", "response", "request", "response", "request", "response"])
        let response = rs[2]
        #expect(response["WARC-Target-URI"] == "http://h/0")
        #expect(response["WARC-Date"] == "2023-11-14T22:13:20Z")
        #expect(rs[1]["WARC-Concurrent-To"] == response["WARC-Record-ID"])
        let http = try #require(HTTPMessage(block: response.block))
        #expect(http.status == 200)
        #expect(http.values("content-type") == ["text/html"])
        #expect(Array(http.payload) == exchange(0).payload)
        var digest = SHA1()
        digest.update(http.payload)
        #expect(response["WARC-Payload-Digest"] == "sha1:" + SHA1.base32(digest.finish()))
    }

    @Test func rollsFilesAtTheLimitAndNeverOverwritesAnEarlierRun() throws {
        let p = prefix()
        let w = WARCWriter(prefix: p, maxBytes: 4096)
        for i in 0..<20 { try w.write(exchange(i, body: 3000 + i)) }
        try w.close()
        let again = WARCWriter(prefix: p, maxBytes: 1 << 30)
        try again.write(exchange(99))
        try again.close()
        defer { for f in w.files + again.files { try? FileManager.default.removeItem(atPath: f) } }
        #expect(w.files.count > 2)
        #expect(again.files == [p + "-" + String(format: "%05d", w.files.count) + ".warc.gz"])
        var responses = 0
        for f in w.files {
            let (rs, message) = try records(f)
            #expect(message == nil)
            #expect(rs.first?.type == "warcinfo")
            responses += rs.filter { $0.type == "response" }.count
        }
        #expect(responses == 20)
    }

    @Test func aTruncatedRecordEndsTheFileKeepingTheRecordsBefore() throws {
        let p = prefix()
        let w = WARCWriter(prefix: p, maxBytes: 1 << 30)
        for i in 0..<4 { try w.write(exchange(i, body: 5000)) }
        try w.close()
        defer { for f in w.files { try? FileManager.default.removeItem(atPath: f) } }
        let whole = try Data(contentsOf: URL(fileURLWithPath: w.files[0]))
        // Gzip'd: cut in the middle of the last member.
        let cut = p + "-cut.warc.gz"
        try whole.prefix(whole.count - 40).write(to: URL(fileURLWithPath: cut))
        defer { try? FileManager.default.removeItem(atPath: cut) }
        let (rs, message) = try records(cut)
        #expect(rs.count == 8)  // warcinfo, three exchanges, the last request
        #expect(message?.contains("cut short") == true || message?.contains("truncated") == true, "\(message ?? "")")
        // Not gzip'd: the block of the last record cut short.
        var plain: [UInt8] = []
        _ = try WARCReader.read(path: w.files[0]) { plain += $0.serialized() }
        let cutPlain = p + "-cut.warc"
        try Data(plain.dropLast(100)).write(to: URL(fileURLWithPath: cutPlain))
        defer { try? FileManager.default.removeItem(atPath: cutPlain) }
        let (prs, pmessage) = try records(cutPlain)
        #expect(prs.count == 8)
        #expect(pmessage?.contains("record 9 is truncated") == true, "\(pmessage ?? "")")
        let missing = #expect(throws: (any Error).self) { try records(p + "-none.warc") }
        #expect("\(missing.map { "\($0)" } ?? "")".contains("No such file"))
    }

    @Test func aMissingDirectoryIsAnIOErrorThatStopsTheWriter() throws {
        let w = WARCWriter(prefix: "/nonexistent-dir/x", maxBytes: 1 << 30)
        let e = #expect(throws: (any Error).self) { try w.write(exchange(0)) }
        #expect("\(e.map { "\($0)" } ?? "")".contains("No such file or directory"))
        #expect(w.error != nil)
    }

    @Test func aFullDiskIsAnIOError() throws {
        let disk = try FullDisk(bytes: 16 << 10)
        defer { disk.remove() }
        let w = WARCWriter(prefix: disk.directory + "/x", maxBytes: 1 << 30)
        var failed: (any Error)? = nil
        for i in 0..<200 where failed == nil {
            do { try w.write(exchange(i, body: 4000 + i)) } catch { failed = error }
        }
        #expect("\(failed.map { "\($0)" } ?? "none")".contains("No space left on device"))
    }
}
