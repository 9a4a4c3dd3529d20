// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// The UTF decoders and WHATWG's two trivial ones.
enum UnicodeDecoding {
    /// UTF-8 with invalid sequences replaced by U+FFFD per "maximal subpart", the practice
    /// of WHATWG and of Python's `errors='replace'`. Swift's repairing initializer follows
    /// the same rule (checked against python3 in the tests) and, for valid input, is one
    /// validation pass plus one copy: this is the hot path.
    static func utf8(_ body: [UInt8], from start: Int = 0) -> String {
        if start == 0 { return String(decoding: body, as: UTF8.self) }
        return String(decoding: body[start...], as: UTF8.self)
    }

    /// The hot path of every crawl: a valid body (almost every page) is taken as it is, with
    /// no copy, after one fast validation (none when `validated`, the whole body already
    /// checked, is given); only an invalid one goes through the repairing decoder above.
    static func utf8Text(_ body: [UInt8], from start: Int = 0, validated: UTF8Text? = nil) -> UTF8Text {
        if start == 0, let validated { return validated }
        let slice = start == 0 ? body : Array(body[start...])
        return UTF8Text(validating: slice) ?? UTF8Text(utf8(slice))
    }

    /// UTF-16 as the WHATWG decoder does: an unpaired surrogate is one U+FFFD, and a
    /// dangling odd byte or lead surrogate at the end is one U+FFFD together.
    static func utf16(_ body: [UInt8], from start: Int = 0, bigEndian: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity((body.count - start) / 2)
        var index = start
        var lead: UInt32? = nil
        while index + 1 < body.count {
            let a = UInt32(body[index]), b = UInt32(body[index + 1])
            let unit = bigEndian ? a << 8 | b : b << 8 | a
            index += 2
            if let high = lead {
                lead = nil
                if (0xDC00...0xDFFF).contains(unit),
                   let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)) {
                    scalars.append(scalar)
                    continue
                }
                scalars.append("\u{FFFD}")
            }
            if (0xD800...0xDBFF).contains(unit) {
                lead = unit
            } else {
                // Unicode.Scalar(_:) is nil exactly for a lone trail surrogate here.
                scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
            }
        }
        if lead != nil || index < body.count { scalars.append("\u{FFFD}") }
        return String(scalars)
    }

    /// x-user-defined: ASCII, and 0x80...0xFF to U+F780...U+F7FF.
    static func xUserDefined(_ body: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(body.count)
        for byte in body {
            let value = byte < 0x80 ? UInt32(byte) : 0xF780 + UInt32(byte - 0x80)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }
}
