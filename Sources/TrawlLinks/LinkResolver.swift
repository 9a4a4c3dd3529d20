// SPDX-License-Identifier: Apache-2.0

/// Turns links as written in a page into absolute URLs, as a browser would follow them:
/// character references decoded, then parsed by the WHATWG URL parser against the
/// document's base URL (its first `<base href>`, itself resolved against the page's URL,
/// else the page's URL).
public struct LinkResolver: Sendable {
    /// The URL relative links are resolved against; nil when the page's URL does not parse.
    public let base: WebURL?

    /// - Parameters:
    ///   - pageURL: the page's final URL (after redirects).
    ///   - html: the page's decoded text as UTF-8, searched for `<base href>`.
    public init(pageURL: String, html: [UInt8]) {
        let page = WebURL(pageURL)
        if let raw = BaseHref.find(in: html),
           let declared = WebURL(CharacterReferences.decode(raw), base: page) {
            base = declared
        } else {
            base = page
        }
    }

    /// Resolves against an explicit base URL.
    public init(base: WebURL?) { self.base = base }

    /// The absolute URL of `raw` (with its fragment), or nil when it cannot be resolved.
    public func resolve(_ raw: String) -> String? {
        WebURL(CharacterReferences.decode(raw), base: base)?.href
    }
}
