// SPDX-License-Identifier: Apache-2.0

/// A response body decoded to text, with the encoding that was used.
public struct DecodedText: Sendable, Equatable {
    /// The decoded text. Bytes that were invalid in `charset` became U+FFFD.
    public var text: String
    /// The encoding used. In browser mode its WHATWG name (`"utf-8"`, `"windows-1252"`,
    /// `"shift_jis"`, `"gbk"`, ...); in requests mode the Python codec's name (`"iso8859-1"`,
    /// `"utf-8"`, `"cp1252"`, ...). See docs/decoding.md.
    public var charset: String

    /// Creates a decoded text.
    /// - Parameters:
    ///   - text: The text.
    ///   - charset: The name of the encoding it was decoded from.
    public init(text: String, charset: String) {
        self.text = text
        self.charset = charset
    }
}
