// SPDX-License-Identifier: Apache-2.0

/// A URL as the WHATWG URL Standard parses and serializes it: what a browser does with an
/// `href` against its document's base URL. Link resolution and URL normalisation (follow
/// mode's seen-set, repeated URLs) both rest on it, so a link means the same URL everywhere.
///
/// `file:` URLs are not parsed (a crawler never fetches them; their Windows drive-letter
/// rules would be the only users of a large part of the standard): they fail to parse.
public struct WebURL: Sendable, Hashable {
    /// The scheme, lowercase, without `:`.
    public internal(set) var scheme: String
    public internal(set) var username = ""
    public internal(set) var password = ""
    /// The serialized host (a domain in ASCII, a dotted IPv4 address, `[…]` IPv6, or an
    /// opaque host); `nil` for a URL without authority.
    public internal(set) var host: String?
    /// `nil` for none or the scheme's default port.
    public internal(set) var port: Int?
    /// The path segments (a path that is not opaque).
    var segments: [String] = []
    /// The opaque path of a URL such as `mailto:x@y` (then ``segments`` is unused).
    var opaquePath: String?
    public internal(set) var query: String?
    public internal(set) var fragment: String?

    init(scheme: String) { self.scheme = scheme }

    /// Parses `input` against `base` (the WHATWG basic URL parser, without state override).
    /// - Returns: nil when the standard says failure.
    public init?(_ input: String, base: WebURL? = nil) {
        guard let url = WebURLParser.parse(input, base: base) else { return nil }
        self = url
    }

    /// Whether the scheme is one of the standard's special schemes (`http`, `https`, `ws`,
    /// `wss`, `ftp`; `file` is special too but not parsed here).
    public var isSpecial: Bool { WebURL.defaultPorts[scheme] != nil || scheme == "file" }

    /// The path as serialized: `/a/b`, or the opaque path.
    public var path: String {
        if let opaquePath { return opaquePath }
        var s = ""
        for segment in segments { s += "/" + segment }
        return s
    }

    /// The serialization (`href`).
    public var href: String { serialized(fragment: true) }

    /// The serialization with or without the fragment (a fetch never sends it).
    public func serialized(fragment withFragment: Bool) -> String {
        var s = scheme + ":"
        if let host {
            s += "//"
            if !username.isEmpty || !password.isEmpty {
                s += username
                if !password.isEmpty { s += ":" + password }
                s += "@"
            }
            s += host
            if let port { s += ":" + String(port) }
        } else if opaquePath == nil && segments.count > 1 && segments[0].isEmpty {
            // Without "/." a path starting "//" would read back as an authority.
            s += "/."
        }
        s += path
        if let query { s += "?" + query }
        if withFragment, let fragment { s += "#" + fragment }
        return s
    }

    /// Default ports of the special schemes the parser handles.
    static let defaultPorts: [String: Int] = ["http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21]
}
