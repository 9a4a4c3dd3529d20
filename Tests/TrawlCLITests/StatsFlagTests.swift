// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// `--stats` and `--stats-json` as a user runs them: numbers that add up to the batch.
@Suite struct StatsFlagTests {
    @Test func statsJSONAddsUpToTheBatchAndStatsGoToStderr() throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let dead = "http://127.0.0.1:\(TestServer.closedPort())/gone"
        let urls = [server.url("/ok/a"), server.url("/ok/b"), server.url("/fail/1/503/c"),
                    server.url("/fail/9/404/d"), dead, "http://bad host/"]
        let path = NSTemporaryDirectory() + "trawl-stats-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CLITests().trawl(["crawl", "--stats", "--stats-json", path, "--retry-base", "0.01",
                                        "--max-retries", "1", "--breaker-threshold", "0", "-j", "2"] + urls)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.lines
        #expect(lines.count == urls.count)
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(stats["results"] as? Int == urls.count)
        #expect(stats["pages"] as? Int == 4)
        #expect(stats["statuses"] as? [String: Int] == ["200": 3, "404": 1])
        #expect(stats["errors"] as? [String: Int] == ["connect": 1, "invalid_url": 1])
        // c: 503 then 200; the dead port: connect, then its retry.
        #expect(stats["retries"] as? Int == 2)
        let attempts = lines.compactMap { $0["attempts"] as? Int }
        #expect(stats["attempts"] as? Int == attempts.reduce(0, +))
        #expect(stats["bytes"] as? Int == lines.compactMap { $0["bytes"] as? Int }.reduce(0, +))
        let hosts = try #require(stats["top_hosts"] as? [[String: Any]])
        #expect(hosts.first?["host"] as? String == "127.0.0.1:\(server.port)")
        #expect(hosts.first?["results"] as? Int == 4)
        #expect(run.stderr.contains("trawl stats: 6 results, 4 pages"), "\(run.stderr)")
        #expect(run.stderr.contains("retries: 2"))
        #expect(server.times("c").count == 2)
    }

    @Test func withoutTheFlagsNothingIsPrinted() throws {
        let server = try FlakyServer()
        defer { server.stop() }
        let run = try CLITests().trawl(["crawl", server.url("/ok/a")])
        #expect(run.status == 0)
        #expect(!run.stderr.contains("trawl stats"))
    }
}
