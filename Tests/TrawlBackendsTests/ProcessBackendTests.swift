// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// The process backend with real `trawl-cli worker --pipe` processes from the build products.
///
/// Serialized: the tests count and kill worker processes of this test process.
@Suite(.serialized) struct ProcessBackendTests {
    let server = TestServer.shared

    /// Debug builds of the worker abort on a URL containing this marker. Set once, before
    /// the first worker of this test process starts, so every pooled worker inherits it.
    static let crashMarker: String = {
        setenv("TRAWL_TEST_CRASH_MARKER", "trawl-crash-here", 1)
        return "trawl-crash-here"
    }()

    func crawler(_ configure: (inout CrawlOptions) -> Void = { _ in }) throws -> Crawler {
        _ = Self.crashMarker
        var o = CrawlOptions()
        o.backend = .process
        o.jobs = 2
        o.concurrency = 16
        configure(&o)
        return try Crawler(options: o)
    }

    /// Live children of this process that are trawl workers.
    func workerChildren() -> Set<Int32> {
        let me = getpid()
        var pids: Set<Int32> = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", Int32(fields[1]) == me else { continue }
            if stat.contains("(trawl") { pids.insert(pid) }
        }
        return pids
    }

    @Test func sameResultsAsTheThreadBackendOnTheSite() throws {
        let urls = Site.names.map { server.siteURL($0) } + ["nope", server.url("/status/404")]
        let viaProcesses = try crawler().crawl(urls)
        var o = CrawlOptions()
        o.jobs = 2
        let viaThreads = try Crawler(options: o).crawl(urls)
        #expect(viaProcesses.count == urls.count)
        for (p, t) in zip(viaProcesses, viaThreads) {
            #expect(p.index == t.index && p.url == t.url)
            #expect(p.status == t.status && p.bytes == t.bytes && p.charset == t.charset)
            #expect(p.error?.code == t.error?.code)
            #expect(p.matches == t.matches, "\(p.url)")
        }
    }

    @Test func aKilledWorkerLosesNothing() throws {
        let n = 2000
        let urls = (0..<n).map { server.siteURL(Site.names[$0 % 20]) }
        let batch = try crawler().start(urls)
        var seen: [Int: Int] = [:]
        var killed: Int32? = nil
        while case .result(let r) = batch.next(timeout: 120) {
            seen[r.index, default: 0] += 1
            #expect(r.error == nil, "\(r.index): \(String(describing: r.error))")
            if killed == nil && seen.count >= 200, let victim = workerChildren().sorted().first {
                kill(victim, SIGKILL)
                killed = victim
            }
        }
        batch.wait()
        #expect(killed != nil, "a worker was killed mid-batch")
        #expect(seen.count == n)
        #expect(seen.values.allSatisfy { $0 == 1 }, "exactly one result per URL")
    }

    @Test func aURLThatCrashesWorkersEndsAsWorkerCrashed() throws {
        let bad = server.url("/site/001.html?\(Self.crashMarker)")
        let urls = Site.names.prefix(30).map { server.siteURL($0) } + [bad]
            + Site.names.prefix(30).map { server.siteURL($0) }
        // Idle pooled workers that other suites started before the marker was set do not
        // carry it; a memory limit no other test uses gets workers spawned after it was. Under a
        // sanitizer, one beyond the 128 TiB address space: RLIMIT_AS cannot hold the shadow
        // memory, and a 3 GiB limit made every worker fail to start (ASan: out of memory).
        let limit = Sanitizers.active == nil ? 3 << 30 : 1 << 47
        let results = try crawler { $0.workerMemoryLimit = limit }.crawl(urls)
        #expect(results.count == urls.count)
        let crashed = results.filter { $0.error?.code == .workerCrashed }
        #expect(crashed.map(\.url) == [bad], "only the guilty URL is blamed")
        let message = crashed.first?.error?.message ?? ""
        #expect(message.contains("signal 6"), "\(message)")
        #expect(results.filter { $0.url != bad }.allSatisfy { $0.error == nil })
    }

    @Test func aURLHeldPastTheTaskTimeoutGetsItsWorkerKilled() throws {
        let c = try crawler { o in
            o.timeout = 60
            o.taskTimeout = 1
        }
        let hung = server.url("/slow?seconds=20")
        let urls = Site.names.prefix(10).map { server.siteURL($0) } + [hung]
        let results = try c.crawl(urls)
        #expect(results.count == urls.count)
        let last = try #require(results.last)
        #expect(last.error?.code == .workerCrashed)
        #expect(last.error?.message.contains("task timeout") == true, "\(String(describing: last.error))")
        #expect(results.dropLast().allSatisfy { $0.error == nil })
    }

    /// Not under a sanitizer: AddressSanitizer and ThreadSanitizer reserve terabytes of shadow
    /// address space at start, so any address-space limit stops the worker before it runs.
    @Test(.disabled(if: Sanitizers.active == "address" || Sanitizers.active == "thread",
                    "worker_memory_limit (RLIMIT_AS) cannot coexist with a sanitizer's shadow memory"))
    func aWorkerOverItsMemoryLimitCrashesAloneAndTheBatchGoesOn() throws {
        let c = try crawler { o in
            o.workerMemoryLimit = 512 << 20
            o.maxBytes = Int(Int32.max)
        }
        let huge = server.url("/big?bytes=900000000")
        let urls = [server.siteURL(Site.names[0]), huge, server.siteURL(Site.names[1])]
        let results = try c.crawl(urls)
        #expect(results.map(\.url) == urls)
        #expect(results[1].error?.code == .workerCrashed, "\(String(describing: results[1].error))")
        #expect(results[0].error == nil && results[2].error == nil)
    }

    @Test func workersInheritNoOtherDescriptors() throws {
        // A pipe without close-on-exec, as Foundation's Pipe and many C programs make them.
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        WorkerPool.shutdown()  // fresh workers are spawned while the pipe is open
        _ = try crawler().crawl([server.siteURL(Site.names[0])])
        #expect(!WorkerPool.idlePIDs.isEmpty)
        close(fds[1])
        // With our write end closed, EOF comes at once unless a worker kept a copy of it.
        var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, 5_000)
        var byte: UInt8 = 0
        // Read only when poll said so: with a leaked write end, read would wait forever.
        let n = ready == 1 ? read(fds[0], &byte, 1) : -1
        close(fds[0])
        #expect(ready == 1 && n == 0, "end of file: no worker holds the pipe's write end")
    }

    @Test func cancelEndsTheBatchAndShutdownLeavesNoProcess() throws {
        let c = try crawler { o in
            o.concurrency = 4
            o.timeout = 60
        }
        let urls = (0..<20).map { _ in server.url("/slow?seconds=30") }
        let batch = try c.start(urls)
        Thread.sleep(forTimeInterval: 0.5)
        batch.cancel()
        var results: [CrawlResult] = []
        while case .result(let r) = batch.next(timeout: 30) { results.append(r) }
        batch.wait()
        #expect(results.count == urls.count)
        #expect(results.allSatisfy { $0.error?.code == .cancelled })

        // Workers are pooled between batches; shutting the pool down ends them all.
        _ = try crawler().crawl([server.siteURL(Site.names[0])])
        let pooled = WorkerPool.idlePIDs
        #expect(!pooled.isEmpty)
        WorkerPool.shutdown()
        #expect(WorkerPool.idlePIDs.isEmpty)
        let alive = workerChildren()
        #expect(alive.isDisjoint(with: pooled), "no pooled worker outlives shutdown")
        for pid in pooled { #expect(kill(pid, 0) != 0, "process \(pid) is gone") }
    }

    /// Fetch and extract options reach the worker process, as the loopback server sees them:
    /// user agent, extra headers, the body limit, redirects and the patterns.
    @Test func fetchAndExtractOptionsReachTheWorker() throws {
        let c = try crawler { o in
            o.userAgent = "ua-for-the-worker"
            o.headers = ["X-From-Host: 1"]
            o.maxRedirects = 0
            o.useDefaultPatterns = false
            o.patterns = [PatternSpec(name: "sent", source: #""(user-agent|x-from-host)": "([^"]*)""#)]
        }
        let results = try c.crawl([server.url("/headers"), server.url("/redirect/1")])
        let sent = try #require(results.first?[pattern: "sent"])
        #expect(sent.matches == [["user-agent", "ua-for-the-worker"], ["x-from-host", "1"]], "\(sent.matches)")
        #expect(results.last?.error?.code == .tooManyRedirects)
        let small = try crawler { $0.maxBytes = 10 }.crawl([server.url("/headers")])
        #expect(small.first?.error?.code == .tooLarge)
    }

    /// Each worker loads `cookie_file` into a jar of its own, and does not write the file
    /// back (docs/real-web.md): the cookie it holds reaches the server, the file is unchanged.
    @Test func workersLoadTheCookieFile() throws {
        let file = NSTemporaryDirectory() + "trawl-cookie-\(UUID().uuidString).txt"
        let text = "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom\tfile\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { unlink(file) }
        let c = try crawler { o in
            try? o.set("cookie_file", .string(file))
            o.useDefaultPatterns = false
            o.patterns = [PatternSpec(name: "cookie", source: #""cookie": "([^"]*)""#)]
        }
        let results = try c.crawl((0..<6).map { server.url("/set-cookie?n\($0)=1&ignored=\($0)") }
                                  + (0..<6).map { server.url("/headers/\($0)") })
        for r in results.suffix(6) {
            #expect(r[pattern: "cookie"]?.strings.first?.contains("from=file") == true, "\(r.url)")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
    }
}
