// SPDX-License-Identifier: Apache-2.0

import Testing
@testable import TrawlHTTP

/// The CA file probe, on a made-up file system.
@Suite struct SystemCABundleTests {
    @Test func sslCertFileComesFirstWhenReadable() {
        let files: Set = ["/custom/ca.pem", "/etc/ssl/certs/ca-certificates.crt"]
        #expect(SystemCABundle.find(certFile: "/custom/ca.pem", readable: files.contains) == "/custom/ca.pem")
    }

    @Test func anUnreadableOrEmptySSLCertFileFallsBackToTheDistributions() {
        let rhel: Set = ["/etc/pki/tls/certs/ca-bundle.crt"]
        #expect(SystemCABundle.find(certFile: "/missing.pem", readable: rhel.contains) == "/etc/pki/tls/certs/ca-bundle.crt")
        #expect(SystemCABundle.find(certFile: "", readable: rhel.contains) == "/etc/pki/tls/certs/ca-bundle.crt")
        let alpine: Set = ["/etc/ssl/cert.pem"]
        #expect(SystemCABundle.find(certFile: nil, readable: alpine.contains) == "/etc/ssl/cert.pem")
    }

    @Test func debianComesBeforeTheOthersAndNothingFoundLeavesLibcurlsDefault() {
        #expect(SystemCABundle.find(certFile: nil) { _ in true } == "/etc/ssl/certs/ca-certificates.crt")
        #expect(SystemCABundle.find(certFile: nil) { _ in false } == nil)
    }
}
