// SPDX-License-Identifier: Apache-2.0

/// The WHATWG URL Standard's percent-encode sets: which code points a part of a URL
/// writes as `%XX` UTF-8 bytes.
enum PercentEncodeSet {
    case c0Control, fragment, query, specialQuery, path, userinfo

    /// Whether ASCII byte `b` (below 0x80) is in the set; every non-ASCII code point is.
    func contains(_ b: UInt8) -> Bool {
        if b < 0x20 || b == 0x7F { return true }
        switch self {
        case .c0Control: return false
        case .fragment: return Self.isFragment(b)
        case .query: return Self.isQuery(b)
        case .specialQuery: return Self.isQuery(b) || b == UInt8(ascii: "'")
        case .path: return Self.isPath(b)
        case .userinfo: return Self.isUserinfo(b)
        }
    }

    private static func isFragment(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x22 || b == 0x3C || b == 0x3E || b == 0x60
    }

    private static func isQuery(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x22 || b == 0x23 || b == 0x3C || b == 0x3E
    }

    private static func isPath(_ b: UInt8) -> Bool {
        isQuery(b) || b == 0x3F || b == 0x60 || b == 0x7B || b == 0x7D
    }

    private static func isUserinfo(_ b: UInt8) -> Bool {
        isPath(b) || b == 0x2F || b == 0x3A || b == 0x3B || b == 0x3D || b == 0x40
            || (0x5B...0x5E).contains(b) || b == 0x7C
    }
}

enum PercentEncoding {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends `c` to `out`, as `%XX` bytes of its UTF-8 when `set` contains it.
    static func append(_ c: Unicode.Scalar, _ set: PercentEncodeSet, to out: inout String) {
        if c.value < 0x80 && !set.contains(UInt8(c.value)) {
            out.unicodeScalars.append(c)
            return
        }
        for b in utf8(c) {
            out.unicodeScalars.append("%")
            out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
            out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 15)]))
        }
    }

    /// The UTF-8 bytes of one scalar.
    static func utf8(_ c: Unicode.Scalar) -> [UInt8] {
        let v = c.value
        switch v {
        case ..<0x80: return [UInt8(v)]
        case ..<0x800: return [UInt8(0xC0 | v >> 6), UInt8(0x80 | v & 0x3F)]
        case ..<0x10000:
            return [UInt8(0xE0 | v >> 12), UInt8(0x80 | v >> 6 & 0x3F), UInt8(0x80 | v & 0x3F)]
        default:
            return [UInt8(0xF0 | v >> 18), UInt8(0x80 | v >> 12 & 0x3F), UInt8(0x80 | v >> 6 & 0x3F),
                    UInt8(0x80 | v & 0x3F)]
        }
    }

    /// `s` with every `%XX` turned back into its byte (the standard's percent-decode).
    static func decode(_ s: String) -> [UInt8] {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
