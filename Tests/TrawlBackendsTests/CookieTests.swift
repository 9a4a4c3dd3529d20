// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// URLs given in phases: a phase starts once every URL of the phases before it has its
/// result, so a phase's requests start after the earlier phases' responses set their cookies.
final class PhasedSource: URLSource {
    private let phases: [[String]]
    private let state = Mutex<(phase: Int, item: Int, given: Int, done: Int)>((0, 0, 0, 0))

    init(_ phases: [[String]]) { self.phases = phases }

    /// Called with the batch's progress: how many results it has.
    func delivered(_ done: Int) { state.withLock { $0.done = max($0.done, done) } }

    func next() -> URLSourceItem {
        while true {
            let item: URLSourceItem? = state.withLock { s in
                guard s.phase < phases.count else { return .end }
                if s.item < phases[s.phase].count {
                    defer { s.item += 1; s.given += 1 }
                    return .url(phases[s.phase][s.item])
                }
                guard s.done >= s.given else { return nil }
                s.phase += 1
                s.item = 0
                return s.phase < phases.count ? nil : .end
            }
            if let item { return item }
            usleep(2_000)
        }
    }

    /// Every URL in phase order, as the batch's results are indexed.
    var urls: [String] { phases.flatMap { $0 } }
}

/// Issue 14 item 7 against the loopback test server: the batch's jar (`cookies`,
/// `cookie_file`) shared by every lane, libcurl's cookie rules applied to it, the file.
@Suite struct CookieTests {
    static let port = TestServer.shared.port
    static let http = "http://127.0.0.1:\(port)"

    /// `/headers` answers the request's headers as JSON: this pattern takes the Cookie one.
    static func options(jobs: Int = 4) throws -> CrawlOptions {
        var o = CrawlOptions()
        o.jobs = jobs
        o.concurrency = jobs
        o.timeout = 10
        o.maxRetries = 0
        o.patterns = [PatternSpec(name: "cookie", source: #""cookie": "([^"]*)""#)]
        for host in ["a.test", "sub.a.test", "b.test"] {
            try o.set("resolve", .string("\(host):\(port):127.0.0.1"))
        }
        return o
    }

    /// Runs the phases in one batch; each URL's Cookie header as a set of `name=value`.
    static func crawl(_ phases: [[String]], _ o: CrawlOptions) throws -> [Set<String>] {
        let source = PhasedSource(phases)
        let batch = try Crawler(options: o).start(source: source) { source.delivered($0.done) }
        let results = batch.results()
        #expect(results.count == source.urls.count)
        var sent = [Set<String>](repeating: [], count: results.count)
        for r in results {
            #expect(r.error == nil && r.status == 200, "\(r.url): \(String(describing: r.error))")
            let header = r[pattern: "cookie"]?.strings.first ?? ""
            sent[r.index] = Set(header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
                .subtracting([""])
        }
        return sent
    }

    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }

    static func setting(_ base: String, _ raw: String...) -> String {
        base + "/set-cookie?" + raw.map { "raw=" + encoded($0) }.joined(separator: "&")
    }

    static func temporaryFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "trawl-cookie-\(UUID().uuidString).txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aCookieOneResponseSetsIsSentByTheLaterRequestsOfEveryLane() throws {
        var o = try Self.options()
        o.cookies = true
        let reads = (0..<16).map { "\(Self.http)/headers/\($0)" }
        let sent = try Self.crawl([["\(Self.http)/set-cookie?shared=yes&other=2"], reads], o)
        // 16 requests on 4 lanes at once: a jar per lane would leave most of them without.
        for (i, cookies) in sent.enumerated().dropFirst() {
            #expect(cookies == ["shared=yes", "other=2"], "request \(i)")
        }
    }

    @Test func withoutTheOptionNoCookieIsKeptOrSent() throws {
        let o = try Self.options()
        let sent = try Self.crawl([["\(Self.http)/set-cookie?shared=yes"], ["\(Self.http)/headers", "\(Self.http)/headers"]], o)
        #expect(sent == [[], [], []])
    }

    @Test func domainPathSecureAndExpiryFollowLibcurlsRules() throws {
        var o = try Self.options(jobs: 2)
        let httpsPort = try #require(TestServer.shared.httpsPort)
        // The certificate names 127.0.0.1, which libcurl counts as a secure context even over
        // http: Secure is tested on a.test, over https without verification.
        try o.set("resolve", .string("a.test:\(httpsPort):127.0.0.1"))
        o.verifyTLS = false
        let file = try Self.temporaryFile("a.test\tFALSE\t/\tTRUE\t0\tsec\t1\n")
        defer { unlink(file) }
        try o.set("cookie_file", .string(file))
        let a = "http://a.test:\(Self.port)"
        let sent = try Self.crawl([
            [Self.setting("http://sub.a.test:\(Self.port)", "dom=1; Domain=a.test", "foreign=1; Domain=b.test", "host=1"),
             Self.setting(Self.http, "deep=1; Path=/headers/deep", "gone=1; Path=/", "short=1; Path=/; Max-Age=1000",
                          "past=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:10 GMT"),
             Self.setting(a, "insecure=1; Secure; Path=/")],
            ["\(Self.http)/set-cookie?expire=gone"],
            ["\(a)/headers", "http://sub.a.test:\(Self.port)/headers", "http://b.test:\(Self.port)/headers",
             "\(Self.http)/headers/deep/x", "\(Self.http)/headers/other", "https://a.test:\(httpsPort)/headers"],
        ], o)
        // Domain: a Domain cookie reaches the parent and its subdomains, a host-only cookie
        // its host alone, a Domain of another site is refused, and nothing reaches b.test.
        // Secure: not sent over http, sent over https, and not taken from an http response.
        #expect(sent[4] == ["dom=1"])
        #expect(sent[5] == ["dom=1", "host=1"])
        #expect(sent[6] == [])
        #expect(sent[9] == ["dom=1", "sec=1"])
        // Path, and expiry: Max-Age=0 deletes, a past Expires is never stored.
        #expect(sent[7] == ["deep=1", "short=1"])
        #expect(sent[8] == ["short=1"])
    }

    @Test func cookieFileIsLoadedAndSavedWithTheBatchsCookies() throws {
        let loaded = "127.0.0.1\tFALSE\t/\tFALSE\t0\tloaded\tyes"
        let persistent = "127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tkept\tlong"
        let file = try Self.temporaryFile("""
            # Netscape HTTP Cookie File
            \(loaded)
            \(persistent)
            127.0.0.1\tFALSE\t/\tFALSE\t1000\texpired\tno
            not a cookie line
            b.test\tFALSE\t/\tFALSE\t0\tforeign\tno

            """)
        defer { unlink(file) }
        var o = try Self.options(jobs: 2)
        try o.set("cookie_file", .string(file))
        #expect(o.usesCookies && !o.cookies)
        // Two phases: in one, the response that sets `made` could come back before the request
        // that shows the loaded cookies is sent (CI saw it).
        let sent = try Self.crawl([["\(Self.http)/headers"], ["\(Self.http)/set-cookie?made=here&expire=loaded"]], o)
        #expect(sent[0] == ["loaded=yes", "kept=long"])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("# ") }
        #expect(lines.sorted() == ["127.0.0.1\tFALSE\t/\tFALSE\t0\tmade\there", persistent,
                                   "b.test\tFALSE\t/\tFALSE\t0\tforeign\tno"].sorted(), "\(text)")
        // The next batch starts from the saved file.
        let again = try Self.crawl([["\(Self.http)/headers"]], o)
        #expect(again[0] == ["made=here", "kept=long"])
    }

    @Test func aMissingCookieFileIsCreated() throws {
        let file = NSTemporaryDirectory() + "trawl-cookie-\(UUID().uuidString).txt"
        defer { unlink(file) }
        var o = try Self.options(jobs: 1)
        try o.set("cookie_file", .string(file))
        _ = try Self.crawl([["\(Self.http)/set-cookie?first=1"]], o)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasSuffix("\n127.0.0.1\tFALSE\t/\tFALSE\t0\tfirst\t1\n"), "\(text)")
    }

    @Test(arguments: [BackendKind.thread, .process])
    func aBinaryCookieFileFailsTheStartNamingIt(_ backend: BackendKind) throws {
        let file = NSTemporaryDirectory() + "trawl-cookie-\(UUID().uuidString).bin"
        #expect(FileManager.default.createFile(atPath: file, contents: Data([0x7F, 0x45, 0x4C, 0x46, 0, 1])))
        defer { unlink(file) }
        var o = try Self.options(jobs: 1)
        o.backend = backend
        try o.set("cookie_file", .string(file))
        let crawler = try Crawler(options: o)
        do {
            _ = try crawler.start(["\(Self.http)/headers"])
            Issue.record("the batch started")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message == "cookie_file: \(file) is not a Netscape cookie file (binary data)")
        }
    }
}
