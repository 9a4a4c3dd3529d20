// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// `--journal`: a batch killed with SIGKILL is run again and fetches only what it lacks.
extension CLITests {
    /// Lines of `run`'s output without `elapsed_ms` (the one field that differs between runs).
    func comparable(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").map { String($0).replacing(/"elapsed_ms":[0-9.]+,/, with: "") }
    }

    /// Whole lines in the journal at `path`, its header excepted.
    func journaled(_ path: String) -> Int {
        let text = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return max(0, text.split(separator: "\n", omittingEmptySubsequences: false).count - 2)
    }

    @Test(arguments: ["thread", "process"])
    func aBatchKilledMidwayResumesFetchingOnlyTheMissingURLs(backend: String) throws {
        let tag = "resume-\(backend)-\(UUID().uuidString.prefix(8))"
        let urls = Site.names.prefix(40).map { server.url("/counted/\(tag)/\($0)?delay=0.1") }
        let list = try tempFile(urls.joined(separator: "\n") + "\n")
        let journal = NSTemporaryDirectory() + "trawl-journal-\(UUID().uuidString).jsonl"
        defer {
            try? FileManager.default.removeItem(atPath: list)
            try? FileManager.default.removeItem(atPath: journal)
        }
        let args = ["crawl", "--backend", backend, "-j", "1", "--concurrency", "2", "--journal", journal, list]

        // First run: SIGKILL once a quarter of the batch is journaled.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        while journaled(journal) < 10 && p.isRunning { Thread.sleep(forTimeInterval: 0.01) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "the first run ended before it was killed")
        let done = journaled(journal)
        #expect(done >= 10 && done < urls.count)
        let before = try server.served(tag)

        // Second run: only the URLs without a result are requested; all 40 come out, in order.
        let resumed = try trawl(args)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try server.served(tag) - before == urls.count - done)
        #expect(resumed.lines.compactMap { $0["url"] as? String } == urls)

        // And they are what an uninterrupted run gives.
        let whole = try trawl(["crawl", "-j", "1", list])
        #expect(comparable(resumed.stdout) == comparable(whole.stdout))

        // A third run fetches nothing at all.
        let third = try server.served(tag)
        let again = try trawl(args)
        #expect(try server.served(tag) == third)
        #expect(comparable(again.stdout) == comparable(whole.stdout))
    }

    @Test func aJournalOfAnotherBatchIsRefused() throws {
        let journal = NSTemporaryDirectory() + "trawl-journal-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let urls = [server.siteURL("001.html"), server.siteURL("002.html")]
        #expect(try trawl(["crawl", "--journal", journal] + urls).status == 0)
        let otherURL = try trawl(["crawl", "--journal", journal, server.siteURL("003.html")])
        #expect(otherURL.status == 1)
        #expect(otherURL.stderr.contains("is of another batch: its URL 1 is"), "\(otherURL.stderr)")
        #expect(otherURL.stdout.isEmpty)
        let otherPattern = try trawl(["crawl", "--journal", journal, "--pattern", "t=<title>"] + urls)
        #expect(otherPattern.status == 1)
        #expect(otherPattern.stderr.contains("pattern=t/=<title>"), "\(otherPattern.stderr)")
        let cluster = try trawl(["crawl", "--backend", "cluster", "--redis", "redis://127.0.0.1:1", "--journal", journal] + urls)
        #expect(cluster.status != 0)
        #expect(cluster.stderr.contains("same batch_id instead of a journal"), "\(cluster.stderr)")
        let unreadable = try trawl(["crawl", "--journal", NSTemporaryDirectory()] + urls)
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("cannot open journal '\(NSTemporaryDirectory())': Is a directory"), "\(unreadable.stderr)")
    }

    /// Standard input is streamed with a journal too: each URL is compared with the journal's
    /// entry at its index as it is read (docs/resume-and-warc.md, "Streamed input").
    @Test func aStreamedBatchResumesURLByURL() throws {
        let tag = "stream-resume-\(UUID().uuidString.prefix(8))"
        let urls = Site.names.prefix(12).map { server.url("/counted/\(tag)/\($0)") }
        let journal = NSTemporaryDirectory() + "trawl-journal-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let args = ["crawl", "-j", "2", "--concurrency", "4", "--journal", journal, "-"]

        // A first run over part of the list, then a second over the whole list.
        let first = try trawl(args, stdin: urls.prefix(5).joined(separator: "\n") + "\n")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try server.served(tag) == 5)
        let second = try trawl(args, stdin: urls.joined(separator: "\n") + "\n")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try server.served(tag) == urls.count, "only the 7 URLs the journal lacked were requested")
        #expect(second.lines.compactMap { $0["url"] as? String } == urls)
        #expect(comparable(second.stdout).prefix(5) == comparable(first.stdout)[...])

        // A different URL at index 7: the results of the 7 URLs before it (all journaled:
        // nothing is fetched), then the journal's message and exit status 1.
        var other = urls
        other[7] = server.url("/counted/\(tag)/other.html")
        let third = try trawl(args, stdin: other.joined(separator: "\n") + "\n")
        #expect(third.status == 1)
        #expect(third.stderr.contains("is of another batch: its URL 8 is \(urls[7].debugDescription), this batch's is \(other[7].debugDescription)"),
                "\(third.stderr)")
        #expect(third.lines.compactMap { $0["url"] as? String } == Array(urls.prefix(7)))
        #expect(try server.served(tag) == urls.count)
    }

    @Test func aFullDiskStopsTheBatchWithAClearError() throws {
        let disk = try FullDisk(bytes: 12 << 10)
        defer { disk.remove() }
        let urls = Site.names.prefix(30).map { server.siteURL($0) }
        let run = try trawl(["crawl", "-j", "1", "--concurrency", "1", "--journal", disk.directory + "/j.jsonl"] + urls)
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot write journal"), "\(run.stderr)")
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        // Every URL still has its line; the ones after the failure say why they did not run.
        let lines = run.lines
        #expect(lines.count == urls.count)
        let codes = lines.compactMap { ($0["error"] as? [String: Any])?["code"] as? String }
        #expect(codes.contains("io") || codes.contains("cancelled"))
    }
}
