// SPDX-License-Identifier: Apache-2.0

import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// Records what it sees and marks each result, as link resolution or a WARC writer would.
final class RecordingObserver: PageObserver {
    struct Seen: Sendable {
        var url: String
        var contentType: String?
        var received: Int
        var charset: String?
    }
    let seen = Mutex<[Seen]>([])

    func observe(_ page: ObservedPage, result: inout CrawlResult) {
        let header = page.response.headers.first { $0.name.lowercased() == "content-type" }?.value
        seen.withLock {
            $0.append(Seen(url: page.response.url, contentType: header, received: page.received.count,
                           charset: page.decoded?.charset))
        }
        result.matches.append(PatternMatches(name: "observed", groups: 1, matches: [[page.response.url]]))
    }
}

@Suite struct PageObserverTests {
    let server = TestServer.shared

    @Test func seesHeadersBytesAndTextOfEveryPageAndAmendsItsResult() throws {
        var o = CrawlOptions()
        o.jobs = 2
        let observer = RecordingObserver()
        let c = try Crawler(options: o, observer: observer)
        let urls = [server.url("/charset/windows-1252"), server.url("/status/404"), "http://127.0.0.1:1/"]
        let results = try c.crawl(urls)
        let seen = observer.seen.withLock { $0 }.sorted { $0.url < $1.url }
        #expect(seen.map(\.url) == urls.sorted(), "every URL, failed ones included")
        for r in results {
            #expect(r[pattern: "observed"]?.strings == [r.url])
            guard let s = seen.first(where: { $0.url == r.url }) else { continue }
            if r.error == nil {
                #expect(s.contentType?.hasPrefix("text/html") == true, "\(s)")
                #expect(s.received == r.bytes)
                #expect(s.charset == r.charset)
            } else {
                #expect(s.received == 0 && s.charset == nil)
            }
        }
    }

    @Test func isRefusedWhereLanesAreOtherProcesses() {
        var o = CrawlOptions()
        o.backend = .process
        #expect(throws: TrawlError.self) { try Crawler(options: o, observer: RecordingObserver()) }
    }
}
