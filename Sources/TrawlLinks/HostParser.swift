// SPDX-License-Identifier: Apache-2.0

internal import CIdn2

/// The WHATWG host parser: IPv6 in brackets, opaque hosts of non-special schemes, and
/// domains (percent-decoded, to ASCII by UTS #46, IPv4 in any of its numeric forms).
/// Returns the host serialized, or nil for failure.
enum HostParser {
    static func parse(_ input: String, special: Bool) -> String? {
        if input.hasPrefix("[") {
            guard input.hasSuffix("]"), input.unicodeScalars.count >= 2 else { return nil }
            let inner = Array(input.unicodeScalars.dropFirst().dropLast())
            return IPv6.parse(inner).map { "[" + IPv6.serialize($0) + "]" }
        }
        if !special { return opaque(input) }
        let domain = String(decoding: PercentEncoding.decode(input), as: UTF8.self)
        guard let ascii = toASCII(domain), !ascii.isEmpty else { return nil }
        if ascii.unicodeScalars.contains(where: isForbiddenDomain) { return nil }
        if IPv4.endsInNumber(ascii) { return IPv4.parse(ascii).map(IPv4.serialize) }
        return ascii
    }

    private static func opaque(_ input: String) -> String? {
        if input.unicodeScalars.contains(where: isForbiddenHost) { return nil }
        var out = ""
        for c in input.unicodeScalars { PercentEncoding.append(c, .c0Control, to: &out) }
        return out
    }

    static func isForbiddenHost(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "\0", "\t", "\n", "\r", " ", "#", "/", ":", "<", ">", "?", "@", "[", "\\", "]", "^", "|": true
        default: false
        }
    }

    static func isForbiddenDomain(_ c: Unicode.Scalar) -> Bool {
        isForbiddenHost(c) || c.value <= 0x1F || c == "%" || c.value == 0x7F
    }

    /// UTS #46 ToASCII, non-transitional, as the standard calls it (CheckHyphens and
    /// UseSTD3ASCIIRules off): plain ASCII names are only lowercased; names with non-ASCII
    /// code points or `xn--` labels go through libidn2 (`idn2_to_ascii_8z`).
    static func toASCII(_ domain: String) -> String? {
        let lower = domain.lowercased()
        let plain = lower.utf8.allSatisfy { $0 < 0x80 }
            && !lower.split(separator: ".", omittingEmptySubsequences: false).contains { $0.hasPrefix("xn--") }
        if plain { return lower }
        var output: UnsafeMutablePointer<CChar>? = nil
        let flags = Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue)
        let status = idn2_to_ascii_8z(domain, &output, flags)
        defer { idn2_free(output) }
        guard status == Int32(IDN2_OK.rawValue), let output else { return nil }
        return String(cString: output).lowercased()
    }
}

/// IPv4 addresses in the forms the standard accepts: 1 to 4 parts, each decimal, octal
/// (`0` prefix) or hexadecimal (`0x`), the last one covering the remaining bytes.
enum IPv4 {
    static func endsInNumber(_ s: String) -> Bool {
        var parts = s.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last == "" {
            if parts.count == 1 { return false }
            parts.removeLast()
        }
        guard let last = parts.last, !last.isEmpty else { return false }
        if last.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        return number(last) != nil
    }

    /// One part's value (nil: not a number); saturates at 2^33 so that huge parts fail later.
    static func number(_ part: Substring) -> UInt64? {
        var s = Substring(part)
        var radix: UInt64 = 10
        if s.hasPrefix("0x") || s.hasPrefix("0X") {
            s = s.dropFirst(2)
            radix = 16
        } else if s.count > 1 && s.hasPrefix("0") {
            s = s.dropFirst()
            radix = 8
        }
        if s.isEmpty { return 0 }
        var n: UInt64 = 0
        for b in s.utf8 {
            guard let d = PercentEncoding.hexValue(b).map(UInt64.init), d < radix else { return nil }
            n = min(n * radix + d, 1 << 33)
        }
        return n
    }

    static func parse(_ s: String) -> UInt32? {
        var parts = s.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last == "", parts.count > 1 { parts.removeLast() }
        guard parts.count <= 4 else { return nil }
        var numbers: [UInt64] = []
        for p in parts {
            guard !p.isEmpty, let n = number(p) else { return nil }
            numbers.append(n)
        }
        guard let last = numbers.last else { return nil }
        if numbers.dropLast().contains(where: { $0 > 255 }) { return nil }
        guard last < (UInt64(1) << (8 * UInt64(5 - numbers.count))) else { return nil }
        var v = last
        for (i, n) in numbers.dropLast().enumerated() { v += n << (8 * UInt64(3 - i)) }
        return UInt32(truncatingIfNeeded: v)
    }

    static func serialize(_ v: UInt32) -> String {
        "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)"
    }
}

/// IPv6 addresses: `::` compression, an embedded IPv4 tail, and the standard's
/// serialization (lowercase hex, the first longest run of zero pieces compressed).
enum IPv6 {
    static func parse(_ input: [Unicode.Scalar]) -> [UInt16]? {
        var address = [UInt16](repeating: 0, count: 8)
        var piece = 0
        var compress: Int? = nil
        var p = 0
        func at(_ i: Int) -> Unicode.Scalar? { i < input.count ? input[i] : nil }
        func hex(_ c: Unicode.Scalar?) -> UInt16? {
            guard let c, c.value < 0x80 else { return nil }
            return PercentEncoding.hexValue(UInt8(c.value)).map(UInt16.init)
        }
        if at(p) == ":" {
            guard at(p + 1) == ":" else { return nil }
            p += 2
            piece += 1
            compress = piece
        }
        while at(p) != nil {
            guard piece < 8 else { return nil }
            if at(p) == ":" {
                guard compress == nil else { return nil }
                p += 1
                piece += 1
                compress = piece
                continue
            }
            var value: UInt16 = 0
            var length = 0
            while length < 4, let d = hex(at(p)) {
                value = value << 4 | d
                p += 1
                length += 1
            }
            if at(p) == "." {
                guard length > 0 else { return nil }
                p -= length
                guard piece <= 6 else { return nil }
                var numbersSeen = 0
                while at(p) != nil {
                    var v4: Int? = nil
                    if numbersSeen > 0 {
                        guard at(p) == ".", numbersSeen < 4 else { return nil }
                        p += 1
                    }
                    guard let c = at(p), ("0"..."9").contains(c) else { return nil }
                    while let c = at(p), ("0"..."9").contains(c) {
                        let n = Int(c.value - 48)
                        if v4 == nil { v4 = n } else if v4 == 0 { return nil } else { v4 = (v4 ?? 0) * 10 + n }
                        guard (v4 ?? 0) <= 255 else { return nil }
                        p += 1
                    }
                    address[piece] = address[piece] * 0x100 + UInt16(v4 ?? 0)
                    numbersSeen += 1
                    if numbersSeen == 2 || numbersSeen == 4 { piece += 1 }
                }
                guard numbersSeen == 4 else { return nil }
                break
            } else if at(p) == ":" {
                p += 1
                guard at(p) != nil else { return nil }
            } else if at(p) != nil {
                return nil
            }
            address[piece] = value
            piece += 1
        }
        if let compress {
            var swaps = piece - compress
            piece = 7
            while piece != 0 && swaps > 0 {
                address.swapAt(piece, compress + swaps - 1)
                piece -= 1
                swaps -= 1
            }
        } else if piece != 8 {
            return nil
        }
        return address
    }

    static func serialize(_ a: [UInt16]) -> String {
        // The first longest run of two or more zero pieces becomes "::".
        var best: (start: Int, length: Int)? = nil
        var i = 0
        while i < a.count {
            guard a[i] == 0 else { i += 1; continue }
            var j = i
            while j < a.count && a[j] == 0 { j += 1 }
            if j - i > 1 && j - i > (best?.length ?? 0) { best = (i, j - i) }
            i = j
        }
        var out = ""
        var k = 0
        var ignore0 = false
        while k < a.count {
            if ignore0 && a[k] == 0 { k += 1; continue }
            ignore0 = false
            if let b = best, b.start == k {
                out += k == 0 ? "::" : ":"
                ignore0 = true
                k += 1
                continue
            }
            out += String(a[k], radix: 16)
            if k != 7 { out += ":" }
            k += 1
        }
        return out
    }
}
