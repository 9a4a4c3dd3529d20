// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// Issue 14's safety options hold on every in-machine backend: the thread backend's lanes and
/// the process backend's workers (which get the options over the wire) apply the same
/// connect-time guard and host overrides.
@Suite struct RealWebSafetyTests {
    @Test(arguments: [BackendKind.thread, .process])
    func guardAndResolveHoldOnEveryBackend(_ backend: BackendKind) throws {
        let canary = try CanaryServer()
        defer { canary.stop() }
        let port = TestServer.shared.port
        var o = CrawlOptions()
        o.backend = backend
        o.jobs = 2
        o.timeout = 10
        try o.set("block_private_addresses", .int(1))
        try o.set("resolve", .string("site.test:\(port):127.0.0.1"))
        try o.set("resolve", .string("evil.test:\(canary.port):127.0.0.1"))
        try o.set("allow_hosts", .string("site.test"))
        let results = try Crawler(options: o).crawl([
            "http://127.1:\(canary.port)/", "http://evil.test:\(canary.port)/", "http://site.test:\(port)/empty",
        ])
        #expect(results[0].error?.code == .blockedAddress, "\(String(describing: results[0].error))")
        #expect(results[1].error?.code == .blockedAddress)
        #expect(results[1].error?.message.contains("127.0.0.1") == true)
        #expect(results[2].error == nil && results[2].status == 200, "\(String(describing: results[2].error))")
        #expect(canary.connections == 0)
    }
}
