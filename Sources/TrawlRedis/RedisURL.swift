// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// Where a Redis server is and how to log in: `redis://[user:password@]host[:port][/db]`.
///
/// The password is kept for `AUTH` only: ``description`` and every error message built from a
/// URL show it as `***`, so a URL can be logged safely.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    /// Host name or address (IPv6 without its brackets).
    public var host: String
    /// TCP port, 6379 by default.
    public var port: Int
    /// ACL user for `AUTH user password` (Redis 6+); `nil` uses `AUTH password`.
    public var user: String?
    /// Password for `AUTH`; `nil` sends no `AUTH`.
    public var password: String?
    /// Database number for `SELECT`, 0 by default.
    public var db: Int

    /// A URL from its parts.
    public init(host: String, port: Int = 6379, user: String? = nil, password: String? = nil, db: Int = 0) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.db = db
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`. User and password may be
    /// percent-encoded (`%40` for `@`); an IPv6 host goes in brackets.
    /// - Throws: `invalid_argument` naming what is wrong; the message never contains the password.
    public init(parsing text: String) throws(TrawlError) {
        let scheme = "redis://"
        guard text.hasPrefix(scheme) else {
            throw TrawlError(.invalidArgument, "a Redis URL must start with redis:// (TLS rediss:// is not supported by hiredis 0.14)")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var user: String? = nil
        var password: String? = nil
        // The last '@' ends the credentials: a password may contain '@' only percent-encoded,
        // but being lenient costs nothing.
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let u = try Self.percentDecoded(credentials[..<colon], what: "user")
                user = u.isEmpty ? nil : u
                password = try Self.percentDecoded(credentials[credentials.index(after: colon)...], what: "password")
            } else {
                // redis://secret@host: a lone credential is the password, as redis-cli reads it.
                password = try Self.percentDecoded(credentials, what: "password")
            }
        }
        var db = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let n = Int(path), n >= 0, n <= 1_000_000 else {
                    throw TrawlError(.invalidArgument, "the Redis URL's database must be a number, got '/\(path)'")
                }
                db = n
            }
        }
        var host: Substring
        var portText: Substring? = nil
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw TrawlError(.invalidArgument, "the Redis URL has an unclosed '[' in its host")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw TrawlError(.invalidArgument, "unexpected '\(after)' after the Redis URL's host")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw TrawlError(.invalidArgument, "the Redis URL has no host") }
        guard !host.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) else {
            throw TrawlError(.invalidArgument, "the Redis URL's host '\(host)' is not valid")
        }
        var port = 6379
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw TrawlError(.invalidArgument, "the Redis URL's port must be 1-65535, got '\(portText)'")
            }
            port = p
        }
        self.init(host: String(host), port: port, user: user, password: password, db: db)
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        var s = "redis://"
        if let user { s += user }
        if password != nil { s += ":***" }
        if user != nil || password != nil { s += "@" }
        s += host.contains(":") ? "[\(host)]" : host
        s += ":\(port)"
        if db != 0 { s += "/\(db)" }
        return s
    }

    /// `host:port`, for messages.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `text` with every occurrence of the password replaced by `***`: applied to every error
    /// message that contains text from the server or the system, in case one ever echoes it.
    public func redact(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        var out = ""
        var rest = Substring(text)
        while let r = rest.firstRange(of: password) {
            out += rest[..<r.lowerBound]
            out += "***"
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    private static func percentDecoded(_ s: Substring, what: String) throws(TrawlError) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let hi = hexValue(it[it.startIndex]), let lo = hexValue(it[it.startIndex + 1]) else {
                    throw TrawlError(.invalidArgument, "the Redis URL's \(what) has a bad %-escape")
                }
                bytes.append(hi << 4 | lo)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
