// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// URLs pushed into a running batch (``URLFeed``, C's `trawl_batch_add`): the feed alone, then
/// in a batch.
@Suite struct URLFeedTests {
    let server = TestServer.shared

    @Test func aFullFeedRefusesWithinTheTimeoutAndKeepsOrder() {
        let feed = URLFeed(capacity: 2)
        #expect(feed.add("a", timeout: 0) == .added)
        #expect(feed.add("b", timeout: 0) == .added)
        #expect(feed.add("c", timeout: 0) == .timedOut)
        guard case .url(let first) = feed.next() else { Issue.record("no URL"); return }
        #expect(first == "a")
        #expect(feed.add("c", timeout: 0) == .added)
        feed.close()
        #expect(feed.add("d", timeout: 0) == .closed)
        var rest: [String] = []
        while case .url(let u) = feed.next() { rest.append(u) }
        #expect(rest == ["b", "c"])
    }

    @Test func aCancelledFeedRefusesButGivesBackWhatItAccepted() {
        let feed = URLFeed(capacity: 4)
        #expect(feed.add("a") == .added)
        feed.cancel()
        #expect(feed.add("b", timeout: 1) == .cancelled)
        #expect(feed.drainsOnCancel)
        guard case .url(let u) = feed.next() else { Issue.record("the accepted URL was lost"); return }
        #expect(u == "a")
        guard case .end = feed.next() else { Issue.record("a cancelled feed kept going"); return }
    }

    /// Results come out while URLs are still being added, and every added URL gets one.
    @Test(arguments: [BackendKind.thread, .process])
    func aBatchRunsWhatIsAddedWhileItRuns(_ backend: BackendKind) throws {
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        let (batch, feed) = try Crawler(options: o).open()
        #expect(feed.add(server.url("/status/200")) == .added)
        guard case .result(let first) = batch.next(timeout: 20) else {
            Issue.record("no result while the input was open")
            return
        }
        #expect(first.index == 0 && first.status == 200)
        for i in 1...20 { #expect(feed.add(i == 7 ? "no url" : server.url("/empty?\(i)")) == .added) }
        feed.close()
        var indexes: [Int] = []
        while case .result(let r) = batch.next(timeout: 30) {
            indexes.append(r.index)
            #expect((r.error?.code == .invalidURL) == (r.index == 7))
        }
        #expect(indexes.sorted() == Array(1...20))
        #expect(batch.progress.total == 21)
    }

    @Test(arguments: [BackendKind.thread, .process])
    func aBatchCancelledWithURLsAddedGivesEachOneResult(_ backend: BackendKind) throws {
        var o = CrawlOptions()
        o.backend = backend
        let (batch, feed) = try Crawler(options: o).open()
        for i in 0..<50 { #expect(feed.add(server.url("/empty?\(i)")) == .added) }
        batch.cancel()
        #expect(feed.add(server.url("/empty"), timeout: 0) == .cancelled)
        var indexes: [Int] = []
        while case .result(let r) = batch.next(timeout: 30) { indexes.append(r.index) }
        #expect(indexes.sorted() == Array(0..<50))
    }

    /// A cluster batch with a `batch_id` reads its whole input before it starts (a run again
    /// with the id is matched with the list), and a journal's mismatch would not reach a
    /// producer adding to a feed.
    @Test(arguments: [false, true])
    func batchesThatReadTheirWholeInputRefuseAFeed(journal: Bool) throws {
        var o = CrawlOptions()
        if journal { o.journal = "/tmp/trawl-urlfeed-\(getpid()).jsonl" } else {
            o.backend = .cluster
            o.redisURL = "redis://127.0.0.1:1"
            o.batchID = "named"
        }
        let crawler = try Crawler(options: o)
        let error = #expect(throws: TrawlError.self) { _ = try crawler.open() }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(journal ? "journal" : "batch_id") == true)
    }
}
