// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// With no `--ca-bundle`, trawl verifies TLS against the system's CA file, probed itself
/// (`$SSL_CERT_FILE` first) instead of trusting the path compiled into libcurl: the test
/// server's self-signed certificate is trusted exactly when `SSL_CERT_FILE` names it.
extension CLITests {
    @Test func sslCertFileIsTheCABundleWhenNoneIsGiven() throws {
        let url = try #require(server.httpsURL("/status/200"), "the test server has no HTTPS")
        let ca = try #require(server.caFile)

        let trusted = try trawl(["crawl", url], environment: ["SSL_CERT_FILE": ca])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.lines.first?["status"] as? Int == 200, "\(trusted.stdout)")
        #expect(trusted.lines.first?["error"] is NSNull, "\(trusted.stdout)")

        // An unreadable SSL_CERT_FILE falls back to the system's file, which does not hold
        // the test certificate.
        let fallback = try trawl(["crawl", url], environment: ["SSL_CERT_FILE": "/nonexistent/ca.pem"])
        let error = fallback.lines.first?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "tls", "\(fallback.stdout)")
    }
}
