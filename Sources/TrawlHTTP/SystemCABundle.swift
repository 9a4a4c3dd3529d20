// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CA certificates to verify TLS with when the options name no `ca_bundle`.
///
/// libcurl looks where the machine it was built on keeps them (Debian's
/// `/etc/ssl/certs/ca-certificates.crt`). A copy of libcurl that travels inside a repaired
/// Python wheel runs on other distributions, where that file may not exist and every HTTPS
/// URL would fail with `tls`; so trawl looks in the usual places itself, as OpenSSL-based
/// tools do, `$SSL_CERT_FILE` first.
enum SystemCABundle {
    /// Debian and Ubuntu (also Arch, Gentoo, and Alpine with ca-certificates), Fedora and
    /// RHEL, RHEL's extracted trust store, openSUSE, Alpine's default (and the BSDs').
    static let candidates = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ]

    /// The file found for this process, looked up once (the environment is read on first use).
    static let path: String? = find(certFile: getenv("SSL_CERT_FILE").map { String(cString: $0) }) {
        access($0, R_OK) == 0
    }

    /// The first readable file of `$SSL_CERT_FILE` (when set and not empty), then
    /// ``candidates``; `nil` when none is, which leaves libcurl's own default in place.
    static func find(certFile: String?, readable: (String) -> Bool) -> String? {
        let tried = (certFile.map { $0.isEmpty ? [] : [$0] } ?? []) + candidates
        return tried.first(where: readable)
    }
}
