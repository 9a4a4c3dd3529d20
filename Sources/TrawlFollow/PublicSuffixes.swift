// SPDX-License-Identifier: Apache-2.0

internal import CPsl

/// Registrable domains by the Public Suffix List, through libpsl: the list Debian ships
/// (`publicsuffix`, read with `psl_latest`), else the one compiled into libpsl
/// (`psl_builtin`). Never a hand-kept suffix list: `co.uk` and `github.io` are suffixes only
/// the list knows.
public enum PublicSuffixes {
    /// The part of `host` a registrant controls (`example.co.uk` for `a.example.co.uk`); the
    /// host itself for an IP address, a single label (`localhost`) or a public suffix, which
    /// have no registrable domain and so share scope only with themselves.
    /// - Parameter host: a serialized host, lowercase ASCII (``TrawlLinks/WebURL/host``).
    public static func registrableDomain(_ host: String) -> String {
        // libpsl would take an IPv4 address's last two numbers for a domain ("0.1").
        if host.hasPrefix("[") || host.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || ($0 >= 48 && $0 <= 57) }) {
            return host
        }
        guard let ctx = List.shared.ctx else { return host }
        // psl_registrable_domain returns a pointer into its argument: read it while the
        // C string still exists.
        return host.withCString { chars in
            psl_registrable_domain(ctx, chars).map { String(cString: $0) } ?? host
        }
    }

    /// The loaded list, for the life of the process.
    ///
    /// `@unchecked Sendable`: the context is loaded once and only read afterwards, and libpsl
    /// documents its lookups on one context as thread-safe.
    private final class List: @unchecked Sendable {
        let ctx: OpaquePointer?
        static let shared = List()
        private init() {
            // psl_latest: the newest of the system's list files and the built-in list.
            if let latest = psl_latest(nil) {
                ctx = latest
            } else {
                ctx = psl_builtin()
            }
        }
    }
}
