// SPDX-License-Identifier: Apache-2.0

/// Bytes that are known to be valid UTF-8: decoded page text on its way to the regex engine.
///
/// Pages travel as bytes rather than as `String` because building a `String` from a body
/// copies it and validates it with the standard library's general-purpose decoder, which
/// profiling showed to be the largest single cost of a crawl. A valid body is taken as it is
/// (no copy) after one fast validation pass; PCRE2 can then skip its own check
/// (`PCRE2_NO_UTF_CHECK`). The type's promise: `bytes` is always valid UTF-8, so that promise
/// is what makes skipping PCRE2's check safe.
public struct UTF8Text: Sendable, Equatable {
    /// The text's UTF-8 encoding.
    public let bytes: [UInt8]

    /// The UTF-8 of a Swift string (always valid).
    public init(_ string: String) {
        bytes = Array(string.utf8)
    }

    /// `bytes` unchanged if they are valid UTF-8, else `nil`.
    public init?(validating bytes: [UInt8]) {
        guard UTF8Text.isValid(bytes) else { return nil }
        self.bytes = bytes
    }

    /// The text as a `String`.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Bytes this module has already proven valid (``UTF8Accumulator``).
    init(provenValid bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past
    /// U+10FFFF; Unicode's Table 3-7). ASCII, most of any HTML page, is checked 32 bytes at a
    /// time.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValid($0) }
    }

    /// See ``isValid(_:)-([UInt8])``.
    public static func isValid(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let (end, valid) = validPrefix(buffer, from: 0)
        return valid && end == buffer.count
    }

    /// Checks `buffer` from `start` (a character boundary) on. `end` is where the check
    /// stopped: `buffer.count`, or the start of a sequence the end of the buffer cuts off
    /// (more bytes may complete it), with `valid` true; or the start of an ill-formed
    /// sequence, with `valid` false.
    static func validPrefix(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, valid: Bool) {
        guard let p = buffer.baseAddress else { return (0, true) }
        let n = buffer.count
        let raw = UnsafeRawPointer(p)
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = start
        while i < n {
            // Four words per step: one test per 32 bytes keeps the loop at memory speed.
            while i + 32 <= n {
                let a = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let b = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                let c = raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                let d = raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                if (a | b | c | d) & high != 0 { break }
                i += 32
            }
            // Then straight to the first non-ASCII byte: a page's few non-ASCII characters
            // (curly quotes, dashes) are scattered, and byte steps up to each cost more than
            // the rest of the check.
            while i + 8 <= n {
                let high8 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) & high
                if high8 != 0 {
                    i += high8.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            guard i < n else { break }
            let c = p[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let length: Int
            switch c {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (i, false)
            }
            guard i + length <= n else { return (i, true) }
            let c1 = p[i + 1]
            switch c {
            case 0xE0: guard (0xA0...0xBF).contains(c1) else { return (i, false) }
            case 0xED: guard (0x80...0x9F).contains(c1) else { return (i, false) }
            case 0xF0: guard (0x90...0xBF).contains(c1) else { return (i, false) }
            case 0xF4: guard (0x80...0x8F).contains(c1) else { return (i, false) }
            default: guard c1 & 0xC0 == 0x80 else { return (i, false) }
            }
            if length > 2 { guard p[i + 2] & 0xC0 == 0x80 else { return (i, false) } }
            if length > 3 { guard p[i + 3] & 0xC0 == 0x80 else { return (i, false) } }
            i += length
        }
        return (n, true)
    }
}
