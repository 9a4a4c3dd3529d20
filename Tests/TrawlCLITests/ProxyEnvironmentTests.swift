// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// The proxy environment variables, which libcurl obeys unless `--no-env-proxy` (run as a
/// child process: the variables would reach every test of this process otherwise).
extension CLITests {
    @Test func environmentProxyIsObeyedUnlessTurnedOff() throws {
        let proxies = try ProxyServer()
        defer { proxies.stop() }
        let env = ["http_proxy": "http://127.0.0.1:\(proxies.httpPort)", "NO_PROXY": ""]
        let url = server.url("/headers")
        let via = try trawl(["crawl", "--no-default-patterns", "--pattern", "via=trawl-test-proxy", url], environment: env)
        #expect(via.status == 0)
        #expect((via.lines.first?["matches"] as? [String: Any])?["via"] as? [String] == ["trawl-test-proxy"], "\(via.stdout)")
        let direct = try trawl(["crawl", "--no-env-proxy", "--no-default-patterns", "--pattern", "via=trawl-test-proxy", url],
                               environment: env)
        #expect((direct.lines.first?["matches"] as? [String: Any])?["via"] as? [String] == [], "\(direct.stdout)")
    }
}
