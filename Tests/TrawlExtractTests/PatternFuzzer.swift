// SPDX-License-Identifier: Apache-2.0

import TrawlTestSupport

/// The constructs the fuzzer's grammar writes; every generated case lists those it holds, so
/// that the run can count them and CI can require each one often enough.
enum FuzzConstruct: String, CaseIterable, Codable, Sendable {
    case asciiLiteral, nonASCIILiteral, astralLiteral, escapedLiteral, dot
    case characterClass, classRange, negatedClass, categoryEscape, wordBoundary, notWordBoundary
    case capturingGroup, nonCapturingGroup, namedGroup, atomicGroup, alternation, emptyBranch
    case greedyRepeat, lazyRepeat, possessiveRepeat, boundedRepeat
    case lineAnchor, stringAnchor, lookahead, lookbehind, backreference, conditional
    case globalInlineFlags, scopedFlags
    case flagIgnoreCase, flagMultiline, flagDotAll, flagVerbose, flagASCII, flagASCIIIgnoreCase
}

/// One generated pattern with its flags and the subjects it is run on.
struct FuzzCase: Codable, Sendable {
    var pattern: String
    var flags: UInt32
    var subjects: [String]
    var constructs: Set<FuzzConstruct>
}

/// A grammar-based generator of Python `re` patterns and of subjects over an alphabet that
/// makes matches likely: ASCII letters and the characters whose case folding, spacing or
/// width differs between engines (ſ K ß ı İ σ ς µ, Unicode spaces, combining marks, CRLF,
/// astral characters).
struct PatternFuzzer {
    private var rng: SplitMix64
    private var constructs: Set<FuzzConstruct> = []
    private var groups = 0
    private var closedGroups: [Int] = []
    /// Fixed widths of closed groups, for references inside look-behinds.
    private var groupWidths: [Int: Int] = [:]
    private var names: [String] = []
    /// Characters the pattern names: subjects draw on them so that matches are likely.
    private var used: [String] = []

    init(seed: UInt64) { rng = SplitMix64(state: seed) }

    /// Characters of subjects. Patterns name no astral upper-case letter (U+10400 is in
    /// subjects only): CPython 3.11 never matches one inside an IGNORECASE set, nor in an
    /// alternation of single characters, which its parser turns into a set (a CPython bug,
    /// docs/extraction.md).
    static let alphabet: [String] = [
        "a", "b", "c", "x", "A", "B", "S", "s", "k", "K", "i", "I", "0", "1", "9", "_", "-", ".", "<", ">",
        "\"", "'", "=", " ", " ", "\n", "\r\n", "\t", "ſ", "\u{212A}", "ß", "ẞ", "ı", "İ", "σ", "ς", "Σ",
        "µ", "μ", "é", "e\u{301}", "\u{301}", "\u{A0}", "\u{2028}", "\u{3000}", "\u{1C}", "\u{85}",
        "😀", "𝔘", "\u{10400}", "\u{10428}", "日",
    ]

    private mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }
    private mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    private mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.next() % UInt64(r.count)) }

    /// The next case: a pattern and `subjects` subjects.
    mutating func next(subjects count: Int) -> FuzzCase {
        constructs = []
        groups = 0
        closedGroups = []
        groupWidths = [:]
        names = []
        used = []
        var flags: UInt32 = 0
        var prefix = ""
        // Flags: as the flags argument, or as global inline flags at the start.
        let letters: [(Character, UInt32)] = [("i", 2), ("m", 8), ("s", 16), ("x", 64), ("a", 256)]
        for (letter, bit) in letters where chance(0.22) {
            if chance(0.3) { prefix.append(letter) } else { flags |= bit }
        }
        if !prefix.isEmpty { constructs.insert(.globalInlineFlags) }
        let all = flags | letters.filter { prefix.contains($0.0) }.reduce(0) { $0 | $1.1 }
        if all & 2 != 0 { constructs.insert(.flagIgnoreCase) }
        if all & 8 != 0 { constructs.insert(.flagMultiline) }
        if all & 16 != 0 { constructs.insert(.flagDotAll) }
        if all & 64 != 0 { constructs.insert(.flagVerbose) }
        if all & 256 != 0 { constructs.insert(.flagASCII) }
        if all & 258 == 258 { constructs.insert(.flagASCIIIgnoreCase) }
        let body = alternation(depth: 0, fixedWidth: false)
        let pattern = (prefix.isEmpty ? "" : "(?\(prefix))") + body.text
        var subjects: [String] = []
        for _ in 0..<count { subjects.append(subject()) }
        return FuzzCase(pattern: pattern, flags: flags, subjects: subjects, constructs: constructs)
    }

    private mutating func subject() -> String {
        var s = ""
        for _ in 0..<int(0...16) { s += !used.isEmpty && chance(0.6) ? pick(used) : pick(Self.alphabet) }
        return s
    }

    /// Generated text and its width (`nil` when not fixed), for Python's look-behind rule.
    private struct Piece {
        var text: String
        var width: Int?
    }

    private mutating func alternation(depth: Int, fixedWidth: Bool) -> Piece {
        var branches = [sequence(depth: depth, fixedWidth: fixedWidth)]
        if depth < 3, chance(0.25) {
            constructs.insert(.alternation)
            for _ in 0..<int(1...2) {
                if chance(0.25) && !fixedWidth {
                    constructs.insert(.emptyBranch)
                    branches.append(Piece(text: "", width: 0))
                } else {
                    branches.append(sequence(depth: depth, fixedWidth: fixedWidth))
                }
            }
            if !fixedWidth, chance(0.15) {
                constructs.insert(.emptyBranch)
                branches.insert(Piece(text: "", width: 0), at: 0)
            }
        }
        let widths = Set(branches.map(\.width))
        return Piece(text: branches.map(\.text).joined(separator: "|"), width: widths.count == 1 ? branches[0].width : nil)
    }

    private mutating func sequence(depth: Int, fixedWidth: Bool) -> Piece {
        var text = ""
        var width: Int? = 0
        for _ in 0..<int(1...(depth == 0 ? 4 : 2)) {
            let item = quantified(depth: depth, fixedWidth: fixedWidth)
            text += item.text
            width = width.flatMap { w in item.width.map { w + $0 } }
        }
        return Piece(text: text, width: width)
    }

    private mutating func quantified(depth: Int, fixedWidth: Bool) -> Piece {
        let a = atom(depth: depth, fixedWidth: fixedWidth)
        guard a.repeatable, chance(fixedWidth ? 0.1 : 0.35) else { return a.piece }
        if fixedWidth {
            constructs.insert(.boundedRepeat)
            let n = int(0...3)
            return Piece(text: a.piece.text + "{\(n)}", width: a.piece.width.map { $0 * n })
        }
        var q: String
        switch int(0...5) {
        case 0: q = "*"
        case 1: q = "+"
        case 2: q = "?"
        case 3: q = "{\(int(0...3))}"; constructs.insert(.boundedRepeat)
        case 4: q = "{\(int(0...2)),\(int(2...4))}"; constructs.insert(.boundedRepeat)
        default: q = chance(0.5) ? "{,\(int(1...3))}" : "{\(int(0...2)),}"; constructs.insert(.boundedRepeat)
        }
        switch int(0...5) {
        case 0, 1: q += "?"; constructs.insert(.lazyRepeat)
        case 2: q += "+"; constructs.insert(.possessiveRepeat)
        default: constructs.insert(.greedyRepeat)
        }
        return Piece(text: a.piece.text + q, width: nil)
    }

    private mutating func atom(depth: Int, fixedWidth: Bool) -> (piece: Piece, repeatable: Bool) {
        let roll = int(0...99)
        let nested = depth < 3
        switch roll {
        case 0..<30:
            return (Piece(text: literal(), width: 1), true)
        case 30..<35:
            constructs.insert(.dot)
            return (Piece(text: ".", width: 1), true)
        case 35..<47:
            return (Piece(text: characterClass(), width: 1), true)
        case 47..<53:
            constructs.insert(.categoryEscape)
            return (Piece(text: pick(["\\d", "\\D", "\\w", "\\W", "\\s", "\\S"]), width: 1), true)
        case 53..<58:
            if chance(0.6) {
                constructs.insert(.wordBoundary)
                return (Piece(text: "\\b", width: 0), false)
            }
            constructs.insert(.notWordBoundary)
            return (Piece(text: "\\B", width: 0), false)
        case 58..<63:
            let anchor = pick(["^", "$", "\\A", "\\Z"])
            constructs.insert(anchor.count == 1 ? .lineAnchor : .stringAnchor)
            return (Piece(text: anchor, width: 0), false)
        case 63..<78 where nested:
            return (group(depth: depth, fixedWidth: fixedWidth), true)
        case 78..<84 where nested:
            return (lookaround(depth: depth), false)
        case 84..<92 where !closedGroups.isEmpty:
            let g = pick(closedGroups)
            let w = groupWidths[g]
            if fixedWidth && w == nil { return (Piece(text: literal(), width: 1), true) }
            constructs.insert(.backreference)
            if chance(0.3), let name = names.first {
                return (Piece(text: "(?P=\(name))", width: w), true)
            }
            return (Piece(text: "\\\(g)", width: w), true)
        case 92..<96 where nested && !closedGroups.isEmpty && !fixedWidth:
            constructs.insert(.conditional)
            let g = pick(closedGroups)
            let yes = alternationFree(depth: depth + 1)
            let no = chance(0.5) ? "|" + alternationFree(depth: depth + 1) : ""
            return (Piece(text: "(?(\(g))\(yes)\(no))", width: nil), false)
        default:
            return (Piece(text: literal(), width: 1), true)
        }
    }

    private mutating func alternationFree(depth: Int) -> String {
        sequence(depth: depth, fixedWidth: false).text
    }

    private mutating func group(depth: Int, fixedWidth: Bool) -> Piece {
        let kind = int(0...9)
        var open: String
        var index: Int?
        var name: String?
        switch kind {
        case 0...3:
            constructs.insert(.capturingGroup)
            groups += 1
            index = groups
            open = "("
        case 4:
            constructs.insert(.namedGroup)
            constructs.insert(.capturingGroup)
            groups += 1
            index = groups
            name = "g\(groups)"
            open = "(?P<g\(groups)>"
        case 5:
            constructs.insert(.nonCapturingGroup)
            open = "(?:"
        case 6:
            constructs.insert(.atomicGroup)
            open = "(?>"
        default:
            constructs.insert(.scopedFlags)
            var on = "", off = ""
            for letter in ["i", "m", "s", "x"] {
                switch int(0...3) {
                case 0: on += letter
                case 1: off += letter
                default: break
                }
            }
            if chance(0.15) { on += "a" }
            if on.contains("i") { constructs.insert(.flagIgnoreCase) }
            if on.contains("a") { constructs.insert(.flagASCII) }
            if on.contains("a") && on.contains("i") { constructs.insert(.flagASCIIIgnoreCase) }
            if on.isEmpty && off.isEmpty { on = "i" }
            open = "(?" + on + (off.isEmpty ? "" : "-" + off) + ":"
        }
        let inner = alternation(depth: depth + 1, fixedWidth: fixedWidth)
        if let index {
            closedGroups.append(index)
            if let w = inner.width { groupWidths[index] = w }
        }
        if let name { names.append(name) }
        return Piece(text: open + inner.text + ")", width: inner.width)
    }

    private mutating func lookaround(depth: Int) -> Piece {
        if chance(0.5) {
            constructs.insert(.lookahead)
            let inner = alternation(depth: depth + 1, fixedWidth: false)
            return Piece(text: (chance(0.5) ? "(?=" : "(?!") + inner.text + ")", width: 0)
        }
        constructs.insert(.lookbehind)
        // Python wants a fixed width; a few variable ones check that trawl refuses them too.
        let inner = alternation(depth: depth + 1, fixedWidth: !chance(0.05))
        return Piece(text: (chance(0.5) ? "(?<=" : "(?<!") + inner.text + ")", width: 0)
    }

    private mutating func literal() -> String {
        let roll = int(0...99)
        if roll < 8 {
            constructs.insert(.escapedLiteral)
            return pick(["\\.", "\\-", "\\n", "\\t", "\\x41", "\\u00df", "\\U0001F600", "\\u017f", "\\N{GREEK SMALL LETTER FINAL SIGMA}",
                         "\\101", "\\0", "\\\\", "\\*", "\\{"])
        }
        let c = pick(["a", "b", "c", "x", "A", "S", "s", "k", "K", "i", "I", "0", "9", "_", "-", "<", ">", "\"", "=", " ",
                      "ſ", "\u{212A}", "ß", "ẞ", "ı", "İ", "σ", "ς", "Σ", "µ", "é", "\u{301}", "\u{A0}", "\u{3000}",
                      "😀", "𝔘", "\u{10428}", "\n", "\t"])
        used.append(c)
        let first = c.unicodeScalars.first?.value ?? 0
        if first >= 0x10000 {
            constructs.insert(.astralLiteral)
        } else if first >= 0x80 {
            constructs.insert(.nonASCIILiteral)
        } else {
            constructs.insert(.asciiLiteral)
        }
        return c
    }

    private mutating func characterClass() -> String {
        constructs.insert(.characterClass)
        var s = "["
        if chance(0.3) {
            constructs.insert(.negatedClass)
            s += "^"
        }
        for _ in 0..<int(1...3) {
            switch int(0...5) {
            case 0:
                constructs.insert(.classRange)
                s += pick(["a-c", "A-Z", "0-9", "a-z", "h-j", "\u{3B0}-\u{3C9}", "\u{100}-\u{17F}", "!-/", "\u{1F600}-\u{1F64F}", "R-t"])
            case 1:
                constructs.insert(.categoryEscape)
                s += pick(["\\d", "\\w", "\\s", "\\D", "\\W", "\\S"])
            default:
                let c = pick(["a", "b", "x", "K", "s", "S", "k", "i", "I", ".", "~", "<", ">", "\"", "'", "-", "ſ", "\u{212A}",
                              "ß", "ı", "İ", "σ", "ς", "µ", "é", " ", "😀", "\\]", "\\n", "_", "0"])
                if c.count == 1 && c != "-" { used.append(c) }
                s += c
            }
        }
        return s + "]"
    }
}
