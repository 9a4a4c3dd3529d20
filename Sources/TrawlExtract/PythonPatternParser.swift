// SPDX-License-Identifier: Apache-2.0

/// A pattern Python's `re` would reject, or one trawl cannot translate: Python's message and
/// the code point offset into the Python source.
struct TranslationError: Error {
    var message: String
    var offset: Int
}

/// A recursive-descent parser for Python 3.11 `re` syntax on `str` patterns, following
/// `sre_parse.py` rule for rule (including its error messages) so that the same patterns are
/// accepted and rejected.
struct PythonPatternParser {
    private let src: [UInt32]
    private var i = 0
    private var flags: ScopeFlags
    /// Flags set by `(?...)` groups at the start of the pattern; they apply to all of it.
    private(set) var globalFlags: ScopeFlags
    private(set) var groupCount = 0
    private var groupNames: [String: Int] = [:]
    private var openGroups: Set<Int> = []
    /// `getwidth()` of every closed group: a backreference is as wide as its group (Python's
    /// look-behind rule counts it so).
    private var groupWidths: [Int: (min: Int, max: Int?)] = [:]
    /// Inside a look-behind: the groups opened before it (`state.lookbehindgroups`), the only
    /// ones a reference there may name.
    private var lookbehindGroups: Int?
    private var conditionRefs: [(group: Int, pos: Int)] = []
    private var sawUnicodeFlag: Bool

    init(source: String, flags: ScopeFlags, unicodeFlag: Bool) {
        src = source.unicodeScalars.map(\.value)
        self.flags = flags
        globalFlags = flags
        sawUnicodeFlag = unicodeFlag
    }

    /// Parses the whole pattern.
    mutating func parse() throws(TranslationError) -> Node {
        let node = try parseAlternation(nested: false)
        if i < src.count { throw TranslationError(message: "unbalanced parenthesis", offset: i) }
        for ref in conditionRefs where ref.group > groupCount {
            throw TranslationError(message: "invalid group reference \(ref.group)", offset: ref.pos)
        }
        return node
    }

    // MARK: Characters

    private func peek(_ k: Int = 0) -> UInt32? { i + k < src.count ? src[i + k] : nil }
    private func at(_ c: Character) -> Bool { peek() == c.unicodeScalars.first?.value }
    private mutating func take(_ c: Character) -> Bool {
        if at(c) { i += 1; return true }
        return false
    }
    private static func isDigit(_ c: UInt32?) -> Bool { c.map { (0x30...0x39).contains($0) } ?? false }
    private static func isOctal(_ c: UInt32?) -> Bool { c.map { (0x30...0x37).contains($0) } ?? false }
    private static func hexValue(_ c: UInt32?) -> UInt32? {
        guard let c else { return nil }
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
    private static func isASCIILetter(_ c: UInt32) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
    private static func isVerboseSpace(_ c: UInt32) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
    private func text(_ from: Int, _ to: Int) -> String {
        var s = String.UnicodeScalarView()
        for k in from..<min(to, src.count) { if let u = Unicode.Scalar(src[k]) { s.append(u) } }
        return String(s)
    }

    // MARK: Structure

    private mutating func parseAlternation(nested: Bool) throws(TranslationError) -> Node {
        var branches = [try parseSequence(nested: nested)]
        while take("|") { branches.append(try parseSequence(nested: nested)) }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence(nested: Bool) throws(TranslationError) -> Node {
        var items: [Node] = []
        var lastIsGlobalFlagsOnly = true
        while let c = peek(), c != 0x7C, c != 0x29 {  // '|' ')'
            if flags.verbose {
                if Self.isVerboseSpace(c) { i += 1; continue }
                if c == 0x23 {  // '#'
                    while let d = peek(), d != 0x0A { _ = d; i += 1 }
                    continue
                }
            }
            let start = i
            switch c {
            case 0x2A, 0x2B, 0x3F:  // * + ?
                i += 1
                try applyQuantifier(to: &items, min: c == 0x2B ? 1 : 0, max: c == 0x3F ? 1 : nil, pos: start)
                continue
            case 0x7B:  // {
                i += 1
                if let (lo, hi) = try parseBraces() {
                    try applyQuantifier(to: &items, min: lo, max: hi, pos: start)
                } else {
                    items.append(.literal(c, flags, pos: start))
                }
                continue
            default:
                break
            }
            switch c {
            case 0x5B: items.append(try parseClass())
            case 0x2E: i += 1; items.append(.any(flags, pos: start))
            case 0x5E: i += 1; items.append(.anchor(.lineStart, flags, pos: start))
            case 0x24: i += 1; items.append(.anchor(.lineEnd, flags, pos: start))
            case 0x28:
                let first = !nested && lastIsGlobalFlagsOnly && items.isEmpty
                if let node = try parseGroup(first: first) { items.append(node) }
            case 0x5C: items.append(try parseEscape())
            default: i += 1; items.append(.literal(c, flags, pos: start))
            }
            if !items.isEmpty { lastIsGlobalFlagsOnly = false }
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .sequence(items))
    }

    /// `{m,n}` after the `{`; `nil` (and the position restored) when it is a literal `{`.
    private mutating func parseBraces() throws(TranslationError) -> (Int, Int?)? {
        let here = i
        if at("}") { return nil }
        var lo = "", hi = ""
        while Self.isDigit(peek()) { lo.unicodeScalars.append(Unicode.Scalar(UInt8(src[i]))); i += 1 }
        if take(",") {
            while Self.isDigit(peek()) { hi.unicodeScalars.append(Unicode.Scalar(UInt8(src[i]))); i += 1 }
        } else {
            hi = lo
        }
        guard take("}") else { i = here; return nil }
        let maxRepeat = 4_294_967_295
        let minValue = lo.isEmpty ? 0 : (Int(lo) ?? Int.max)
        if minValue >= maxRepeat { throw TranslationError(message: "the repetition number is too large", offset: here) }
        var maxValue: Int? = nil
        if !hi.isEmpty {
            let m = Int(hi) ?? Int.max
            if m >= maxRepeat { throw TranslationError(message: "the repetition number is too large", offset: here) }
            if m < minValue { throw TranslationError(message: "min repeat greater than max repeat", offset: here) }
            maxValue = m
        }
        return (minValue, maxValue)
    }

    private mutating func applyQuantifier(to items: inout [Node], min: Int, max: Int?, pos: Int) throws(TranslationError) {
        guard let last = items.last else { throw TranslationError(message: "nothing to repeat", offset: pos) }
        switch last {
        case .anchor, .empty: throw TranslationError(message: "nothing to repeat", offset: pos)
        case .repeated: throw TranslationError(message: "multiple repeat", offset: pos)
        default: break
        }
        var kind = Quantifier.greedy
        if take("?") { kind = .lazy } else if take("+") { kind = .possessive }
        items[items.count - 1] = .repeated(last, min: min, max: max, kind, pos: pos)
    }

    // MARK: Groups

    private mutating func parseGroupName(terminator: Character) throws(TranslationError) -> String {
        let start = i
        while let c = peek(), c != terminator.unicodeScalars.first?.value { i += 1 }
        guard i < src.count else { throw TranslationError(message: "missing \(terminator), unterminated name", offset: start) }
        let name = text(start, i)
        i += 1
        if name.isEmpty { throw TranslationError(message: "missing group name", offset: start) }
        guard Self.isIdentifier(name) else {
            throw TranslationError(message: "bad character in group name '\(name)'", offset: start)
        }
        return name
    }

    private static func isIdentifier(_ s: String) -> Bool {
        for (k, u) in s.unicodeScalars.enumerated() {
            let ok = k == 0 ? (u.properties.isXIDStart || u == "_") : u.properties.isXIDContinue
            if !ok { return false }
        }
        return true
    }

    /// Parses `(...)`; `nil` for groups that match nothing (comments, global flags).
    private mutating func parseGroup(first: Bool) throws(TranslationError) -> Node? {
        let start = i
        i += 1
        var capture = true
        var name: String?
        if take("?") {
            guard let c = peek() else { throw TranslationError(message: "unexpected end of pattern", offset: i) }
            i += 1
            switch c {
            case 0x3A: capture = false  // (?:
            case 0x50:  // (?P
                if peek() == nil { throw TranslationError(message: "unexpected end of pattern", offset: i) }
                if take("<") {
                    name = try parseGroupName(terminator: ">")
                } else if take("=") {
                    let nameStart = i
                    let ref = try parseGroupName(terminator: ")")
                    guard let g = groupNames[ref] else {
                        throw TranslationError(message: "unknown group name '\(ref)'", offset: nameStart)
                    }
                    if openGroups.contains(g) {
                        throw TranslationError(message: "cannot refer to an open group", offset: nameStart)
                    }
                    try checkLookbehindGroup(g)
                    return .backreference(g, flags, width: groupWidths[g] ?? (0, nil), pos: start)
                } else {
                    let what = peek().flatMap(Unicode.Scalar.init).map { String($0) } ?? ""
                    throw TranslationError(message: "unknown extension ?P\(what)", offset: start + 1)
                }
            case 0x3D, 0x21:  // (?= (?!
                let inner = try parseSubpattern(start: start)
                return .lookaround(behind: false, negative: c == 0x21, inner, pos: start)
            case 0x3C:  // (?<
                guard let d = peek(), d == 0x3D || d == 0x21 else {
                    let what = peek().flatMap(Unicode.Scalar.init).map { String($0) } ?? ""
                    throw TranslationError(message: "unknown extension ?<\(what)", offset: start + 1)
                }
                i += 1
                let outerLookbehind = lookbehindGroups
                if outerLookbehind == nil { lookbehindGroups = groupCount }
                defer { lookbehindGroups = outerLookbehind }
                let inner = try parseSubpattern(start: start)
                let w = inner.width
                guard w.max == w.min else {
                    throw TranslationError(message: "look-behind requires fixed-width pattern", offset: start)
                }
                return .lookaround(behind: true, negative: d == 0x21, inner, pos: start)
            case 0x23:  // (?# comment
                while let d = peek(), d != 0x29 { i += 1 }
                guard take(")") else {
                    throw TranslationError(message: "missing ), unterminated comment", offset: start)
                }
                return nil
            case 0x3E:  // (?>
                return .atomic(try parseSubpattern(start: start), pos: start)
            case 0x28:  // (?(
                return try parseConditional(start: start)
            default:
                let flagLetters: Set<UInt32> = [0x61, 0x69, 0x4C, 0x6D, 0x73, 0x75, 0x78, 0x2D]
                guard flagLetters.contains(c) else {
                    let what = Unicode.Scalar(c).map { String($0) } ?? ""
                    throw TranslationError(message: "unknown extension ?\(what)", offset: start + 1)
                }
                i -= 1
                return try parseFlagGroup(start: start, first: first)
            }
        }
        var index: Int?
        if capture {
            groupCount += 1
            index = groupCount
            if let name {
                if let old = groupNames[name] {
                    throw TranslationError(
                        message: "redefinition of group name '\(name)' as group \(groupCount); was group \(old)",
                        offset: start + 4)
                }
                groupNames[name] = groupCount
            }
            openGroups.insert(groupCount)
        }
        let inner = try parseSubpattern(start: start)
        if let index {
            openGroups.remove(index)
            let w = inner.width
            groupWidths[index] = w
        }
        return .group(index: index, inner, pos: start)
    }

    /// The body of a group up to and including its `)`, with the flags restored after it.
    private mutating func parseSubpattern(start: Int) throws(TranslationError) -> Node {
        let saved = flags
        let node = try parseAlternation(nested: true)
        flags = saved
        guard take(")") else { throw TranslationError(message: "missing ), unterminated subpattern", offset: start) }
        return node
    }

    private mutating func parseConditional(start: Int) throws(TranslationError) -> Node {
        let nameStart = i
        let name: String
        do {
            let s = i
            while let c = peek(), c != 0x29 { i += 1 }
            guard i < src.count else { throw TranslationError(message: "missing ), unterminated name", offset: s) }
            name = text(s, i)
            i += 1
        }
        if name.isEmpty { throw TranslationError(message: "missing group name", offset: nameStart) }
        let group: Int
        if let g = groupNames[name] {
            group = g
        } else if name.unicodeScalars.allSatisfy({ Self.isDigit($0.value) }), let g = Int(name) {
            if g == 0 { throw TranslationError(message: "bad group number", offset: nameStart) }
            group = g
            conditionRefs.append((g, nameStart))
        } else if Self.isIdentifier(name) {
            throw TranslationError(message: "unknown group name '\(name)'", offset: nameStart)
        } else {
            throw TranslationError(message: "bad character in group name '\(name)'", offset: nameStart)
        }
        try checkLookbehindGroup(group)
        let saved = flags
        let yes = try parseSequence(nested: true)
        var no: Node?
        if take("|") {
            no = try parseSequence(nested: true)
            if at("|") { throw TranslationError(message: "conditional backref with more than two branches", offset: i) }
        }
        flags = saved
        guard take(")") else { throw TranslationError(message: "missing ), unterminated subpattern", offset: start) }
        return .conditional(group: group, yes: yes, no: no, pos: start)
    }

    /// `(?aimsux)`, `(?aimsux-imsx:...)`, as `sre_parse._parse_flags`.
    private mutating func parseFlagGroup(start: Int, first: Bool) throws(TranslationError) -> Node? {
        var add = ScopeFlags(), del = ScopeFlags()
        var addA = false, addU = false
        func setFlag(_ f: inout ScopeFlags, _ c: UInt32) -> Bool {
            switch c {
            case 0x69: f.ignoreCase = true
            case 0x6D: f.multiline = true
            case 0x73: f.dotAll = true
            case 0x78: f.verbose = true
            default: return false
            }
            return true
        }
        func unknown(_ c: UInt32?, _ otherwise: String) -> TranslationError {
            let isAlpha = c.flatMap(Unicode.Scalar.init).map { $0.properties.isAlphabetic } ?? false
            return TranslationError(message: isAlpha ? "unknown flag" : otherwise, offset: i)
        }
        var c = peek()
        if c != 0x2D {
            while true {
                guard let ch = c else { throw TranslationError(message: "missing -, : or )", offset: i) }
                if ch == 0x4C {
                    throw TranslationError(message: "bad inline flags: cannot use 'L' flag with a str pattern", offset: i + 1)
                } else if ch == 0x61 {
                    addA = true
                } else if ch == 0x75 {
                    addU = true
                } else if !setFlag(&add, ch) {
                    throw unknown(ch, "missing -, : or )")
                }
                if addA && addU {
                    throw TranslationError(message: "bad inline flags: flags 'a', 'u' and 'L' are incompatible", offset: i + 1)
                }
                i += 1
                c = peek()
                guard let next = c else { throw TranslationError(message: "missing -, : or )", offset: i) }
                if next == 0x29 || next == 0x2D || next == 0x3A { break }
                let letters: Set<UInt32> = [0x61, 0x69, 0x4C, 0x6D, 0x73, 0x75, 0x78]
                if !letters.contains(next) { throw unknown(next, "missing -, : or )") }
            }
        }
        if c == 0x29 {  // global flags
            i += 1
            guard first else {
                throw TranslationError(message: "global flags not at the start of the expression", offset: start)
            }
            if addU && flags.ascii { throw TranslationError(message: "ASCII and UNICODE flags are incompatible", offset: start) }
            if addA && sawUnicodeFlag { throw TranslationError(message: "ASCII and UNICODE flags are incompatible", offset: start) }
            if addU { sawUnicodeFlag = true }
            if add.ignoreCase { flags.ignoreCase = true }
            if add.multiline { flags.multiline = true }
            if add.dotAll { flags.dotAll = true }
            if add.verbose { flags.verbose = true }
            if addA { flags.ascii = true }
            globalFlags = flags
            return nil
        }
        if c == 0x2D {
            i += 1
            guard let first = peek() else { throw TranslationError(message: "missing flag", offset: i) }
            var ch = first
            while true {
                if ch == 0x61 || ch == 0x75 || ch == 0x4C {
                    throw TranslationError(message: "bad inline flags: cannot turn off flags 'a', 'u' and 'L'", offset: i + 1)
                }
                if !setFlag(&del, ch) { throw unknown(ch, ch == first ? "missing flag" : "missing :") }
                i += 1
                guard let next = peek() else { throw TranslationError(message: "missing :", offset: i) }
                if next == 0x3A { break }
                ch = next
            }
        }
        i += 1  // ':'
        if (add.ignoreCase && del.ignoreCase) || (add.multiline && del.multiline)
            || (add.dotAll && del.dotAll) || (add.verbose && del.verbose) {
            throw TranslationError(message: "bad inline flags: flag turned on and off", offset: i - 1)
        }
        let outer = flags
        var inner = flags
        if add.ignoreCase { inner.ignoreCase = true }
        if add.multiline { inner.multiline = true }
        if add.dotAll { inner.dotAll = true }
        if add.verbose { inner.verbose = true }
        if del.ignoreCase { inner.ignoreCase = false }
        if del.multiline { inner.multiline = false }
        if del.dotAll { inner.dotAll = false }
        if del.verbose { inner.verbose = false }
        if addA { inner.ascii = true }
        if addU { inner.ascii = false }
        flags = inner
        let body = try parseSubpattern(start: start)
        flags = outer
        return .scoped(outer: outer, inner: inner, body, pos: start)
    }

    /// `state.checklookbehindgroup`: inside a look-behind, a reference must name a closed
    /// group opened before the look-behind.
    private func checkLookbehindGroup(_ g: Int) throws(TranslationError) {
        guard let before = lookbehindGroups else { return }
        if openGroups.contains(g) || g > groupCount {
            throw TranslationError(message: "cannot refer to an open group", offset: i)
        }
        if g > before {
            throw TranslationError(message: "cannot refer to group defined in the same lookbehind subpattern", offset: i)
        }
    }

    // MARK: Escapes

    /// An escape outside a class, as `sre_parse._escape`.
    private mutating func parseEscape() throws(TranslationError) -> Node {
        let start = i
        i += 1
        guard let c = peek() else { throw TranslationError(message: "bad escape (end of pattern)", offset: start) }
        i += 1
        switch c {
        case 0x41: return .anchor(.stringStart, flags, pos: start)
        case 0x5A: return .anchor(.stringEnd, flags, pos: start)
        case 0x62: return .anchor(.wordBoundary, flags, pos: start)
        case 0x42: return .anchor(.notWordBoundary, flags, pos: start)
        case 0x64, 0x44, 0x77, 0x57, 0x73, 0x53:
            return .set(items: [Self.category(c)], negated: false, flags, pos: start)
        case 0x30:  // \0: octal, up to two more digits
            var value: UInt32 = 0
            for _ in 0..<2 where Self.isOctal(peek()) { value = value * 8 + src[i] - 0x30; i += 1 }
            return .literal(value, flags, pos: start)
        case 0x31...0x39:
            var digits = [c]
            if Self.isDigit(peek()) {
                digits.append(src[i]); i += 1
                if Self.isOctal(digits[0]) && Self.isOctal(digits[1]) && Self.isOctal(peek()) {
                    digits.append(src[i]); i += 1
                    let value = digits.reduce(UInt32(0)) { $0 * 8 + $1 - 0x30 }
                    if value > 0o377 {
                        throw TranslationError(
                            message: "octal escape value \\\(text(start + 1, i)) outside of range 0-0o377", offset: start)
                    }
                    return .literal(value, flags, pos: start)
                }
            }
            let group = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard group <= groupCount else {
                throw TranslationError(message: "invalid group reference \(group)", offset: start + 1)
            }
            if openGroups.contains(group) { throw TranslationError(message: "cannot refer to an open group", offset: start) }
            try checkLookbehindGroup(group)
            return .backreference(group, flags, width: groupWidths[group] ?? (0, nil), pos: start)
        default:
            return .literal(try parseCharacterEscape(c, start: start, inClass: false), flags, pos: start)
        }
    }

    private static func category(_ c: UInt32) -> ClassItem {
        switch c {
        case 0x64: .category(.digit, negated: false)
        case 0x44: .category(.digit, negated: true)
        case 0x77: .category(.word, negated: false)
        case 0x57: .category(.word, negated: true)
        case 0x73: .category(.space, negated: false)
        default: .category(.space, negated: true)
        }
    }

    /// Escapes that stand for one character, shared by both contexts; `c` is already taken.
    private mutating func parseCharacterEscape(_ c: UInt32, start: Int, inClass: Bool) throws(TranslationError) -> UInt32 {
        switch c {
        case 0x61: return 0x07
        case 0x66: return 0x0C
        case 0x6E: return 0x0A
        case 0x72: return 0x0D
        case 0x74: return 0x09
        case 0x76: return 0x0B
        case 0x78, 0x75, 0x55:  // \x \u \U
            let count = c == 0x78 ? 2 : (c == 0x75 ? 4 : 8)
            var value: UInt32 = 0
            var n = 0
            while n < count, let h = Self.hexValue(peek()) { value = value &* 16 &+ h; i += 1; n += 1 }
            guard n == count else {
                throw TranslationError(message: "incomplete escape \\\(text(start + 1, i))", offset: start)
            }
            if value > 0x10FFFF { throw TranslationError(message: "bad escape \\\(text(start + 1, i))", offset: start) }
            return value
        case 0x4E:  // \N{NAME}
            guard take("{") else { throw TranslationError(message: "missing {", offset: i) }
            let nameStart = i
            while let d = peek(), d != 0x7D { i += 1 }
            guard take("}") else { throw TranslationError(message: "missing }, unterminated name", offset: nameStart) }
            let name = text(nameStart, i - 1)
            guard !name.isEmpty else { throw TranslationError(message: "missing character name", offset: nameStart) }
            guard let value = Self.lookupName(name) else {
                throw TranslationError(message: "undefined character name '\(name)'", offset: start)
            }
            return value
        default:
            if inClass && Self.isOctal(c) {
                var value = c - 0x30
                for _ in 0..<2 where Self.isOctal(peek()) { value = value * 8 + src[i] - 0x30; i += 1 }
                if value > 0o377 {
                    throw TranslationError(
                        message: "octal escape value \\\(text(start + 1, i)) outside of range 0-0o377", offset: start)
                }
                return value
            }
            if Self.isASCIILetter(c) || (inClass && Self.isDigit(c)) {
                throw TranslationError(message: "bad escape \\\(text(start + 1, i))", offset: start)
            }
            return c
        }
    }

    /// `unicodedata.lookup` for `\N{...}`: Unicode names, case-insensitive as Python's.
    private static func lookupName(_ name: String) -> UInt32? {
        unicodeNames[name.uppercased()]
    }

    /// Every scalar's name and name alias (the lowest scalar wins, as the scan it replaces did),
    /// built once per process at the first `\N{...}`: scanning all 1.1 million scalars for
    /// each escape took about a second per unknown name, so a pattern with many of them
    /// compiled for minutes (found by Fuzz/FuzzRegex). Only the planes that hold named
    /// characters are read (0-3 and 14, without the private use area): planes 4-13 are
    /// unassigned and private use characters have no name, and skipping them makes the one
    /// scan a quarter as long (it still took 9 s of wall time under ASan on a loaded machine).
    private static let unicodeNames: [String: UInt32] = {
        var names: [String: UInt32] = [:]
        names.reserveCapacity(160_000)
        let named: [Range<UInt32>] = [0..<0xE000, 0xF900..<0x40000, 0xE0000..<0xE1000]
        for v in named.joined() {
            guard let u = Unicode.Scalar(v) else { continue }
            if let n = u.properties.name, names[n] == nil { names[n] = v }
            if let a = u.properties.nameAlias, names[a] == nil { names[a] = v }
        }
        return names
    }()

    // MARK: Classes

    private mutating func parseClassAtom() throws(TranslationError) -> (item: ClassItem, literal: UInt32?) {
        let start = i
        guard let c = peek() else { throw TranslationError(message: "unterminated character set", offset: start) }
        i += 1
        guard c == 0x5C else { return (.range(c...c), c) }
        guard let e = peek() else { throw TranslationError(message: "bad escape (end of pattern)", offset: start) }
        i += 1
        switch e {
        case 0x64, 0x44, 0x77, 0x57, 0x73, 0x53: return (Self.category(e), nil)
        case 0x62: return (.range(8...8), 8)
        default:
            let v = try parseCharacterEscape(e, start: start, inClass: true)
            return (.range(v...v), v)
        }
    }

    /// `[...]`, as the class branch of `sre_parse._parse`.
    private mutating func parseClass() throws(TranslationError) -> Node {
        let here = i
        i += 1
        let negated = take("^")
        var items: [ClassItem] = []
        while true {
            guard peek() != nil else { throw TranslationError(message: "unterminated character set", offset: here) }
            if at("]") && !items.isEmpty { i += 1; break }
            let atomStart = i
            let (item1, lit1) = try parseClassAtom()
            if take("-") {
                guard peek() != nil else { throw TranslationError(message: "unterminated character set", offset: here) }
                if take("]") {
                    items.append(item1)
                    items.append(.range(0x2D...0x2D))
                    break
                }
                let (_, lit2) = try parseClassAtom()
                guard let lo = lit1, let hi = lit2, lo <= hi else {
                    throw TranslationError(message: "bad character range \(text(atomStart, i))", offset: atomStart)
                }
                items.append(.range(lo...hi))
            } else {
                items.append(item1)
            }
        }
        return .set(items: items, negated: negated, flags, pos: here)
    }
}
