// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// `--cookies` and `--cookie-file` from the command line: the file is read and written, a
/// bad file stops the run before any request with a message naming it.
@Suite struct CookieFlagsTests {
    let cli = CLITests()
    let server = TestServer.shared

    @Test func cookieFileRoundTripsThroughTwoRuns() throws {
        let file = NSTemporaryDirectory() + "trawl-cli-cookies-\(UUID().uuidString).txt"
        defer { unlink(file) }
        let first = try cli.trawl(["crawl", "-j", "1", "--cookie-file", file, server.url("/set-cookie?cli=yes")])
        #expect(first.status == 0, "\(first.stderr)")
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        #expect(saved.hasSuffix("\n127.0.0.1\tFALSE\t/\tFALSE\t0\tcli\tyes\n"), "\(saved)")
        let second = try cli.trawl(["crawl", "-j", "1", "--cookie-file", file, "--no-default-patterns",
                                    "--pattern", #"cookie="cookie": "([^"]*)""#, server.url("/headers")])
        #expect(second.status == 0, "\(second.stderr)")
        let matches = second.lines.first?["matches"] as? [String: Any]
        #expect(matches?["cookie"] as? [String] == ["cli=yes"], "\(second.stdout)")
        // Without either flag nothing is kept.
        let plain = try cli.trawl(["crawl", "--no-default-patterns", "--pattern", #"cookie="cookie": "([^"]*)""#,
                                   server.url("/headers")])
        #expect((plain.lines.first?["matches"] as? [String: Any])?["cookie"] as? [String] == [])
    }

    @Test func aBinaryCookieFileIsAnErrorNamingIt() throws {
        let file = NSTemporaryDirectory() + "trawl-cli-cookies-\(UUID().uuidString).bin"
        #expect(FileManager.default.createFile(atPath: file, contents: Data([1, 0, 2])))
        defer { unlink(file) }
        let run = try cli.trawl(["crawl", "--cookies", "--cookie-file", file, server.url("/headers")])
        #expect(run.status != 0)
        #expect(run.stderr.contains("cookie_file: \(file) is not a Netscape cookie file"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
