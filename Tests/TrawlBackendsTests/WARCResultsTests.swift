// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// `Crawler.extract(warc:)`: a crawl's archive read back from Swift gives the crawl's
/// matches on every page, whatever the file's compression; damaged and wrong files say why.
@Suite struct WARCResultsTests {
    let server = TestServer.shared

    /// The fields a crawl and an extract of its archive share.
    func fields(_ r: CrawlResult) -> String {
        "\(r.status ?? -1) \(r.charset ?? "-") \(r.bytes) \(r.contentType ?? "-") "
            + r.matches.map { "\($0.name)=\($0.matches)" }.joined(separator: " ")
    }

    @Test func anArchiveGivesTheCrawlsMatchesOnEveryPage() throws {
        let dir = NSTemporaryDirectory() + "trawl-warc-results-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var o = CrawlOptions()
        o.jobs = 2
        o.warc = dir + "/crawl"
        o.absoluteLinks = ["link"]
        o.patterns = [PatternSpec(name: "title", source: "<title>(.*?)</title>")]
        let crawler = try Crawler(options: o)
        let urls = Site.names.prefix(12).map { server.siteURL($0) } + ["/gzip", "/br", "/zstd"].map { server.url($0) }
        let crawled = try crawler.crawl(urls)
        #expect(crawled.allSatisfy { $0.status == 200 })
        let written = try FileManager.default.contentsOfDirectory(atPath: dir).map { dir + "/" + $0 }
        let file = try #require(written.first)
        #expect(written.count == 1)

        // As written (gzip per record), uncompressed, and gzip'd as one member.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let plain = try Compression.run(["gzip", "-dc"], bytes)
        try Data(plain).write(to: URL(fileURLWithPath: dir + "/plain.warc"))
        try Data(try Compression.run(["gzip", "-c"], plain)).write(to: URL(fileURLWithPath: dir + "/whole.warc.gz"))
        let want = Dictionary(uniqueKeysWithValues: crawled.map { ($0.finalURL ?? "", fields($0)) })
        for path in [file, dir + "/plain.warc", dir + "/whole.warc.gz"] {
            let results = try crawler.extract(warc: path)
            let read = Array(results)
            #expect(results.error == nil, "\(path)")
            #expect(read.map(\.index) == Array(0..<urls.count), "\(path)")
            #expect(Dictionary(uniqueKeysWithValues: read.map { ($0.url, fields($0)) }) == want, "\(path)")
            #expect(read.allSatisfy { $0.url == $0.finalURL })
        }
        // Reading wrote no archive of its own.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == 3)

        // Cut short: the results before the cut, then the error.
        try Data(plain.prefix(plain.count / 2)).write(to: URL(fileURLWithPath: dir + "/cut.warc"))
        let cut = try crawler.extract(warc: dir + "/cut.warc", firstIndex: 100)
        let before = Array(cut)
        #expect(!before.isEmpty && before.count < urls.count)
        #expect(before.first?.index == 100)
        #expect(cut.error?.code == .inputError)
        #expect(cut.error?.message.contains("is truncated (the file ends inside it)") == true, "\(cut.error?.message ?? "")")
        #expect(cut.next() == nil)
    }

    @Test func aFileThatIsNoWARCOrIsMissingIsRefused() throws {
        let crawler = try Crawler(options: CrawlOptions())
        let html = try tempFile("<html><a href=\"/x\">x</a></html>\n")
        defer { try? FileManager.default.removeItem(atPath: html) }
        #expect(throws: TrawlError.self) { _ = try crawler.extract(warc: html) }
        do { _ = try crawler.extract(warc: html) } catch {
            #expect(error.code == .inputError && error.message.contains("is not a WARC file"), "\(error.message)")
        }
        do { _ = try crawler.extract(warc: "/nonexistent/x.warc") } catch {
            #expect(error.code == .io && error.message.contains("No such file or directory"), "\(error.message)")
        }
        let empty = try tempFile("")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let none = try crawler.extract(warc: empty)
        #expect(none.next() == nil && none.error == nil)
    }

    func tempFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "trawl-warc-results-\(UUID().uuidString).warc"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
