// SPDX-License-Identifier: Apache-2.0

/// A proxy as the `proxy` option gives it: `SCHEME://[USER[:PASSWORD]@]HOST[:PORT][/]` with
/// scheme http, https, socks5 or socks5h (libcurl's `CURLOPT_PROXY` reads the same form).
/// The password is never printed: ``redacting(_:)`` takes it out of any text.
public struct ProxyURL: Sendable, Equatable {
    public static let schemes = ["http", "https", "socks5", "socks5h"]

    public let scheme: String
    /// The host, without IPv6 brackets.
    public let host: String
    /// The port, the scheme's default (1080 for SOCKS) when the URL names none.
    public let port: Int
    /// `user:password` as written in the URL (percent-encoded), nil without credentials.
    public let userinfo: String?

    /// Parses `text`; throws `invalid_argument` naming the option `proxy` and saying what is wrong.
    public init(_ text: String) throws(TrawlError) {
        func fail(_ why: String) -> TrawlError {
            TrawlError(.invalidArgument, "proxy must look like SCHEME://[USER:PASSWORD@]HOST[:PORT] with scheme "
                       + "\(Self.schemes.joined(separator: ", ")): \(why)")
        }
        guard text.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw fail("it contains a space or a character outside printable ASCII") }
        guard let sep = text.firstRange(of: "://") else { throw fail("no scheme") }
        let scheme = text[..<sep.lowerBound].lowercased()
        guard Self.schemes.contains(scheme) else { throw fail("scheme '\(scheme)' is not one of them") }
        var rest = text[sep.upperBound...]
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), !rest.contains("?"), !rest.contains("#") else { throw fail("a path, query or fragment is not allowed") }
        var info: String? = nil
        if let at = rest.lastIndex(of: "@") {
            info = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        var host = rest
        var port: Int? = nil
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("an unclosed IPv6 bracket") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("garbage after the IPv6 address") }
                port = Int(after.dropFirst())
                if port == nil { throw fail("the port is not a number") }
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let p = Int(rest[rest.index(after: colon)...]) else { throw fail("the port is not a number") }
            port = p
        }
        guard !host.isEmpty else { throw fail("no host") }
        if let p = port, !(1...65535).contains(p) { throw fail("the port must be from 1 to 65535") }
        self.scheme = scheme
        self.host = String(host)
        self.port = port ?? (scheme.hasPrefix("socks") ? 1080 : scheme == "https" ? 443 : 80)
        self.userinfo = info
    }

    /// Whether the proxy resolves target host names itself (`socks5h`), so that the SSRF
    /// guard could not check the address a name leads to.
    public var resolvesNames: Bool { scheme == "socks5h" }

    /// `text` with the proxy's password (and its `user:password`) replaced by `***`.
    public func redacting(_ text: String) -> String {
        guard let info = userinfo, let colon = info.firstIndex(of: ":") else { return text }
        let password = String(info[info.index(after: colon)...])
        guard !password.isEmpty else { return text }
        var out = text.replacing(info, with: String(info[...colon]) + "***")
        out = out.replacing(password, with: "***")
        return out
    }
}
