// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// The `trawl` executable as a user runs it, against the loopback test server.
@Suite struct CLITests {
    let server = TestServer.shared

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }
    }

    func trawl(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        p.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
        p.arguments = args
        // stderr goes to a file so that only one pipe needs draining while the child runs.
        let errPath = NSTemporaryDirectory() + "trawl-cli-err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let out = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = errHandle
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try errHandle.close()
        let e = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    func tempFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "trawl-cli-\(UUID().uuidString).txt"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func crawlsTheWholeSiteFromAFileInInputOrder() throws {
        let urls = Site.names.map { server.siteURL($0) }
        let list = try tempFile("# the demo site\n\n" + urls.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: list) }
        let run = try trawl(["crawl", "-j", "2", list])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.lines
        #expect(lines.count == urls.count)
        #expect(lines.compactMap { $0["url"] as? String } == urls)
        for line in lines {
            #expect(line["status"] as? Int == 200)
            #expect(line["error"] is NSNull)
            let page = try #require(Site.page(String((line["url"] as? String ?? "").split(separator: "/").last ?? "")))
            #expect(line["charset"] as? String == page.charset, "\(page.name)")
            let m = try #require(line["matches"] as? [String: Any])
            #expect(m["button"] is [String] && m["link"] is [String])
            for key in ["final_url", "content_type", "charset", "bytes", "elapsed_ms"] {
                #expect(line[key] != nil, "\(key)")
            }
        }
    }

    /// Output goes through a large buffer, yet a reader of the stream gets each result while
    /// the crawl is still running: here the first line arrives while a slow second URL keeps
    /// the process alive for seconds.
    @Test func resultsReachAPipeWhileTheCrawlRuns() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
        p.arguments = ["crawl", server.siteURL("001.html"), server.url("/slow?seconds=5")]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first.append(chunk)
        }
        // Flushed only at the end, the line would arrive as the process exits; on time, the
        // slow URL still holds the process for seconds after it.
        Thread.sleep(forTimeInterval: 1)
        let stillRunning = p.isRunning
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(stillRunning, "the first result was held back until the crawl ended")
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("{\"url\":\"\(server.siteURL(""))"))
        #expect(String(decoding: first + rest, as: UTF8.self).split(separator: "\n").count == 2)
        #expect(p.terminationStatus == 0)
    }

    /// Standard input is read as the batch needs it: a result is printed while standard
    /// input is still open (before, nothing was crawled until it closed).
    @Test func resultsArriveBeforeStandardInputCloses() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
        p.arguments = ["crawl", "-j", "1", "-"]
        let out = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = inp
        try p.run()
        inp.fileHandleForWriting.write(Data((server.url("/status/200") + "\n").utf8))
        // Without streaming the line below never comes while stdin is open: close it after
        // 20 s so that such a failure ends, and say so.
        let closedByWatchdog = ManagedFlag()
        let writer = inp.fileHandleForWriting
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) {
            if closedByWatchdog.set() { try? writer.close() }
        }
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first.append(chunk)
        }
        let beforeClose = closedByWatchdog.set()
        #expect(beforeClose, "the first result came only once standard input closed")
        if beforeClose {
            writer.write(Data((server.url("/empty") + "\n").utf8))
            try writer.close()
        }
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let lines = String(decoding: first + rest, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == (beforeClose ? 2 : 1))
        #expect(lines.first?.contains("/status/200") == true)
    }

    /// A list that fails while it is read (a directory: getline fails with EISDIR) ends the
    /// input: the URLs before it get their results, the error is one line, exit status 1.
    @Test func aReadErrorEndsTheInputAfterTheResultsBeforeIt() throws {
        let run = try trawl(["crawl", server.url("/status/200"), NSTemporaryDirectory(), server.url("/empty")])
        #expect(run.status == 1)
        #expect(run.lines.count == 1)
        #expect(run.lines.first?["url"] as? String == server.url("/status/200"))
        #expect(run.stderr.contains("error reading \(NSTemporaryDirectory())"), "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "error reading").count == 2, "reported once")
    }

    @Test func everyInputLineGetsAResultEvenWhenInvalid() throws {
        let good = server.siteURL("001.html")
        let run = try trawl(["crawl", "-"], stdin: "\(good)\n  # comment\nnot-a-url\n\nfile:///etc/passwd\n")
        #expect(run.status == 0)
        let lines = run.lines
        #expect(lines.count == 3)
        #expect((lines[1]["error"] as? [String: Any])?["code"] as? String == "invalid_url")
        #expect((lines[2]["error"] as? [String: Any])?["code"] as? String == "unsupported_protocol")
        #expect(lines[1]["status"] is NSNull)
    }

    @Test func aLeadingByteOrderMarkIsSkippedInFilesAndStandardInput() throws {
        let good = server.siteURL("001.html")
        // Windows Notepad's UTF-8: a BOM before the first line, CRLF line ends.
        let text = "\u{FEFF}\(good)\r\n\(good)?second\r\n"
        let list = try tempFile(text)
        defer { try? FileManager.default.removeItem(atPath: list) }
        for run in [try trawl(["crawl", list]), try trawl(["crawl", "-"], stdin: text)] {
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.lines
            #expect(lines.count == 2)
            #expect(lines.first?["url"] as? String == good)
            #expect(lines.first?["error"] is NSNull, "\(lines.first ?? [:])")
            #expect(lines.first?["status"] as? Int == 200)
        }
        // Only a leading one: a BOM inside a line is part of that input.
        let run = try trawl(["crawl", "-"], stdin: "\(good)\n\u{FEFF}\(good)\n")
        #expect((run.lines.last?["error"] as? [String: Any])?["code"] as? String == "invalid_url")
    }

    @Test func jsonFormatPatternsWithFlagsAndOutputFile() throws {
        let out = NSTemporaryDirectory() + "trawl-cli-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try trawl(["crawl", "--format", "json", "--output", out, "--no-default-patterns",
                             "--pattern", "title/is=<TITLE>(.*?)</title>",
                             server.siteURL("001.html"), server.url("/status/404")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 2)
        let m = try #require(array[0]["matches"] as? [String: Any])
        #expect(Array(m.keys) == ["title"])
        #expect((m["title"] as? [String])?.count == 1)
        #expect(array[1]["status"] as? Int == 404)
    }

    @Test func badArgumentsExitNonZeroWithAClearMessage() throws {
        let badRegex = try trawl(["crawl", "--pattern", "x=a(b", server.url("/")])
        #expect(badRegex.status != 0)
        #expect(badRegex.stderr.contains("offset"), "\(badRegex.stderr)")
        #expect(badRegex.stdout.isEmpty)

        let missing = try trawl(["crawl", "/nonexistent/urls.txt"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/urls.txt"))

        let timeout = try trawl(["crawl", "--timeout", "-1", server.url("/")])
        #expect(timeout.status != 0)
        #expect(timeout.stderr.contains("timeout"))

        let format = try trawl(["crawl", "--format", "xml", server.url("/")])
        #expect(format.status != 0)

        let worker = try trawl(["worker"])
        #expect(worker.status != 0)
        #expect(worker.stderr.contains("--redis") && worker.stderr.contains("--pipe"), "\(worker.stderr)")
        let both = try trawl(["worker", "--pipe", "--redis", "redis://127.0.0.1:1"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("not both"), "\(both.stderr)")
        let badTimeout = try trawl(["worker", "--redis", "redis://127.0.0.1:1", "--redis-timeout", "0"])
        #expect(badTimeout.status != 0)
        #expect(badTimeout.stderr.contains("--redis-timeout"), "\(badTimeout.stderr)")

        let backend = try trawl(["crawl", "--backend", "gpu", server.url("/")])
        #expect(backend.status != 0)
        #expect(backend.stderr.contains("backend"))
    }

    @Test func verboseWritesJoblibLinesToStderr() throws {
        let urls = Site.names.prefix(10).map { server.siteURL($0) }
        let run = try trawl(["crawl", "-v", "10", "-j", "1"] + urls)
        #expect(run.status == 0)
        #expect(run.lines.count == 10)
        #expect(run.stderr.contains("[trawl(n_jobs=1)]: Done  10 out of  10"), "\(run.stderr)")
        let quiet = try trawl(["crawl", "-v", "10", "--quiet"] + urls)
        #expect(!quiet.stderr.contains("Done"))
    }

    @Test func completedOrderAndExtractSubcommand() throws {
        let urls = Site.names.prefix(12).map { server.siteURL($0) }
        let run = try trawl(["crawl", "--order", "completed"] + urls)
        #expect(Set(run.lines.compactMap { $0["url"] as? String }) == Set(urls))
        #expect(run.lines.count == urls.count)

        let file = Site.path(Site.names[0])
        let ex = try trawl(["extract", "--stats", file])
        #expect(ex.status == 0)
        #expect(ex.lines.count == 1)
        #expect(ex.stderr.contains("MB/s"))
        // The same page crawled and extracted offline gives the same matches.
        let crawled = try trawl(["crawl", urls[0]]).lines[0]["matches"] as? [String: [String]]
        #expect(ex.lines[0]["matches"] as? [String: [String]] == crawled)
    }

    /// `--pattern NAME=REGEX` splits at the first `=` even when the regex starts with a
    /// combining mark (a Character split would glue `=` and the mark together).
    @Test func patternSplitsOnScalars() throws {
        let file = try tempFile("e\u{301}x = \u{301}y")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try trawl(["extract", "--no-default-patterns", "--pattern", "p=\u{301}[xy]", "--pattern", "q=a=b", file])
        #expect(run.status == 0, "\(run.stderr)")
        let matches = run.lines.first?["matches"] as? [String: [String]]
        #expect(matches?["p"] == ["\u{301}x", "\u{301}y"])
        #expect(matches?["q"] == [])
    }

    /// `trawl extract` decodes a file as `trawl crawl` decodes the same bytes served without a
    /// charset: BOM, then `<meta>`, else UTF-8; `--charset` as if served with one.
    @Test func extractDecodesLikeACrawl() throws {
        func write(_ bytes: [UInt8]) throws -> String {
            let path = NSTemporaryDirectory() + "trawl-cli-\(UUID().uuidString).html"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let bom = try write([0xEF, 0xBB, 0xBF] + Array("<a href='x'>".utf8))
        let utf16 = try write([0xFF, 0xFE] + Array("<a href='é'>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let meta = try write(Array("<meta charset=windows-1252><a href='".utf8) + [0xE9] + Array("'>".utf8))
        let plain = try write(Array("<a href='".utf8) + [0xE9] + Array("'>".utf8))
        defer { for f in [bom, utf16, meta, plain] { try? FileManager.default.removeItem(atPath: f) } }
        let run = try trawl(["extract", "--no-default-patterns", "--pattern", "p=^.", "--pattern", "h=href='(.*?)'",
                             bom, utf16, meta, plain])
        #expect(run.status == 0, "\(run.stderr)")
        let m = run.lines.map { $0["matches"] as? [String: [String]] }
        #expect(m.count == 4)
        guard m.count == 4 else { return }
        #expect(m[0]?["p"] == ["<"])          // the BOM is not text
        #expect(m[1]?["h"] == ["é"])          // UTF-16 by its BOM
        #expect(m[2]?["h"] == ["é"])          // windows-1252 by <meta>
        #expect(m[3]?["h"] == ["\u{FFFD}"])   // else UTF-8, invalid bytes replaced
        let latin = try trawl(["extract", "--no-default-patterns", "--charset", "windows-1252", "--pattern", "h=href='(.*?)'", plain])
        #expect((latin.lines.first?["matches"] as? [String: [String]])?["h"] == ["é"])
        let bad = try trawl(["extract", "--decode", "nope", plain])
        #expect(bad.status != 0)
    }

    @Test func processBackendGivesTheSameLinesAsTheThreadBackend() throws {
        let urls = Site.names.prefix(25).map { server.siteURL($0) } + ["bogus://x"]
        let threads = try trawl(["crawl", "-j", "2"] + urls)
        let processes = try trawl(["crawl", "-j", "2", "--backend", "process"] + urls)
        #expect(processes.status == 0, "\(processes.stderr)")
        func strip(_ lines: [[String: Any]]) -> [String] {
            lines.map { l in
                var l = l
                l["elapsed_ms"] = nil
                let data = try? JSONSerialization.data(withJSONObject: l, options: [.sortedKeys])
                return String(decoding: data ?? Data(), as: UTF8.self)
            }
        }
        #expect(processes.lines.count == urls.count)
        #expect(strip(processes.lines) == strip(threads.lines))
    }

    @Test func aMissingWorkerExecutableIsAClearError() throws {
        let run = try trawl(["crawl", "--backend", "process", server.siteURL("001.html")],
                            environment: ["TRAWL_WORKER": "/nonexistent/trawl"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("TRAWL_WORKER"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func versionAndHelp() throws {
        let v = try trawl(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.hasPrefix("0."))
        let h = try trawl(["crawl", "--help"])
        #expect(h.stdout.contains("--pattern"))
    }
}

/// Set once, by whichever caller comes first.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    /// Sets the flag; returns whether this call set it (false when it was set before).
    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        defer { isSet = true }
        return !isSet
    }
}
