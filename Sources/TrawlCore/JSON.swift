// SPDX-License-Identifier: Apache-2.0

/// Renders results as JSON without Foundation: the library stays small and this is a hot path
/// (one object per URL, 10,000s per batch).
///
/// The object shape is documented in docs/json.md and is the same for the CLI, the C ABI and
/// the bindings:
/// `{"url":…,"final_url":…,"status":…,"content_type":…,"charset":…,"bytes":…,"elapsed_ms":…,
///   "attempts":…,"error":null|{"code":…,"message":…},"matches":{"name":[…],…}}`, and with
/// absolute_links `"matches_raw":{"name":[…]},"unresolved":{"name":[i,…]}` after `matches`,
/// and with follow `"depth":…,"parent":…,"parent_url":…` last.
public enum JSON {
    /// One result as a JSON object on one line, without the trailing newline.
    public static func render(_ r: CrawlResult) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256 + r.url.utf8.count * 2)
        append(r, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one result as a JSON object (no newline) to `out`.
    public static func append(_ r: CrawlResult, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"url":"#.utf8)
        appendString(r.url, to: &out)
        out.append(contentsOf: #","final_url":"#.utf8)
        appendOptional(r.finalURL, to: &out)
        out.append(contentsOf: #","status":"#.utf8)
        if let s = r.status { out.append(contentsOf: String(s).utf8) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","content_type":"#.utf8)
        appendOptional(r.contentType, to: &out)
        out.append(contentsOf: #","charset":"#.utf8)
        appendOptional(r.charset, to: &out)
        out.append(contentsOf: #","bytes":"#.utf8)
        out.append(contentsOf: String(r.bytes).utf8)
        out.append(contentsOf: #","elapsed_ms":"#.utf8)
        appendMilliseconds(r.elapsed, to: &out)
        out.append(contentsOf: #","attempts":"#.utf8)
        out.append(contentsOf: String(r.attempts).utf8)
        out.append(contentsOf: #","error":"#.utf8)
        if let e = r.error {
            out.append(contentsOf: #"{"code":"#.utf8)
            appendString(e.code.name, to: &out)
            out.append(contentsOf: #","message":"#.utf8)
            appendString(e.message, to: &out)
            out.append(UInt8(ascii: "}"))
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","matches":"#.utf8)
        appendMatches(r.matches, to: &out)
        // Only with absolute_links, so that results without it stay as they always were.
        if !r.rawMatches.isEmpty {
            out.append(contentsOf: #","matches_raw":"#.utf8)
            appendMatches(r.rawMatches, to: &out)
            out.append(contentsOf: #","unresolved":{"#.utf8)
            for (i, p) in r.rawMatches.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(p.name, to: &out)
                out.append(contentsOf: ":[".utf8)
                let flags = r[pattern: p.name]?.unresolved ?? []
                out.append(contentsOf: flags.map(String.init).joined(separator: ",").utf8)
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "}"))
        }
        // Only with follow, for the same reason.
        if r.followMode {
            out.append(contentsOf: #","depth":"#.utf8)
            out.append(contentsOf: String(r.depth).utf8)
            out.append(contentsOf: #","parent":"#.utf8)
            out.append(contentsOf: String(r.parent).utf8)
            out.append(contentsOf: #","parent_url":"#.utf8)
            appendOptional(r.parentURL, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `{"name":[…],…}`: each pattern's matches as `re.findall` shapes them.
    static func appendMatches(_ list: [PatternMatches], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, p) in list.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(p.name, to: &out)
            out.append(contentsOf: ":[".utf8)
            p.utf8.withUnsafeBufferPointer { bytes in
                let width = p.width
                for k in 0..<p.ends.count {
                    let g = k % width
                    if g == 0 {
                        if k > 0 { out.append(UInt8(ascii: ",")) }
                        if p.groups > 1 { out.append(UInt8(ascii: "[")) }
                    } else {
                        out.append(UInt8(ascii: ","))
                    }
                    let r = p.range(k)
                    appendString(UnsafeBufferPointer(rebasing: bytes[r]), to: &out)
                    if p.groups > 1 && g == width - 1 { out.append(UInt8(ascii: "]")) }
                }
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    static func appendOptional(_ s: String?, to out: inout [UInt8]) {
        if let s { appendString(s, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// A JSON string literal: `"`, `\` and control characters escaped, the rest raw UTF-8.
    /// Runs of bytes that need no escape (nearly all of a URL) are appended in one piece.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString($0, to: &out) }
    }

    /// A JSON string literal of UTF-8 `bytes`.
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if let base = bytes.baseAddress {
            let n = bytes.count
            var runStart = 0
            var i = 0
            while i < n {
                // Eight bytes at a time while none needs escaping (nearly always).
                while i + 8 <= n && !wordNeedsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                }
                let end = min(i + 8, n)
                while i < end {
                    let b = base[i]
                    if needsEscape(b) {
                        if runStart < i { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
                        appendEscape(b, to: &out)
                        runStart = i + 1
                    }
                    i += 1
                }
            }
            if runStart < n { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart)) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any byte of `x` is below 0x20, `"`, `\` or 0x7F (the classic SWAR tests:
    /// "has a byte less than n" and "has a zero byte" after xor with the value sought).
    @inline(__always)
    static func wordNeedsEscape(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let below0x20 = (x &- ones &* 0x20) & ~x & highs != 0
        return below0x20 || hasZero(x ^ (ones &* 0x22)) || hasZero(x ^ (ones &* 0x5C)) || hasZero(x ^ (ones &* 0x7F))
    }

    @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x7F
    }

    static func appendEscape(_ b: UInt8, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        switch b {
        case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            hex.withUTF8Buffer { h in
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"),
                                        UInt8(ascii: "0"), h[Int(b >> 4)], h[Int(b & 15)]])
            }
        }
    }

    /// Seconds as milliseconds with three decimals, by integer arithmetic so that the output
    /// never shows binary rounding noise (`12.345`, not `12.345000000000001`).
    static func appendMilliseconds(_ seconds: Double, to out: inout [UInt8]) {
        let us = seconds.isFinite && seconds > 0 ? Int((seconds * 1_000_000).rounded()) : 0
        out.append(contentsOf: String(us / 1000).utf8)
        out.append(UInt8(ascii: "."))
        let frac = us % 1000
        if frac < 100 { out.append(UInt8(ascii: "0")) }
        if frac < 10 { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: String(frac).utf8)
    }
}
