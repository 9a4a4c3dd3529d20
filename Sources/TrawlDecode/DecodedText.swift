// SPDX-License-Identifier: Apache-2.0
public import TrawlCore

/// A response body decoded to text, with the encoding that was used.
public struct DecodedText: Sendable, Equatable {
    /// The decoded text as UTF-8. Bytes that were invalid in `charset` became U+FFFD. For a
    /// body that already was valid UTF-8 these are the body's own bytes, not a copy.
    public var utf8: UTF8Text
    /// The encoding used. In browser mode its WHATWG name (`"utf-8"`, `"windows-1252"`,
    /// `"shift_jis"`, `"gbk"`, ...); in requests mode the Python codec's name (`"iso8859-1"`,
    /// `"utf-8"`, `"cp1252"`, ...). See docs/decoding.md.
    public var charset: String

    /// The decoded text as a `String` (built on demand: the crawl itself never needs one).
    public var text: String { utf8.string }

    /// Creates a decoded text from a string.
    /// - Parameters:
    ///   - text: The text.
    ///   - charset: The name of the encoding it was decoded from.
    public init(text: String, charset: String) {
        self.utf8 = UTF8Text(text)
        self.charset = charset
    }

    /// Creates a decoded text from UTF-8 that is known valid.
    public init(utf8: UTF8Text, charset: String) {
        self.utf8 = utf8
        self.charset = charset
    }
}
