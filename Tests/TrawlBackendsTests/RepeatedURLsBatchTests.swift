// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// Repeated URLs fetched once (`dedupe`, on by default), counted by the server itself.
@Suite struct RepeatedURLsBatchTests {
    let server = TestServer.shared

    func crawl(_ urls: [String], backend: BackendKind, dedupe: Bool = true,
               order: ResultOrder = .input, journal: String? = nil) throws -> [CrawlResult] {
        // Pooled workers must inherit the crash marker that ProcessBackendTests relies on.
        _ = ProcessBackendTests.crashMarker
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        o.dedupe = dedupe
        o.order = order
        o.journal = journal
        let batch = try Crawler(options: o).start(urls)
        return batch.results()
    }

    /// The seed's shape: 10 URLs repeated 100 times make 10 requests and 1,000 results, each
    /// copy under its own index with the result of its URL.
    @Test(arguments: [BackendKind.thread, .process])
    func seedShapedBatchMakesTenRequests(_ backend: BackendKind) throws {
        let token = TestServer.freshToken()
        let distinct = (0..<10).map { server.url("/counted/\(token)/\(Site.names[$0])") }
        let urls = (0..<1000).map { distinct[$0 % 10] }
        for order in [ResultOrder.input, .completed] {
            let results = try crawl(urls, backend: backend, order: order)
            #expect(results.count == 1000)
            #expect(Set(results.map(\.index)) == Set(0..<1000))
            // Every copy has its original's result: the same matches as its URL's first index.
            let byIndex = Dictionary(uniqueKeysWithValues: results.map { ($0.index, $0) })
            for r in results {
                #expect(r.url == urls[r.index] && r.status == 200)
                #expect(r.matches == byIndex[r.index % 10]?.matches)
                #expect(r.finalURL == distinct[r.index % 10] && r.bytes == byIndex[r.index % 10]?.bytes)
            }
        }
        let hits = try server.hits(token)
        #expect(hits.count == 10 && hits.values.allSatisfy { $0 == 2 }, "\(hits)")  // two orders
    }

    /// URLs that differ only in what normalisation removes are one fetch; each copy keeps its
    /// own URL as submitted.
    @Test func normalisedFormsAreOneFetch() throws {
        let token = TestServer.freshToken()
        let page = Site.names[0]
        let base = server.url("/counted/\(token)/\(page)")
        let port = base.split(separator: ":")[2].split(separator: "/")[0]
        let forms = [base, base + "#frag", "HTTP://127.0.0.1:\(port)/counted/\(token)/./\(page)",
                     "http://127.0.0.1:\(port)/counted/\(token)/x/../\(page)", base + "?q"]
        let results = try crawl(forms, backend: .thread)
        #expect(results.map(\.url) == forms)
        #expect(results.allSatisfy { $0.status == 200 })
        let hits = try server.hits(token)
        #expect(hits == ["/counted/\(token)/\(page)": 1, "/counted/\(token)/\(page)?q": 1], "\(hits)")
    }

    /// A journal records every copy; a resumed batch with repeats fetches only the distinct
    /// URLs that have a copy without a result, and ends with one result per input line.
    @Test(arguments: [BackendKind.thread, .process])
    func aResumedBatchWithRepeatsGivesOneResultPerLine(_ backend: BackendKind) throws {
        let token = TestServer.freshToken()
        let (a, b, c) = (server.url("/counted/\(token)/\(Site.names[0])"),
                         server.url("/counted/\(token)/\(Site.names[1])"),
                         server.url("/counted/\(token)/\(Site.names[2])"))
        let journal = NSTemporaryDirectory() + "trawl-repeats-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: journal) }
        #expect(try crawl([a, b, a], backend: backend, journal: journal).count == 3)
        let before = try server.hits(token)
        // The batch grows at its end: a is done with every copy, b gains a copy, c is new.
        let urls = [a, b, a, c, b, c]
        let results = try crawl(urls, backend: backend, journal: journal)
        #expect(results.map(\.index) == Array(0..<6))
        #expect(results.map(\.url) == urls && results.allSatisfy { $0.status == 200 })
        let after = try server.hits(token)
        let path = { (u: String) in "/counted/" + (u.components(separatedBy: "/counted/").last ?? "") }
        #expect(after[path(a)] == before[path(a)] && after[path(a)] == 1, "\(after)")
        #expect(after[path(b)] == 2 && after[path(c)] == 1, "\(after)")
        let again = try crawl(urls, backend: backend, journal: journal)
        #expect(again.map(\.index) == Array(0..<6))
        #expect(try server.hits(token) == after, "a complete journal fetches nothing")
    }

    @Test func dedupeOffFetchesEveryCopy() throws {
        let token = TestServer.freshToken()
        let urls = (0..<30).map { server.url("/counted/\(token)/\(Site.names[$0 % 3])") }
        let results = try crawl(urls, backend: .thread, dedupe: false)
        #expect(results.count == 30)
        #expect(try server.hits(token).values.reduce(0, +) == 30)
    }

    /// Invalid URLs are never merged: each has its own error result.
    @Test func invalidCopiesEachGetTheirOwnResult() throws {
        let results = try crawl(["nope", "nope", "ftp://x/", "ftp://x/"], backend: .thread)
        #expect(results.map(\.index) == [0, 1, 2, 3])
        #expect(results.map { $0.error?.code } == [.invalidURL, .invalidURL, .unsupportedProtocol, .unsupportedProtocol])
    }
}

/// Streamed input (a URLSource, as the CLI reads files and standard input) is de-duplicated
/// as it is read.
extension RepeatedURLsBatchTests {
    func stream(_ urls: [String], dedupe: Bool = true, order: ResultOrder = .input) throws -> [CrawlResult] {
        var o = CrawlOptions()
        o.jobs = 2
        o.dedupe = dedupe
        o.order = order
        return try Crawler(options: o).start(source: ScriptedSource(urls.map { .url($0) })).results()
    }

    @Test func seedShapedStreamMakesTenRequests() throws {
        let token = TestServer.freshToken()
        let distinct = (0..<10).map { server.url("/counted/\(token)/\(Site.names[$0])") }
        let urls = (0..<1000).map { distinct[$0 % 10] + ($0 >= 10 ? "#copy\($0)" : "") }
        for order in [ResultOrder.input, .completed] {
            let results = try stream(urls, order: order)
            #expect(results.count == 1000)
            #expect(Set(results.map(\.index)) == Set(0..<1000))
            let byIndex = Dictionary(results.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
            for r in results {
                #expect(r.url == urls[r.index] && r.status == 200)
                #expect(r.matches == byIndex[r.index % 10]?.matches && r.bytes == byIndex[r.index % 10]?.bytes)
            }
        }
        let hits = try server.hits(token)
        #expect(hits.count == 10 && hits.values.allSatisfy { $0 == 2 }, "\(hits)")  // two orders
    }

    @Test func streamWithoutDedupeFetchesEveryCopy() throws {
        let token = TestServer.freshToken()
        let urls = (0..<30).map { server.url("/counted/\(token)/\(Site.names[$0 % 3])") }
        let results = try stream(urls, dedupe: false)
        #expect(results.map(\.index) == Array(0..<30))
        #expect(try server.hits(token).values.reduce(0, +) == 30)
    }

    /// Invalid URLs in a stream are never merged either.
    @Test func invalidStreamedCopiesEachGetTheirOwnResult() throws {
        let results = try stream(["nope", "nope", server.url("/status/200"), server.url("/status/200")])
        #expect(results.map(\.index) == [0, 1, 2, 3])
        #expect(results.map { $0.error?.code } == [.invalidURL, .invalidURL, nil, nil])
    }
}
