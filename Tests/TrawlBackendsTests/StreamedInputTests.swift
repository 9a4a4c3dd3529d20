// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// A source of `items`, counting how many were read; item `blockAt` waits (up to 20 s) for
/// ``release()`` before it is given.
final class ScriptedSource: URLSource {
    private let items: [URLSourceItem]
    private let blockAt: Int?
    private let state = Mutex<(read: Int, released: Bool, timedOut: Bool)>((0, false, false))

    init(_ items: [URLSourceItem], blockAt: Int? = nil) {
        self.items = items
        self.blockAt = blockAt
    }

    var read: Int { state.withLock { $0.read } }
    var timedOut: Bool { state.withLock { $0.timedOut } }
    func release() { state.withLock { $0.released = true } }

    func next() -> URLSourceItem {
        let k = state.withLock { $0.read }
        if k == blockAt {
            let deadline = Date().addingTimeInterval(20)
            while !state.withLock({ $0.released }) {
                if Date() > deadline {
                    state.withLock { $0.timedOut = true }
                    break
                }
                usleep(5_000)
            }
        }
        return state.withLock { s in
            defer { s.read += 1 }
            return s.read < items.count ? items[s.read] : .end
        }
    }
}

/// Streamed input (issue 17 item 2): URLs are read as the batch has room for them, results
/// come out while the source is still open, and a failing source ends the input cleanly.
@Suite struct StreamedInputTests {
    let server = TestServer.shared

    func crawler(_ backend: BackendKind = .thread, concurrency: Int = 16) throws -> Crawler {
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        o.concurrency = concurrency
        return try Crawler(options: o)
    }

    @Test(arguments: [BackendKind.thread, .process])
    func resultsComeOutBeforeTheSourceEnds(_ backend: BackendKind) throws {
        let source = ScriptedSource([.url(server.url("/status/200")), .url(server.url("/empty"))], blockAt: 1)
        let batch = try crawler(backend).start(source: source)
        guard case .result(let first) = batch.next(timeout: 15) else {
            Issue.record("no result while the source was still open")
            source.release()
            return
        }
        #expect(first.index == 0)
        #expect(!source.timedOut, "the first result came only after the source gave up waiting")
        source.release()
        var rest: [CrawlResult] = []
        while case .result(let r) = batch.next(timeout: 30) { rest.append(r) }
        #expect(rest.map(\.index) == [1])
        #expect(rest.first?.error == nil)
        #expect(batch.inputError == nil)
    }

    /// The reader pauses while the batch holds a window of URLs whose results the consumer
    /// has not taken (1,024 at concurrency 16): a consumer that reads nothing for a while
    /// keeps the batch from reading the rest of a long input.
    @Test(arguments: [BackendKind.thread, .process])
    func intakeStopsAtTheWindowWhileTheConsumerWaits(_ backend: BackendKind) throws {
        let count = 5_000
        let source = ScriptedSource((0..<count).map { .url("not a url \($0)") })
        let batch = try crawler(backend).start(source: source)
        var waited = 0
        while source.read < 1_024 && waited < 400 {
            usleep(25_000)
            waited += 1
        }
        usleep(300_000)
        #expect(source.read >= 1_024)
        #expect(source.read <= 1_025, "read \(source.read) URLs ahead of a consumer that took none")
        var indexes: [Int] = []
        while case .result(let r) = batch.next(timeout: 30) {
            #expect(r.error?.code == .invalidURL)
            indexes.append(r.index)
        }
        #expect(indexes == Array(0..<count))
    }

    @Test func aFailingSourceEndsTheInputOnceAndKeepsWhatWasRead() throws {
        try Self.failingSource(crawler())
    }

    /// On `crawler`'s backend.
    static func failingSource(_ crawler: Crawler) throws {
        let server = TestServer.shared
        let urls = [server.url("/status/200"), "not a url", server.url("/empty")]
        let source = ScriptedSource(urls.map { .url($0) } + [.failed(TrawlError(.io, "disk gone")), .url(server.url("/conn"))])
        let batch = try crawler.start(source: source)
        let results = batch.results()
        #expect(results.map(\.url) == urls)
        #expect(results.map(\.index) == [0, 1, 2])
        #expect(batch.inputError?.code == .inputError)
        #expect(batch.inputError?.message == "disk gone")
        #expect(source.read == 4, "not read again after it failed")
    }

    @Test(arguments: [BackendKind.thread, .process])
    func cancellingAStreamedBatchEndsIt(_ backend: BackendKind) throws {
        let source = ScriptedSource([.url(server.url("/slow?seconds=30"))], blockAt: 1)
        let batch = try crawler(backend).start(source: source)
        usleep(200_000)
        batch.cancel()
        let results = batch.results()
        source.release()
        #expect(results.count == 1)
        #expect(results.first?.error?.code == .cancelled)
    }
}

/// The process backend streams its source too: a failure ends the input there, and what was
/// read before it has its results.
extension ProcessBackendTests {
    @Test func aFailingSourceOnTheProcessBackend() throws {
        try StreamedInputTests.failingSource(crawler())
    }
}
