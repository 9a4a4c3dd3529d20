// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore

@Suite struct ResultSinkTests {
    func results() -> [CrawlResult] {
        [CrawlResult(index: 0, url: "http://a/", status: 200,
                     matches: [PatternMatches(name: "link", groups: 1, matches: [["/x"]])]),
         CrawlResult(index: 1, url: "bad", error: TrawlError(.invalidURL, "has no scheme"))]
    }

    func written(_ format: ResultFormat, _ items: [CrawlResult]) throws -> String {
        let path = NSTemporaryDirectory() + "trawl-sink-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try FileResultSink(path: path, format: format)
        for r in items { try sink.write(r) }
        try sink.close()
        #expect(throws: TrawlError.self) { try sink.write(CrawlResult(index: 9, url: "late")) }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func jsonLinesAreTheJSONOfEachResult() throws {
        let text = try written(.jsonl, results())
        var expected: [UInt8] = []
        for r in results() { JSON.append(r, to: &expected); expected.append(10) }
        #expect(text == String(decoding: expected, as: UTF8.self))
    }

    @Test func jsonIsOneArray() throws {
        let text = try written(.json, results())
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        #expect(parsed?.map { $0["url"] as? String } == ["http://a/", "bad"])
        #expect(try written(.json, []) == "[]\n")
    }

    @Test func aFailedWriteIsAnIOError() throws {
        let fd = open("/dev/null", O_RDONLY)
        defer { close(fd) }
        let sink = FileResultSink(descriptor: fd, format: .jsonl)
        try sink.write(results()[0])
        #expect(throws: TrawlError(.io, "error writing output: Bad file descriptor")) { try sink.flush() }
        #expect(throws: TrawlError.self) { try FileResultSink(path: "/nonexistent/dir/out", format: .json) }
    }
}
