// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// The thread backend end to end: real libcurl against the loopback test server, real PCRE2.
@Suite struct ThreadBackendTests {
    let server = TestServer.shared

    func crawler(_ configure: (inout CrawlOptions) throws -> Void = { _ in }) throws -> Crawler {
        var o = CrawlOptions()
        o.jobs = 2
        o.concurrency = 16
        try configure(&o)
        return try Crawler(options: o)
    }

    /// Fetch + decode + extract gives, in input order, what extraction of the decoded text
    /// gives offline: `pages` are (URL, body size, expected charset or nil, expected text).
    func crawlMatchesOfflineExtraction(_ pages: [(url: String, bytes: Int, charset: String?, text: String)]) throws -> Int {
        let c = try crawler()
        let results = try c.crawl(pages.map(\.url))
        #expect(results.map(\.index) == Array(pages.indices))
        #expect(results.map(\.url) == pages.map(\.url))
        for (page, r) in zip(pages, results) {
            #expect(r.error == nil, "\(page.url): \(String(describing: r.error))")
            #expect(r.status == 200)
            #expect(r.finalURL == r.url)
            #expect(r.charset != nil)
            if let charset = page.charset { #expect(r.charset == charset, "\(page.url)") }
            #expect(r.bytes == page.bytes, "\(page.url)")
            #expect(r.matches == c.extract(page.text).matches, "\(page.url)")
        }
        return results.reduce(0) { $0 + ($1[pattern: "link"]?.matches.count ?? 0) }
    }

    @Test func wholeSiteMatchesOfflineExtractionInInputOrder() throws {
        #expect(Site.pages.count >= 100)
        let pages = try Site.pages.map { p in
            (url: server.siteURL(p.name), bytes: try #require(Site.bytes(p.name)).count,
             charset: Optional(p.charset), text: try #require(Site.text(p.name)))
        }
        let links = try crawlMatchesOfflineExtraction(pages)
        #expect(links > 5000, "the site is full of links")
    }

    @Test(.enabled(if: Corpus.isPresent, "needs the readability corpus (../shared/corpus/readability or TRAWL_CORPUS)"))
    func wholeCorpusMatchesOfflineExtractionInInputOrder() throws {
        #expect(Corpus.pages.count == 130)
        let pages = try Corpus.pages.map { name in
            let bytes = try #require(Corpus.bytes(name))
            return (url: server.corpusURL(name), bytes: bytes.count, charset: String?.none,
                    text: String(decoding: bytes, as: UTF8.self))
        }
        let links = try crawlMatchesOfflineExtraction(pages)
        #expect(links > 1000, "the corpus is full of links")
    }

    @Test func everyURLGetsExactlyOneResultWithItsOwnError() throws {
        let c = try crawler { o in
            o.timeout = 1
            o.maxBytes = 100_000
        }
        let cases: [(String, ErrorCode?)] = [
            (server.siteURL("001.html"), nil),
            ("not a url", .invalidURL),
            ("", .invalidURL),
            ("file:///etc/passwd", .unsupportedProtocol),
            ("ftp://127.0.0.1/x", .unsupportedProtocol),
            (server.url("/redirect-to?url=file:///etc/passwd"), .unsupportedProtocol),
            (server.url("/redirect-loop"), .tooManyRedirects),
            (server.url("/big?bytes=5000000"), .tooLarge),
            (server.url("/slow?seconds=5"), .timeout),
            ("http://127.0.0.1:1/", .connect),
            (server.url("/status/404"), nil),
            (server.url("/status/500"), nil),
            (server.siteURL("001.html"), nil),
        ]
        let results = try c.crawl(cases.map(\.0))
        #expect(results.count == cases.count)
        for (i, (url, code)) in cases.enumerated() {
            #expect(results[i].index == i)
            #expect(results[i].url == url)
            #expect(results[i].error?.code == code, "\(url): \(String(describing: results[i].error))")
            #expect(results[i].matches.map(\.name) == ["button", "link"], "every pattern is named")
            if let e = results[i].error { #expect(!e.message.isEmpty) }
        }
        #expect(results[10].status == 404)
        #expect(results[11].status == 500)
        #expect(results[3].status == nil)
        #expect(results[0].matches == results[12].matches, "duplicates each get a full result")
    }

    @Test func redirectsRecordTheFinalURL() throws {
        let r = try crawler().crawl([server.url("/redirect/3")])
        #expect(r[0].error == nil)
        #expect(r[0].status == 200)
        #expect(r[0].finalURL != r[0].url)
        #expect(r[0].finalURL?.hasPrefix(server.url("/")) == true)
    }

    @Test func userPatternsWithFlagsAndGroups() throws {
        let c = try crawler { o in
            o.useDefaultPatterns = false
            o.patterns = [
                PatternSpec(name: "title", source: "<title>(.*?)</title>", flags: [.ignoreCase, .dotAll]),
                PatternSpec(name: "meta", source: #"<meta\s+(name|property)="([^"]*)""#),
            ]
        }
        let r = try c.crawl([server.siteURL("001.html")])[0]
        #expect(r.matches.map(\.name) == ["title", "meta"])
        #expect(r[pattern: "title"]?.matches.count == 1)
        let meta = try #require(r[pattern: "meta"])
        #expect(meta.groups == 2)
        #expect(meta.matches.allSatisfy { $0.count == 2 })
    }

    /// A body checked for UTF-8 as it arrived is used as it is only when the page is decoded
    /// as UTF-8 from its first byte: a BOM, another charset (header or `<meta>`) or invalid
    /// bytes still take the decoder's own path, and give the text the same page served as
    /// plain UTF-8 gives.
    @Test func decodingPathsAgreeWithTheSamePageInUTF8() throws {
        let c = try crawler { o in
            o.useDefaultPatterns = false
            o.patterns = [PatternSpec(name: "sample", source: #"<p id="sample">(.*?)</p>"#),
                          PatternSpec(name: "para", source: "<p>(.*?)</p>"),
                          PatternSpec(name: "first", source: #"\A."#)]
        }
        let cases: [(path: String, charset: String)] = [
            ("/bom/utf-8", "utf-8"), ("/bom/utf-16le", "utf-16le"), ("/charset/utf-8", "utf-8"),
            ("/charset/koi8-r", "koi8-r"), ("/meta-charset/windows-1252", "windows-1252"),
            ("/http-equiv/shift_jis", "shift_jis"),
        ]
        let urls = cases.flatMap { [server.url($0.path), server.url($0.path + "?utf8=1")] }
            + [server.url("/invalid-utf8")]
        let results = try c.crawl(urls)
        for (k, item) in cases.enumerated() {
            let page = results[2 * k], plain = results[2 * k + 1]
            #expect(page.error == nil && plain.error == nil, "\(item.path)")
            #expect(page.charset == item.charset, "\(item.path)")
            #expect(plain.charset == "utf-8")
            let text = page[pattern: "sample"]?.strings ?? []
            #expect(text.count == 1 && text == plain[pattern: "sample"]?.strings, "\(item.path): \(text)")
            // A BOM is not text: the page starts with "<" in every encoding.
            #expect(page[pattern: "first"]?.strings == ["<"], "\(item.path)")
        }
        // Ill-formed bytes become U+FFFD as WHATWG (and Swift's repairing decoder) does.
        let bytes: [UInt8] = Array("ok ".utf8) + [0xC3, 0xA9] + Array(" bad ".utf8) + [0xFF, 0xFE]
            + Array(" lone ".utf8) + [0x80] + Array(" cut ".utf8) + [0xE2, 0x82] + Array(" over ".utf8)
            + [0xC0, 0xAF] + Array(" surrogate ".utf8) + [0xED, 0xA0, 0x80] + Array(" end".utf8)
        let invalid = try #require(results.last)
        #expect(invalid.error == nil)
        #expect(invalid.charset == "utf-8")
        #expect(invalid[pattern: "para"]?.strings == [String(decoding: bytes, as: UTF8.self)])
        #expect(invalid[pattern: "para"]?.strings.first?.contains("\u{FFFD}") == true)
    }

    @Test func completionOrderStillGivesEveryResultOnce() throws {
        let c = try crawler { $0.order = .completed }
        let urls = Site.names.prefix(40).map { server.siteURL($0) } + [server.url("/slow?seconds=0.2")]
        let batch = try c.start(urls)
        var seen: [Int] = []
        while case .result(let r) = batch.next(timeout: 60) { seen.append(r.index) }
        #expect(seen.sorted() == Array(urls.indices))
    }

    @Test func progressIsReportedForEveryResult() throws {
        let calls = Mutex<[TrawlCore.Progress]>([])
        let urls = Site.names.prefix(20).map { server.siteURL($0) } + ["bogus"]
        _ = try crawler().crawl(urls) { p in calls.withLock { $0.append(p) } }
        let seen = calls.withLock { $0 }
        #expect(seen.count == urls.count)
        #expect(seen.map(\.done) == Array(1...urls.count))
        #expect(seen.last?.failed == 1)
        #expect(seen.allSatisfy { $0.total == urls.count })
    }

    @Test func cancelFromAnotherThreadEndsTheBatchWithCancelledResults() throws {
        let c = try crawler { o in
            o.concurrency = 4
            o.timeout = 60
        }
        let urls = (0..<40).map { _ in server.url("/slow?seconds=30") }
        let batch = try c.start(urls)
        let canceller = Thread { Thread.sleep(forTimeInterval: 0.3); batch.cancel() }
        canceller.start()
        var results: [CrawlResult] = []
        while case .result(let r) = batch.next(timeout: 20) { results.append(r) }
        batch.wait()
        #expect(results.count == urls.count, "the batch ended before the 30 s responses")
        #expect(results.allSatisfy { $0.error?.code == .cancelled })
        #expect(batch.isCancelled)
    }

    @Test func aDroppedBatchFinishesInTheBackground() throws {
        let finished = Mutex<Bool>(false)
        let urls = Site.names.prefix(20).map { server.siteURL($0) }
        // The batch is dropped at once: its own thread then holds the last reference and
        // releases it from that thread when the batch ends.
        _ = try crawler().start(urls) { p in
            if p.done == p.total { finished.withLock { $0 = true } }
        }
        let deadline = Date().addingTimeInterval(30)
        while !finished.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(finished.withLock { $0 })
    }

    @Test func emptyBatchAndOfflineExtraction() throws {
        let c = try crawler()
        #expect(try c.crawl([]).isEmpty)
        let e = c.extract(#"<a href="x">a</a> <BUTTON id='b'>"#)
        #expect(e.matches.map(\.strings) == [["b"], ["x"]])
    }

    @Test func badRegexAndUnavailableBackendAreReportedUpFront() {
        var o = CrawlOptions()
        o.patterns = [PatternSpec(name: "bad", source: "a(b")]
        #expect { try Crawler(options: o) } throws: { ($0 as? TrawlError)?.code == .invalidRegex }
        var p = CrawlOptions()
        p.backend = .cluster
        #expect { try Crawler(options: p) } throws: { ($0 as? TrawlError)?.code == .backendUnavailable }
    }
}
