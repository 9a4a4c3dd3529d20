// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// Checks a URL before any transfer, so that a bad input becomes a clear per-URL error
/// (`invalid_url`, `unsupported_protocol`) rather than whatever libcurl would say midway.
struct URLValidation {
    private let parser: CurlURL
    private let allowed: [String]

    init(allowedProtocols: [String]) throws(TrawlError) {
        parser = try CurlURL()
        allowed = allowedProtocols.map { $0.lowercased() }
    }

    /// Whether a URL of `scheme` may be fetched.
    func allows(scheme: String?) -> Bool {
        scheme.map(allowed.contains) ?? false
    }

    /// A URL that may be fetched: its `host:port` key, and the URL to hand libcurl when it
    /// differs from the one given (an international host name in its ASCII form, a path or
    /// query percent-encoded as browsers send it).
    struct Checked {
        var host: String
        var fetchURL: String?
    }

    /// What `url` is fetched as when it may be fetched, else the error its response carries.
    func check(_ url: String) -> Result<Checked, TrawlError> {
        if let error = problem(url) { return .failure(error) }
        var changed = false
        // libcurl sends a path's and a query's bytes as they are; browsers percent-encode
        // UTF-8 and a few ASCII characters first (WHATWG URL, percent-encode sets), and
        // servers expect that form. Encoded in the string itself: libcurl's part setters
        // would lowercase the URL's existing escapes (a signed URL would no longer match).
        if let encoded = Self.percentEncodingPathAndQuery(url) {
            if let complaint = parser.parse(encoded) { return .failure(malformed(url, complaint)) }
            changed = true
        }
        if let host = parser.host, IDNA.isInternational(host) {
            switch IDNA.ascii(host) {
            case .failure(let error):
                return .failure(TrawlError(.invalidURL, "URL \(String(reflecting: url)) has a host that is not a valid "
                                           + "international domain name: \(error.reason)"))
            case .success(let ascii):
                if let complaint = parser.setHost(ascii) { return .failure(malformed(url, complaint)) }
                changed = true
            }
        }
        let host = (parser.host ?? "").lowercased()
        return .success(Checked(host: host + ":" + (parser.port ?? ""), fetchURL: changed ? parser.url : nil))
    }

    private func malformed(_ url: String, _ complaint: String) -> TrawlError {
        TrawlError(.invalidURL, "URL \(String(reflecting: url)) is malformed: \(complaint)")
    }

    /// WHATWG's path percent-encode set beyond controls, space and non-ASCII (`#` and `?`
    /// cannot occur in a path): `"` `<` `>` `` ` `` `{` `}`.
    static let pathSet: Set<UInt8> = Set("\"<>`{}".utf8)
    /// WHATWG's special-query percent-encode set beyond controls, space and non-ASCII.
    static let querySet: Set<UInt8> = Set("\"<>'".utf8)

    /// `url` (`scheme://authority/path?query#fragment`) with its path and query
    /// percent-encoded: every byte above 0x7E, and those of ``pathSet`` and ``querySet``,
    /// written `%XX` (escapes already there stay as they are); the authority (an
    /// international host is IDNA's) and the fragment (never sent) are left alone. Nil when
    /// nothing needs encoding.
    static func percentEncodingPathAndQuery(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        guard let scheme = scheme(of: url), bytes.count > scheme.utf8.count + 3,
              bytes[scheme.utf8.count...].starts(with: "://".utf8) else { return nil }
        let isDelimiter = { (b: UInt8) in b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") }
        let pathStart = bytes[(scheme.utf8.count + 3)...].firstIndex(where: isDelimiter) ?? bytes.count
        let fragment = bytes[pathStart...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
        let hex = Array("0123456789ABCDEF".utf8)
        var out = Array(bytes[0..<pathStart])
        out.reserveCapacity(bytes.count * 2)
        var inQuery = false
        var changed = false
        for b in bytes[pathStart..<fragment] {
            if b == UInt8(ascii: "?") { inQuery = true }
            if b > 0x7E || (inQuery ? querySet : pathSet).contains(b) {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
                changed = true
            } else {
                out.append(b)
            }
        }
        guard changed else { return nil }
        out += bytes[fragment...]
        return String(decoding: out, as: UTF8.self)
    }

    private func problem(_ url: String) -> TrawlError? {
        let shown = String(reflecting: url)
        if url.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return TrawlError(.invalidURL, "empty URL")
        }
        if let bad = url.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            let what = bad == " " ? "a space" : "control character U+\(String(bad.value, radix: 16, uppercase: true))"
            return TrawlError(.invalidURL, "URL \(shown) contains \(what) (percent-encode it)")
        }
        guard let scheme = Self.scheme(of: url) else {
            return TrawlError(.invalidURL,
                              "URL \(shown) has no scheme (expected \(allowed.map { $0 + "://" }.joined(separator: " or ")))")
        }
        guard allowed.contains(scheme) else {
            return TrawlError(.unsupportedProtocol,
                              "scheme '\(scheme)' of \(shown) is not allowed (allowed: \(allowed.joined(separator: ", ")))")
        }
        if let afterScheme = url.utf8.dropFirst(scheme.utf8.count + 3).first,
           afterScheme == UInt8(ascii: "/") || afterScheme == UInt8(ascii: "?")
            || afterScheme == UInt8(ascii: "#") {
            // libcurl would read "http:///path" as host "path".
            return TrawlError(.invalidURL, "URL \(shown) has no host")
        }
        if let complaint = parser.parse(url) { return malformed(url, complaint) }
        if (scheme == "http" || scheme == "https"), (parser.host ?? "").isEmpty {
            return TrawlError(.invalidURL, "URL \(shown) has no host")
        }
        return nil
    }

    /// The lowercased scheme of `url`, else nil: letters, digits, `+-.` before `:`, where the
    /// `:` starts `//` (`http://`) or is not a port (`mailto:`, `javascript:`, `data:` are
    /// schemes; `localhost:8080/` and `example.com:80` have none).
    static func scheme(of url: String) -> String? {
        let bytes = Array(url.utf8)
        guard let first = bytes.first, isAlpha(first) else { return nil }
        var i = 1
        while i < bytes.count, isAlpha(bytes[i]) || isDigit(bytes[i])
                || bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")
                || bytes[i] == UInt8(ascii: ".") {
            i += 1
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        let rest = bytes[(i + 1)...]
        if !rest.starts(with: "//".utf8) {
            let port = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") }
            if port.allSatisfy(isDigit) { return nil }
        }
        return String(decoding: bytes[0..<i], as: UTF8.self).lowercased()
    }

    private static func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    private static func isAlpha(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
}
