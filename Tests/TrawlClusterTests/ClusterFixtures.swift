// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// Real `trawl-cli worker --redis` processes from the build products directory. Every
/// worker is ended (SIGTERM, then SIGKILL) when the object goes away.
///
/// `@unchecked Sendable`: the process list is only touched by the owning test.
final class Workers: @unchecked Sendable {
    private(set) var processes: [Process] = []
    let logDirectory = NSTemporaryDirectory() + "trawl-workers-\(UUID().uuidString)"
    let redisURL: String

    private let firstNumber: Int

    /// Starts `count` workers named `w<first>`, `w<first+1>`, ...
    init(_ count: Int, redis: String, first: Int = 0, extra: [String] = []) throws {
        redisURL = redis
        firstNumber = first
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        for _ in 0..<count { try add(extra: extra) }
    }

    deinit {
        stopAll()
        try? FileManager.default.removeItem(atPath: logDirectory)
    }

    /// Ends every worker: SIGTERM, then SIGKILL after 5 s. The logs stay readable.
    func stopAll() {
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(5)
        for p in processes {
            while p.isRunning && Date() < deadline { usleep(10_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
    }

    /// Starts one more worker and returns its position.
    /// - Parameters:
    ///   - redis: the Redis of `init` under another address, as the worker's network
    ///     namespace sees it.
    ///   - launcher: a command the worker runs under, e.g. `ip netns exec NS` (which execs
    ///     it, so the process id is still the worker's).
    @discardableResult
    func add(extra: [String] = [], redis: String? = nil, launcher: [String] = []) throws -> Int {
        let n = processes.count
        let number = firstNumber + n
        let p = Process()
        let worker = ["worker", "--redis", redis ?? redisURL, "--name", "w\(number)", "-j", "1", "--concurrency", "16",
                      "--redis-timeout", "2"] + extra
        if let command = launcher.first {
            p.executableURL = URL(fileURLWithPath: command)
            p.arguments = Array(launcher.dropFirst()) + [Products.path("trawl-cli")] + worker
        } else {
            p.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
            p.arguments = worker
        }
        let log = logDirectory + "/w\(n).log"  // by position, not by name
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        processes.append(p)
        return n
    }

    /// SIGKILL: the worker vanishes with whatever it holds.
    func kill9(_ i: Int) {
        kill(processes[i].processIdentifier, SIGKILL)
        processes[i].waitUntilExit()
    }

    func isRunning(_ i: Int) -> Bool { processes[i].isRunning }

    func log(_ i: Int) -> String {
        (try? String(contentsOfFile: logDirectory + "/w\(i).log", encoding: .utf8)) ?? ""
    }
}

enum ClusterFixture {
    static func options(_ redis: String, _ configure: (inout CrawlOptions) -> Void = { _ in }) -> CrawlOptions {
        var o = CrawlOptions()
        o.backend = .cluster
        o.redisURL = redis
        o.redisTimeout = 3
        o.visibilityTimeout = 2
        // These tests load the cluster with repeated pages: each URL must be a task of its own.
        o.dedupe = false
        configure(&o)
        return o
    }

    /// Results without their timings, which differ from run to run.
    static func comparable(_ r: CrawlResult) -> CrawlResult {
        var c = r
        c.elapsed = 0
        c.timing = .init()  // per-stage seconds vary run to run like elapsed
        return c
    }

    /// A `trawl-cli crawl --backend cluster` submitter of `urls` (from a list file) under
    /// `batchID`, running in the background with its output discarded, to be killed by the test.
    static func submitter(_ urls: [String], redis: String, batchID: String) throws -> (process: Process, list: String) {
        let list = NSTemporaryDirectory() + "trawl-submitter-\(UUID().uuidString).txt"
        try urls.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let cli = Process()
        cli.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
        cli.arguments = ["crawl", "--backend", "cluster", "--redis", redis, "--batch-id", batchID, "--no-dedupe", list]
        cli.standardOutput = FileHandle.nullDevice
        cli.standardError = FileHandle.nullDevice
        try cli.run()
        return (cli, list)
    }

    /// Collects every result of `batch`, failing the wait after `timeout` seconds of silence.
    static func drain(_ batch: Batch, timeout: Double = 60) -> [CrawlResult] {
        var out: [CrawlResult] = []
        while case .result(let r) = batch.next(timeout: timeout) { out.append(r) }
        batch.wait()
        return out
    }
}

/// A list as a streamed input (``Crawler/start(source:onProgress:)``), counting the URLs read.
final class CountingSource: URLSource, Sendable {
    let urls: [String]
    let read = Atomic<Int>(0)
    init(_ urls: [String]) { self.urls = urls }
    func next() -> URLSourceItem {
        let i = read.add(1, ordering: .relaxed).newValue - 1
        return i < urls.count ? .url(urls[i]) : .end
    }
}
