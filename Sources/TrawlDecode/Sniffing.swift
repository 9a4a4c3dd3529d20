// SPDX-License-Identifier: Apache-2.0

/// The steps of the HTML encoding sniffing algorithm that trawl follows
/// (https://html.spec.whatwg.org/multipage/parsing.html#encoding-sniffing-algorithm):
/// BOM, transport-layer charset, `<meta>` prescan of the first 1024 bytes.
enum Sniffing {
    /// How many bytes the `<meta>` prescan looks at.
    static let prescanLimit = 1024

    /// The encoding a byte order mark announces, and the BOM's length.
    static func bom(_ body: [UInt8]) -> (WebEncoding, Int)? {
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { return (.utf8, 3) }
        if body.count >= 2, body[0] == 0xFE, body[1] == 0xFF { return (.utf16BE, 2) }
        if body.count >= 2, body[0] == 0xFF, body[1] == 0xFE { return (.utf16LE, 2) }
        return nil
    }

    /// The value of the `charset` parameter of a Content-Type header value, unquoted (with
    /// backslash escapes undone) as WHATWG's MIME type parser reads it; the first one wins.
    static func contentTypeCharset(_ contentType: String) -> String? {
        let bytes = Array(contentType.utf8)
        guard var i = bytes.firstIndex(of: UInt8(ascii: ";")) else { return nil }
        while i < bytes.count {
            i += 1  // past ';'
            while i < bytes.count, isHTTPWhitespace(bytes[i]) { i += 1 }
            var name: [UInt8] = []
            while i < bytes.count, bytes[i] != UInt8(ascii: ";"), bytes[i] != UInt8(ascii: "=") {
                name.append(asciiLowercased(bytes[i]))
                i += 1
            }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { continue }
            i += 1
            var value: [UInt8] = []
            if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 1 }
                    value.append(bytes[i])
                    i += 1
                }
                while i < bytes.count, bytes[i] != UInt8(ascii: ";") { i += 1 }
            } else {
                while i < bytes.count, bytes[i] != UInt8(ascii: ";") {
                    value.append(bytes[i])
                    i += 1
                }
                while let last = value.last, isHTTPWhitespace(last) { value.removeLast() }
            }
            if name == Array("charset".utf8), !value.isEmpty {
                return String(decoding: value, as: UTF8.self)
            }
        }
        return nil
    }

    @inline(__always)
    private static func isHTTPWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
