// SPDX-License-Identifier: Apache-2.0

/// HTML character references in an attribute value, decoded as the HTML tokenizer does
/// before a link is resolved (`&amp;` → `&`, `&#47;` and `&#x2F;` → `/`).
///
/// Numeric references follow the standard in full (no `;` needed; 0, surrogates and values
/// past U+10FFFF become U+FFFD; 0x80–0x9F are read as windows-1252). Named references are
/// the ones found in URLs and text in practice (``named``), not all 2,231 of the standard:
/// an unknown name stays as written. As in attributes, a name without `;` followed by `=`
/// or an alphanumeric stays as written (`?a=1&copy=2` keeps `&copy`).
public enum CharacterReferences {
    public static func decode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "&")) else { return s }
        let c = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < c.count {
            guard c[i] == "&" else { out.append(c[i]); i += 1; continue }
            if let (scalar, length) = reference(c, at: i) {
                out.append(scalar)
                i += length
            } else {
                out.append("&")
                i += 1
            }
        }
        return String(out)
    }

    /// The reference starting at `c[i]` (`&`): its value and length, or nil to keep the `&`.
    private static func reference(_ c: [Unicode.Scalar], at i: Int) -> (Unicode.Scalar, Int)? {
        var j = i + 1
        if j < c.count, c[j] == "#" {
            j += 1
            var radix: UInt32 = 10
            if j < c.count, c[j] == "x" || c[j] == "X" { radix = 16; j += 1 }
            let start = j
            var v: UInt32 = 0
            while j < c.count, c[j].value < 0x80,
                  let d = PercentEncoding.hexValue(UInt8(c[j].value)).map(UInt32.init), d < radix {
                v = min(v &* radix &+ d, 0x110000)
                j += 1
            }
            guard j > start else { return nil }
            if j < c.count, c[j] == ";" { j += 1 }
            return (numeric(v), j - i)
        }
        var name = ""
        while j < c.count, j - i <= 32, isAlnum(c[j]) {
            name.unicodeScalars.append(c[j])
            j += 1
        }
        guard !name.isEmpty, let value = named[name] else { return nil }
        if j < c.count, c[j] == ";" { return (value, j + 1 - i) }
        // Without ';' only the legacy names count, and in an attribute not before '=' or an
        // alphanumeric.
        guard legacy.contains(name), !(j < c.count && (c[j] == "=" || isAlnum(c[j]))) else { return nil }
        return (value, j - i)
    }

    private static func isAlnum(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    private static func numeric(_ v: UInt32) -> Unicode.Scalar {
        if v == 0 || v > 0x10FFFF || (0xD800...0xDFFF).contains(v) { return "\u{FFFD}" }
        if (0x80...0x9F).contains(v), let w = windows1252[v] { return w }
        return Unicode.Scalar(v) ?? "\u{FFFD}"
    }

    private static let windows1252: [UInt32: Unicode.Scalar] = [
        0x80: "\u{20AC}", 0x82: "\u{201A}", 0x83: "\u{0192}", 0x84: "\u{201E}", 0x85: "\u{2026}",
        0x86: "\u{2020}", 0x87: "\u{2021}", 0x88: "\u{02C6}", 0x89: "\u{2030}", 0x8A: "\u{0160}",
        0x8B: "\u{2039}", 0x8C: "\u{0152}", 0x8E: "\u{017D}", 0x91: "\u{2018}", 0x92: "\u{2019}",
        0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "\u{2022}", 0x96: "\u{2013}", 0x97: "\u{2014}",
        0x98: "\u{02DC}", 0x99: "\u{2122}", 0x9A: "\u{0161}", 0x9B: "\u{203A}", 0x9C: "\u{0153}",
        0x9E: "\u{017E}", 0x9F: "\u{0178}",
    ]

    /// Names that the standard also recognises without `;` (a subset of its legacy list).
    private static let legacy: Set<String> = [
        "amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT", "nbsp", "copy", "COPY", "reg", "REG",
        "shy", "deg", "middot", "laquo", "raquo", "times", "divide", "sect", "para", "cent", "pound",
        "yen", "euro",
    ]

    static let named: [String: Unicode.Scalar] = [
        "amp": "&", "AMP": "&", "lt": "<", "LT": "<", "gt": ">", "GT": ">", "quot": "\"", "QUOT": "\"",
        "apos": "'", "nbsp": "\u{A0}", "copy": "\u{A9}", "COPY": "\u{A9}", "reg": "\u{AE}", "REG": "\u{AE}",
        "shy": "\u{AD}", "deg": "\u{B0}", "middot": "\u{B7}", "laquo": "\u{AB}", "raquo": "\u{BB}",
        "times": "\u{D7}", "divide": "\u{F7}", "sect": "\u{A7}", "para": "\u{B6}", "cent": "\u{A2}",
        "pound": "\u{A3}", "yen": "\u{A5}", "euro": "\u{20AC}", "sol": "/", "colon": ":",
        "quest": "?", "num": "#", "equals": "=", "percnt": "%", "lpar": "(", "rpar": ")",
        "lsqb": "[", "rsqb": "]", "lbrack": "[", "rbrack": "]", "lcub": "{", "rcub": "}",
        "commat": "@", "excl": "!", "dollar": "$", "plus": "+", "comma": ",", "period": ".",
        "semi": ";", "bsol": "\\", "Tab": "\t", "NewLine": "\n", "hyphen": "\u{2010}",
        "ndash": "\u{2013}", "mdash": "\u{2014}", "hellip": "\u{2026}", "trade": "\u{2122}",
    ]
}
