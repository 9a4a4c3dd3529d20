// SPDX-License-Identifier: Apache-2.0

/// The encodings of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels);
/// the raw value is the encoding's name, lower-cased, as trawl reports it.
enum WebEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    // Legacy single-byte encodings.
    case ibm866 = "ibm866"
    case iso8859_2 = "iso-8859-2"
    case iso8859_3 = "iso-8859-3"
    case iso8859_4 = "iso-8859-4"
    case iso8859_5 = "iso-8859-5"
    case iso8859_6 = "iso-8859-6"
    case iso8859_7 = "iso-8859-7"
    case iso8859_8 = "iso-8859-8"
    case iso8859_8i = "iso-8859-8-i"
    case iso8859_10 = "iso-8859-10"
    case iso8859_13 = "iso-8859-13"
    case iso8859_14 = "iso-8859-14"
    case iso8859_15 = "iso-8859-15"
    case iso8859_16 = "iso-8859-16"
    case koi8r = "koi8-r"
    case koi8u = "koi8-u"
    case macintosh = "macintosh"
    case windows874 = "windows-874"
    case windows1250 = "windows-1250"
    case windows1251 = "windows-1251"
    case windows1252 = "windows-1252"
    case windows1253 = "windows-1253"
    case windows1254 = "windows-1254"
    case windows1255 = "windows-1255"
    case windows1256 = "windows-1256"
    case windows1257 = "windows-1257"
    case windows1258 = "windows-1258"
    case xMacCyrillic = "x-mac-cyrillic"
    // Legacy multi-byte encodings.
    case gbk = "gbk"
    case gb18030 = "gb18030"
    case big5 = "big5"
    case eucJP = "euc-jp"
    case iso2022JP = "iso-2022-jp"
    case shiftJIS = "shift_jis"
    case eucKR = "euc-kr"
    // Legacy miscellaneous encodings.
    case replacement = "replacement"
    case utf16BE = "utf-16be"
    case utf16LE = "utf-16le"
    case xUserDefined = "x-user-defined"

    /// How bytes in this encoding become text.
    var decoder: Decoder {
        switch self {
        case .utf8: return .utf8
        case .utf16LE: return .utf16(bigEndian: false)
        case .utf16BE: return .utf16(bigEndian: true)
        case .replacement: return .replacement
        case .xUserDefined: return .xUserDefined
        // The WHATWG gbk decoder *is* the gb18030 decoder; euc-kr is Microsoft's windows-949
        // (UHC) superset; shift_jis is windows-31j (CP932); big5 includes HKSCS.
        case .gbk, .gb18030: return .iconv("GB18030", leads: [0x81...0xFE])
        case .big5: return .iconv("BIG5-HKSCS", leads: [0x81...0xFE])
        case .eucJP: return .iconv("EUC-JP", leads: [0x8E...0x8F, 0xA1...0xFE])
        case .iso2022JP: return .iconv("ISO-2022-JP", leads: [])
        case .shiftJIS: return .iconv("WINDOWS-31J", leads: [0x81...0x9F, 0xE0...0xFC])
        case .eucKR: return .iconv("CP949", leads: [0x81...0xFE])
        default: return .singleByte
        }
    }

    /// The glibc iconv name of a single-byte encoding, whose table trawl builds from iconv
    /// and then corrects where WHATWG differs (see `SingleByteTable`).
    var singleByteIconvName: String? {
        switch self {
        case .ibm866: return "IBM866"
        case .iso8859_2: return "ISO-8859-2"
        case .iso8859_3: return "ISO-8859-3"
        case .iso8859_4: return "ISO-8859-4"
        case .iso8859_5: return "ISO-8859-5"
        case .iso8859_6: return "ISO-8859-6"
        case .iso8859_7: return "ISO-8859-7"
        // iso-8859-8-i differs from iso-8859-8 only in how a renderer orders the text.
        case .iso8859_8, .iso8859_8i: return "ISO-8859-8"
        case .iso8859_10: return "ISO-8859-10"
        case .iso8859_13: return "ISO-8859-13"
        case .iso8859_14: return "ISO-8859-14"
        case .iso8859_15: return "ISO-8859-15"
        case .iso8859_16: return "ISO-8859-16"
        case .koi8r: return "KOI8-R"
        case .koi8u: return "KOI8-U"
        case .macintosh: return "MACINTOSH"
        case .windows874: return "WINDOWS-874"
        case .windows1250: return "CP1250"
        case .windows1251: return "CP1251"
        case .windows1252: return "CP1252"
        case .windows1253: return "CP1253"
        case .windows1254: return "CP1254"
        case .windows1255: return "CP1255"
        case .windows1256: return "CP1256"
        case .windows1257: return "CP1257"
        case .windows1258: return "CP1258"
        case .xMacCyrillic: return "MAC-CYRILLIC"
        default: return nil
        }
    }

    /// Corrections to glibc's table, as (byte, scalar value) pairs; applied after the C1 fill
    /// of the windows-* encodings. Each was found by comparing glibc 2.36's table with the
    /// WHATWG index of the same encoding byte by byte (docs/decoding.md lists them).
    var singleByteFixes: [(UInt8, UInt32)] {
        switch self {
        case .windows1255: return [(0xCA, 0x05BA)]
        case .koi8u: return [(0xAE, 0x045E), (0xBE, 0x040E)]
        case .macintosh: return [(0xC6, 0x2206), (0xF0, 0xF8FF)]
        case .xMacCyrillic: return [(0xFF, 0x20AC)]
        default: return []
        }
    }

    /// Whether bytes 0x80...0x9F that glibc leaves undefined map to U+0080...U+009F, as the
    /// WHATWG indexes of the windows-* encodings (Microsoft's "best fit" tables) do.
    var fillsC1Controls: Bool {
        rawValue.hasPrefix("windows-")
    }

    /// Looks up a label as the WHATWG "get an encoding" algorithm does: ASCII whitespace
    /// trimmed, ASCII case-insensitive; nil for an unknown label.
    static func forLabel(_ label: some StringProtocol) -> WebEncoding? {
        var bytes = Array(label.utf8)
        while let last = bytes.last, isASCIIWhitespace(last) { bytes.removeLast() }
        let start = bytes.firstIndex { !isASCIIWhitespace($0) } ?? bytes.endIndex
        let key = String(decoding: bytes[start...].map(asciiLowercased), as: UTF8.self)
        return encodingLabels[key]
    }
}

/// How an encoding's bytes are turned into text.
enum Decoder: Sendable, Equatable {
    case utf8
    case utf16(bigEndian: Bool)
    case singleByte
    /// Through glibc iconv. `leads` are the bytes that begin a multi-byte sequence: after one
    /// of them an invalid sequence swallows the next byte too unless that byte is ASCII, as in
    /// the WHATWG decoders (elsewhere one byte becomes one U+FFFD).
    case iconv(String, leads: [ClosedRange<UInt8>])
    case replacement
    case xUserDefined
}

/// The ASCII whitespace of the WHATWG standards: TAB, LF, FF, CR, SPACE.
@inline(__always)
func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}
