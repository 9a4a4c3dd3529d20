// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// `--warc` then `trawl extract`: an archived crawl gives the crawl's results again.
extension CLITests {
    func warcFiles(_ prefix: String) throws -> [String] {
        let dir = (prefix as NSString).deletingLastPathComponent, base = (prefix as NSString).lastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasPrefix(base + "-") && $0.hasSuffix(".warc.gz") }.sorted().map { dir + "/" + $0 }
    }

    /// The fields a crawl and an extract of its archive share, keyed by the page's final URL.
    func byFinalURL(_ lines: [[String: Any]], key: String) -> [String: String] {
        var out: [String: String] = [:]
        for l in lines {
            guard let url = l[key] as? String else { continue }
            let m = (try? JSONSerialization.data(withJSONObject: l["matches"] ?? [:], options: .sortedKeys)) ?? Data()
            out[url] = "\(l["status"] ?? "") \(l["charset"] ?? "") \(l["bytes"] ?? "") \(String(decoding: m, as: UTF8.self))"
        }
        return out
    }

    @Test(arguments: ["thread", "process"])
    func aCrawlsWARCGivesTheCrawlsMatchesOnEveryPage(backend: String) throws {
        let prefix = NSTemporaryDirectory() + "trawl-warc-\(UUID().uuidString)"
        defer { for f in (try? warcFiles(prefix)) ?? [] { try? FileManager.default.removeItem(atPath: f) } }
        // A redirect chain: its 3xx records are archived, and extract skips them.
        let urls = Site.names.map { server.siteURL($0) }
            + ["/gzip", "/br", "/zstd", "/deflate", "/big?bytes=300000", "/redirect/2"].map { server.url($0) }
        let title = ["--pattern", "title/is=<title>(.*?)</title>"]
        let crawl = try trawl(["crawl", "--backend", backend, "-j", "2", "--warc", prefix, "--warc-max-bytes", "200000"] + title + urls)
        #expect(crawl.status == 0, "\(crawl.stderr)")
        let files = try warcFiles(prefix)
        #expect(files.count > 1, "the files did not roll at --warc-max-bytes")
        let extract = try trawl(["extract"] + title + files)
        #expect(extract.status == 0, "\(extract.stderr)")
        let crawled = byFinalURL(crawl.lines, key: "final_url"), archived = byFinalURL(extract.lines, key: "url")
        #expect(crawled.count == urls.count)
        #expect(archived.count == urls.count)
        for (url, fields) in crawled { #expect(archived[url] == fields, "\(url)") }

        // New patterns on the old crawl: what a new crawl with them gives.
        let meta = ["--no-default-patterns", "--pattern", "meta=<meta\\s+(name|property)=\"([^\"]*)\""]
        let fresh = try trawl(["crawl"] + meta + urls)
        let again = try trawl(["extract"] + meta + files)
        #expect(byFinalURL(again.lines, key: "url") == byFinalURL(fresh.lines, key: "final_url"))
    }

    @Test func aTruncatedWARCKeepsItsRecordsBeforeTheCut() throws {
        let prefix = NSTemporaryDirectory() + "trawl-warc-\(UUID().uuidString)"
        defer { for f in (try? warcFiles(prefix)) ?? [] { try? FileManager.default.removeItem(atPath: f) } }
        let urls = Site.names.prefix(10).map { server.siteURL($0) }
        #expect(try trawl(["crawl", "-j", "1", "--concurrency", "1", "--warc", prefix] + urls).status == 0)
        let file = try #require(try warcFiles(prefix).first)
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        try data.prefix(data.count - 200).write(to: URL(fileURLWithPath: file))
        let run = try trawl(["extract", file])
        #expect(run.status == 1)
        #expect(run.stderr.contains(file), "\(run.stderr)")
        #expect(run.lines.count == 9)
    }

    @Test func aFileThatIsNoWARCIsRefused() throws {
        let file = NSTemporaryDirectory() + "trawl-not-warc-\(UUID().uuidString).warc"
        try Data("<html><title>x</title></html>\n".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try trawl(["extract", file])
        #expect(run.status == 1)
        #expect(run.stderr.contains("'\(file)' is not a WARC file"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
