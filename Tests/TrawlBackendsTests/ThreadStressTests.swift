// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// Many lanes at once over one batch, for ThreadSanitizer (`make swift-test-tsan`): 16 lanes
/// share the collector, the per-host limits, the progress callback and a cancel from another
/// thread. `TRAWL_STRESS_URLS` sets the batch's URLs (2,000 under ThreadSanitizer, 10,000 with
/// `make swift-test-tsan STRESS_URLS=10000`); plain runs use 600.
@Suite struct ThreadStressTests {
    let server = TestServer.shared

    static var count: Int {
        if let v = ProcessInfo.processInfo.environment["TRAWL_STRESS_URLS"], let n = Int(v), n > 0 { return n }
        return Sanitizers.active == "thread" ? 2_000 : 600
    }

    /// Small pages, a 404, a redirect, a refused scheme and an invalid URL, over and over: the
    /// fast path, the error paths and the per-host queue all run on every lane.
    func urls(_ count: Int) -> [String] {
        let kinds = [
            server.url("/plain"), server.url("/status/404"), server.url("/redirect/1"),
            "ftp://127.0.0.1/x", "not a url", server.url("/content-type"),
        ]
        return (0..<count).map { i in
            let kind = kinds[i % kinds.count]
            return kind.hasPrefix("http:") ? kind + "?n=\(i)" : kind
        }
    }

    @Test func sixteenLanesGiveEveryURLExactlyOneResult() throws {
        var o = CrawlOptions()
        o.jobs = 16
        o.concurrency = 64
        o.timeout = 60
        let crawler = try Crawler(options: o)
        let urls = urls(Self.count)
        let progressCalls = Atomic<Int>(0)
        let results = try crawler.crawl(urls) { _ in progressCalls.add(1, ordering: .relaxed) }
        #expect(results.count == urls.count)
        #expect(results.map(\.index) == Array(urls.indices))
        #expect(progressCalls.load(ordering: .relaxed) == urls.count)
        for (i, r) in results.enumerated() {
            let expected: ErrorCode? = switch i % 6 {
            case 3: .unsupportedProtocol
            case 4: .invalidURL
            default: nil
            }
            guard r.error?.code == expected, r.url == urls[i] else {
                Issue.record("URL \(i) \(urls[i]): \(String(describing: r.error))")
                return
            }
        }
        #expect(results.filter { $0.status == 404 }.count == (urls.count + 4) / 6)
    }

    @Test func cancelFromAnotherThreadWhileSixteenLanesRun() throws {
        var o = CrawlOptions()
        o.jobs = 16
        o.order = .completed
        let crawler = try Crawler(options: o)
        let urls = urls(max(200, Self.count / 2))
        let batch = try crawler.start(urls)
        let canceller = Thread { batch.cancel() }
        var seen = Set<Int>()
        var n = 0
        while case .result(let r) = batch.next() {
            #expect(seen.insert(r.index).inserted, "index \(r.index) twice")
            n += 1
            if n == 100 { canceller.start() }
        }
        #expect(seen.count == urls.count, "every URL got its result, cancelled or not")
    }
}
