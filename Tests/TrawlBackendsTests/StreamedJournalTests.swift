// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// A journal on a streamed batch (issue 16 item 4): each URL is compared with the journal's
/// entry at its index as it is read, never the input read whole first; requests counted by
/// the server.
@Suite struct StreamedJournalTests {
    let server = TestServer.shared

    func crawler(journal: String, _ backend: BackendKind = .thread) throws -> Crawler {
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        o.concurrency = 4
        o.journal = journal
        return try Crawler(options: o)
    }

    func drain(_ batch: Batch) -> [CrawlResult] {
        var out: [CrawlResult] = []
        while case .result(let r) = batch.next(timeout: 30) { out.append(r) }
        batch.wait()
        return out
    }

    @Test(arguments: [BackendKind.thread, .process])
    func aStreamedBatchResumesURLByURL(_ backend: BackendKind) throws {
        let token = TestServer.freshToken()
        let urls = (0..<8).map { server.url("/counted/\(token)/\(Site.names[$0])") }
        let journal = NSTemporaryDirectory() + "trawl-streamed-journal-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: journal) }

        // A first run over the first five URLs.
        let first = drain(try crawler(journal: journal, backend).start(source: ScriptedSource(urls.prefix(5).map { .url($0) })))
        #expect(first.count == 5)
        #expect(try server.served(token) == 5)

        // The whole list, streamed: the source blocks before its 7th URL, and results (the
        // journal's among them) come out meanwhile: the input is not read whole first.
        let source = ScriptedSource(urls.map { .url($0) }, blockAt: 6)
        let batch = try crawler(journal: journal, backend).start(source: source)
        var second: [CrawlResult] = []
        for _ in 0..<6 {
            guard case .result(let r) = batch.next(timeout: 15) else { break }
            second.append(r)
        }
        #expect(second.count == 6, "the results of the URLs read so far came out while the source was blocked")
        #expect(!source.timedOut && source.read <= 7)
        source.release()
        second += drain(batch)
        #expect(batch.inputError == nil)
        #expect(second.map(\.index) == Array(0..<8))
        #expect(second.map(\.url) == urls && second.allSatisfy { $0.status == 200 })
        #expect(second.prefix(5).map(\.matches) == first.map(\.matches))
        #expect(try server.served(token) == 8, "only the three URLs the journal lacked were requested")

        // A URL other than the journal's at index 3: the input ends there with the journal's
        // message; the three URLs before it come from the journal, nothing is fetched, and
        // the source is not read past the mismatch.
        var other = urls
        other[3] = server.url("/counted/\(token)/other.html")
        let mismatched = ScriptedSource(other.map { .url($0) })
        let third = try crawler(journal: journal, backend).start(source: mismatched)
        let results = drain(third)
        #expect(results.map(\.index) == [0, 1, 2])
        #expect(results.map(\.url) == Array(urls.prefix(3)))
        #expect(third.inputError?.code == .inputError)
        #expect(third.inputError?.message.contains("is of another batch: its URL 4 is \(urls[3].debugDescription), this batch's is \(other[3].debugDescription)") == true,
                "\(third.inputError?.message ?? "no input error")")
        #expect(mismatched.read == 4)
        #expect(try server.served(token) == 8)

        // An input that ends before the journal's last entry ends the same way.
        let shorter = try crawler(journal: journal, backend).start(source: ScriptedSource(urls.prefix(2).map { .url($0) }))
        #expect(drain(shorter).map(\.index) == [0, 1])
        #expect(shorter.inputError?.message.contains("it holds a result for URL 3, this batch has 2") == true,
                "\(shorter.inputError?.message ?? "no input error")")
        #expect(try server.served(token) == 8)
    }

    /// With `dedupe`, a journaled copy comes from the journal and a copy the journal lacks is
    /// fetched or taken from its copy in flight, as without a journal.
    @Test func repeatsInAResumedStreamGiveOneResultPerURL() throws {
        let token = TestServer.freshToken()
        let (a, b) = (server.url("/counted/\(token)/\(Site.names[0])"), server.url("/counted/\(token)/\(Site.names[1])"))
        let journal = NSTemporaryDirectory() + "trawl-streamed-journal-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: journal) }
        #expect(drain(try crawler(journal: journal).start(source: ScriptedSource([.url(a), .url(a)]))).count == 2)
        #expect(try server.served(token) == 1)
        let urls = [a, a, b, b, a]
        let results = drain(try crawler(journal: journal).start(source: ScriptedSource(urls.map { .url($0) })))
        #expect(results.map(\.index).sorted() == Array(0..<5))
        #expect(results.sorted { $0.index < $1.index }.map(\.url) == urls)
        #expect(results.allSatisfy { $0.status == 200 })
        let hits = try server.hits(token)
        #expect(hits["/counted/\(token)/\(Site.names[1])"] == 1, "\(hits)")
    }
}
