// SPDX-License-Identifier: Apache-2.0

/// The `href` of a page's first `<base>` element that has one (the document's base URL,
/// before it is resolved against the page's URL), found by a scan of the decoded text: the
/// tag name case-insensitively, its attributes quoted, unquoted or bare.
public enum BaseHref {
    /// The raw value (character references not yet decoded), or nil.
    public static func find(in html: [UInt8]) -> String? {
        var i = 0
        let n = html.count
        while i + 5 < n {
            guard html[i] == UInt8(ascii: "<"), matchesBase(html, i + 1) else { i += 1; continue }
            var j = i + 5
            guard j < n, isSpace(html[j]) || html[j] == UInt8(ascii: "/") || html[j] == UInt8(ascii: ">") else {
                i += 1
                continue
            }
            if let href = attribute("href", html, from: &j) { return href }
            i = j
        }
        return nil
    }

    private static func matchesBase(_ h: [UInt8], _ i: Int) -> Bool {
        let name = Array("base".utf8)
        guard i + 4 <= h.count else { return false }
        for k in 0..<4 where h[i + k] | 0x20 != name[k] { return false }
        return true
    }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D
    }

    /// Reads the tag's attributes from `j` to its `>`; the value of `wanted`, if present.
    private static func attribute(_ wanted: String, _ h: [UInt8], from j: inout Int) -> String? {
        let n = h.count
        var found: String? = nil
        while j < n {
            while j < n, isSpace(h[j]) || h[j] == UInt8(ascii: "/") { j += 1 }
            guard j < n, h[j] != UInt8(ascii: ">") else { break }
            let nameStart = j
            while j < n, !isSpace(h[j]), h[j] != UInt8(ascii: "="), h[j] != UInt8(ascii: ">"),
                  h[j] != UInt8(ascii: "/") || j == nameStart { j += 1 }
            let name = String(decoding: h[nameStart..<j], as: UTF8.self).lowercased()
            while j < n, isSpace(h[j]) { j += 1 }
            var value = ""
            if j < n, h[j] == UInt8(ascii: "=") {
                j += 1
                while j < n, isSpace(h[j]) { j += 1 }
                if j < n, h[j] == UInt8(ascii: "\"") || h[j] == UInt8(ascii: "'") {
                    let quote = h[j]
                    j += 1
                    let start = j
                    while j < n, h[j] != quote { j += 1 }
                    value = String(decoding: h[start..<j], as: UTF8.self)
                    if j < n { j += 1 }
                } else {
                    let start = j
                    while j < n, !isSpace(h[j]), h[j] != UInt8(ascii: ">") { j += 1 }
                    value = String(decoding: h[start..<j], as: UTF8.self)
                }
            }
            // The first attribute of a name counts, as in the HTML tokenizer.
            if name == wanted && found == nil { found = value }
        }
        if j < n { j += 1 }
        return found
    }
}
