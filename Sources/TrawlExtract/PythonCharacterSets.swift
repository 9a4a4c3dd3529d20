// SPDX-License-Identifier: Apache-2.0

/// Character sets where Python's `re` (3.11, Unicode 14.0) and PCRE2 10.42 with `PCRE2_UCP`
/// disagree, measured by tools run over every code point (see docs/extraction.md).
enum PythonCharacterSets {
    /// Python's `\s` for `str` patterns: `str.isspace()`. PCRE2's UCP `\s` lacks U+001C-U+001F
    /// and has U+180E, so trawl always spells the set out.
    static let unicodeSpace: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x1C...0x20, 0x85...0x85, 0xA0...0xA0, 0x1680...0x1680,
        0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000,
    ]
    /// `\s` under `re.ASCII`: `" \t\n\r\f\v"` only.
    static let asciiSpace: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20]
    static let asciiWord: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let asciiDigit: [ClosedRange<UInt32>] = [0x30...0x39]

    /// Groups of characters that Python's IGNORECASE treats as one and PCRE2's caseless
    /// matching splits (Python lower-cases both sides and adds `sre_compile._equivalences`).
    /// Every other case-insensitive pair agrees; in each group PCRE2 only ever matches a
    /// subset of what Python matches, so adding the whole group is exact.
    static let caseFoldGroups: [[UInt32]] = [
        [0x49, 0x69, 0x130, 0x131],   // I i İ ı
        [0x390, 0x1FD3],              // ΐ ΐ
        [0x3B0, 0x1FE3],              // ΰ ΰ
        [0xFB05, 0xFB06],             // ﬅ ﬆ
    ]

    /// The groups that hold at least one character of `ranges`.
    static func foldGroups(touching ranges: [ClosedRange<UInt32>]) -> [[UInt32]] {
        caseFoldGroups.filter { group in group.contains { c in ranges.contains { $0.contains(c) } } }
    }

    /// The complement of `ranges` within 0...0x10FFFF.
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if r.lowerBound > next { result.append(next...(r.lowerBound - 1)) }
            next = max(next, r.upperBound &+ 1)
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }
}
