// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// A Python pattern translated to PCRE2 syntax (to compile with `PCRE2_UTF | PCRE2_UCP |
/// PCRE2_ALT_CIRCUMFLEX`, newline LF, plus `PCRE2_CASELESS` when ``caseless``).
struct Translation {
    /// The PCRE2 pattern, UTF-8.
    var pattern: [UInt8]
    /// For every byte of ``pattern``, the code point offset in the Python source it came from.
    var sourceOffsets: [Int]
    var groupCount: Int
    var caseless: Bool
    /// Whether the lazy-loop rewrite of the default patterns was applied (docs/extraction.md).
    var linearLoop = false
    /// Whether `(*COMMIT)` stops the search at the first failing start (docs/extraction.md).
    var committed = false
    /// Whether a lazy `.*?` before a stop character became possessive runs (docs/extraction.md).
    var lazyRuns = false
    /// For a committed pattern `A\s(?:.*?\s)*?C`: the same search in two PCRE2 calls
    /// (docs/extraction.md, rule 4).
    var split: SplitSearch?

    /// Translates `source` under `flags`, or throws Python's error for it.
    static func translate(_ source: String, flags: PatternFlags) throws(TranslationError) -> Translation {
        var scope = ScopeFlags()
        scope.ignoreCase = flags.contains(.ignoreCase)
        scope.multiline = flags.contains(.multiline)
        scope.dotAll = flags.contains(.dotAll)
        scope.verbose = flags.contains(.verbose)
        scope.ascii = flags.contains(.ascii)
        if flags.contains(.ascii) && flags.contains(.unicode) {
            throw TranslationError(message: "ASCII and UNICODE flags are incompatible", offset: 0)
        }
        var parser = PythonPatternParser(source: source, flags: scope, unicodeFlag: flags.contains(.unicode))
        let root = try parser.parse()
        let global = parser.globalFlags
        var emitter = PCRE2Emitter()
        emitter.emitRoot(root)
        return Translation(
            pattern: emitter.out, sourceOffsets: emitter.offsets, groupCount: parser.groupCount,
            caseless: global.ignoreCase && !global.ascii,
            linearLoop: emitter.linearLoop, committed: emitter.committed, lazyRuns: emitter.lazyRuns,
            split: emitter.split)
    }
}

/// A committed pattern `A\s(?:.*?\s)*?C` as two patterns searched one after the other:
/// `head` = `A\s` finds the start `s` of the next match, then `tail` = `(?<=\s)C` searched
/// from the end of the head finds its end and every group (docs/extraction.md, rule 4).
struct SplitSearch: Equatable {
    var head: [UInt8]
    var tail: [UInt8]
    /// Whether the tail's first character class went into its look-behind (rule 5).
    var rotated = false
}

/// Writes PCRE2 syntax for a parsed Python pattern. Every construct is spelled so that it
/// means in PCRE2 what it means in Python whatever the compile options (`.` as `\N`, `$` ...),
/// except caseless matching, which follows Python's scopes through `(?i:` groups.
struct PCRE2Emitter {
    private(set) var out: [UInt8] = []
    private(set) var offsets: [Int] = []
    private(set) var linearLoop = false
    private(set) var committed = false
    private(set) var lazyRuns = false
    private(set) var split: SplitSearch?
    private var pos = 0

    private mutating func put(_ s: String) {
        out.append(contentsOf: s.utf8)
        offsets.append(contentsOf: repeatElement(pos, count: s.utf8.count))
    }

    private static func hex(_ c: UInt32) -> String { "\\x{" + String(c, radix: 16) + "}" }

    private mutating func putChar(_ c: UInt32) {
        let isAlnum = (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
        if isAlnum, let u = Unicode.Scalar(c) { put(String(u)) } else { put(Self.hex(c)) }
    }

    private mutating func putRanges(_ ranges: [ClosedRange<UInt32>]) {
        for r in ranges {
            putChar(r.lowerBound)
            if r.upperBound != r.lowerBound {
                if r.upperBound > r.lowerBound + 1 { put("-") }
                putChar(r.upperBound)
            }
        }
    }

    // MARK: The default-pattern shape

    /// `(?:.*?\s)*?`: a lazy loop over "anything on the line, then one Python space".
    private static func isLazySpaceLoop(_ node: Node) -> ScopeFlags? {
        guard case .repeated(let body, 0, nil, .lazy, _) = node,
              case .group(nil, .sequence(let parts), _) = body, parts.count == 2,
              case .repeated(.any, 0, nil, .lazy, _) = parts[0],
              case .set(let items, false, let f, _) = parts[1], items.count == 1,
              case .category(.space, false) = items[0] else { return nil }
        return f
    }

    private static func isSingleCharacter(_ node: Node) -> Bool {
        switch node {
        case .literal, .any, .set: return true
        default: return false
        }
    }

    /// Emits the whole pattern; a top-level `A\s(?:.*?\s)*?REST` with `A` a run of
    /// single-character matchers gets `(*COMMIT)` after its `\s` (proof in docs/extraction.md).
    mutating func emitRoot(_ root: Node) {
        if case .sequence(let items) = root {
            for k in items.indices.dropLast() {
                guard let loopFlags = Self.isLazySpaceLoop(items[k + 1]) else {
                    if Self.isSingleCharacter(items[k]) { continue } else { break }
                }
                guard case .set(let sp, false, let f, _) = items[k], sp.count == 1,
                      case .category(.space, false) = sp[0], f.ascii == loopFlags.ascii else { break }
                for item in items[...k] { emit(item) }
                put("(*COMMIT)")
                committed = true
                emit(.sequence(Array(items[(k + 1)...])))
                // Rule 4: the loop's candidates are exactly the positions from the head's end
                // on that follow a Python space, so a look-behind stands in for the loop.
                var head = PCRE2Emitter(), tail = PCRE2Emitter()
                head.emit(.sequence(Array(items[...k])))
                var rest = Array(items[(k + 2)...])
                tail.put("(?<=")
                tail.emitSet(sp, negated: false, f)
                // Rule 5: a leading class moves into the look-behind, so that PCRE2 looks for
                // the literal after it (`d=` of `[Ii\x{130}\x{131}]d=`) instead of testing
                // every character against the class.
                let rotated = rest.count >= 2 && Self.canRotate(rest[0], before: rest[1], space: f)
                if rotated { tail.emit(rest.removeFirst()) }
                tail.put(")")
                tail.emit(.sequence(rest))
                split = SplitSearch(head: head.out, tail: tail.out, rotated: rotated)
                lazyRuns = lazyRuns || tail.lazyRuns
                return
            }
        }
        emit(root)
    }

    /// Whether rule 5 applies to the first two nodes of a split search's tail: `first` is a
    /// single-character matcher that PCRE2 would have to test as a class (a class, or a
    /// literal IGNORECASE spells as one), none of whose characters is a Python space (so
    /// that it cannot match the head's own space and the tail's matches keep their order),
    /// and `second` is a literal for PCRE2's start-of-match search.
    private static func canRotate(_ first: Node, before second: Node, space f: ScopeFlags) -> Bool {
        guard case .literal = second else { return false }
        guard let (chars, lf) = literalCharacters(first) else { return false }
        if case .literal(let c, _, _) = first {
            let isASCIILetter = (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
            let spelledAsClass = lf.ignoreCase && (lf.ascii ? isASCIILetter
                : PythonCharacterSets.caseFoldGroups.contains { $0.contains(c) })
            guard spelledAsClass else { return false }
        }
        // Case variants of a letter are letters, never spaces: checking `chars` is enough.
        let spaces = f.ascii ? PythonCharacterSets.asciiSpace : PythonCharacterSets.unicodeSpace
        return !chars.contains { r in spaces.contains { $0.overlaps(r) } }
    }

    /// The characters of a literal, or of a plain class made of literal characters and ranges
    /// only (no negation, no `\d \w \s`), with the node's flags; nil for any other node.
    private static func literalCharacters(_ node: Node) -> ([ClosedRange<UInt32>], ScopeFlags)? {
        switch node {
        case .literal(let c, let f, _):
            return ([c...c], f)
        case .set(let items, false, let f, _):
            var ranges: [ClosedRange<UInt32>] = []
            for item in items {
                guard case .range(let r) = item else { return nil }
                ranges.append(r)
            }
            return ranges.isEmpty ? nil : (ranges, f)
        default:
            return nil
        }
    }

    // MARK: Lazy runs before a stop character

    /// The characters a literal or a plain class matches, when matching them does not depend
    /// on case folding (no letters under IGNORECASE): the `C` of rule 3.
    private static func stopCharacters(_ node: Node) -> [ClosedRange<UInt32>]? {
        guard let (ranges, flags) = literalCharacters(node) else { return nil }
        if flags.ignoreCase {
            let caseFree = ranges.allSatisfy { r in
                r.upperBound < 0x80 && !r.overlaps(0x41...0x5A) && !r.overlaps(0x61...0x7A)
            }
            guard caseFree else { return nil }
        }
        return ranges
    }

    /// Rule 3: `.*?` (or a group holding only `.*?`) followed by a stop class `C` becomes
    /// `[^C\n]*+(?:[C][^C\n]*+)*?`: the same end positions (each `C` character on the line), in
    /// the same order, without one backtracking step per character. Returns false, emitting
    /// nothing, when `node` is not of that shape.
    private mutating func emitLazyRun(_ node: Node, before stop: [ClosedRange<UInt32>]) -> Bool {
        var node = node
        var group: (index: Int?, pos: Int)?
        if case .group(let index, let inner, let p) = node {
            group = (index, p)
            node = inner
        }
        guard case .repeated(.any(let f, _), 0, nil, .lazy, let p) = node else { return false }
        // `.` stops at "\n"; a stop class holding "\n" would need a third kind of character.
        if !f.dotAll && stop.contains(where: { $0.contains(0x0A) }) { return false }
        if let group {
            pos = group.pos
            put(group.index == nil ? "(?:" : "(")
        }
        pos = p
        lazyRuns = true
        let runExcluding = { (e: inout PCRE2Emitter) in
            e.put("[^")
            e.putRanges(stop)
            if !f.dotAll { e.put("\\x{a}") }
            e.put("]*+")
        }
        runExcluding(&self)
        put("(?:[")
        putRanges(stop)
        put("]")
        runExcluding(&self)
        put(")*?")
        if let group {
            pos = group.pos
            put(")")
        }
        return true
    }

    // MARK: Nodes

    private mutating func emit(_ node: Node) {
        switch node {
        case .empty:
            break
        case .literal(let c, let f, let p):
            pos = p
            emitLiteral(c, f)
        case .any(let f, let p):
            pos = p
            // `\N` is "not LF" whatever the options; `.` under DOTALL is everything.
            put(f.dotAll ? "(?s:.)" : "\\N")
        case .set(let items, let negated, let f, let p):
            pos = p
            emitSet(items, negated: negated, f)
        case .anchor(let kind, let f, let p):
            pos = p
            emitAnchor(kind, f)
        case .group(let index, let inner, let p):
            pos = p
            put(index == nil ? "(?:" : "(")
            emit(inner)
            pos = p
            put(")")
        case .scoped(let outer, let inner, let body, let p):
            pos = p
            let was = outer.ignoreCase && !outer.ascii, now = inner.ignoreCase && !inner.ascii
            put(was == now ? "(?:" : (now ? "(?i:" : "(?-i:"))
            emit(body)
            pos = p
            put(")")
        case .lookaround(let behind, let negative, let inner, let p):
            pos = p
            put("(?" + (behind ? "<" : "") + (negative ? "!" : "="))
            emit(inner)
            pos = p
            put(")")
        case .atomic(let inner, let p):
            pos = p
            put("(?>")
            emit(inner)
            pos = p
            put(")")
        case .backreference(let g, _, let p):
            pos = p
            put("\\g{\(g)}")
        case .conditional(let g, let yes, let no, let p):
            pos = p
            put("(?(\(g))")
            emit(yes)
            if let no {
                put("|")
                emit(no)
            }
            pos = p
            put(")")
        case .repeated(let inner, let lo, let hi, let kind, let p):
            if Self.isLazySpaceLoop(node) != nil, case .group(nil, .sequence(let parts), _) = inner,
               case .set(let items, _, let f, _) = parts[1] {
                // Same candidates in the same order, without the exponential revisits.
                pos = p
                linearLoop = true
                put("(?:")
                emitSet(items, negated: true, f)
                put("*+")
                emitSet(items, negated: false, f)
                put(")*?")
                return
            }
            switch inner {
            case .sequence, .alternation:
                put("(?:")
                emit(inner)
                put(")")
            default:
                emit(inner)
            }
            pos = p
            switch (lo, hi) {
            case (0, nil): put("*")
            case (1, nil): put("+")
            case (0, 1?): put("?")
            case (let m, nil): put("{\(m),}")
            case (let m, let n?): put(m == n ? "{\(m)}" : "{\(m),\(n)}")
            }
            switch kind {
            case .greedy: break
            case .lazy: put("?")
            case .possessive: put("+")
            }
        case .sequence(let nodes):
            for (k, n) in nodes.enumerated() {
                if k + 1 < nodes.count, let stop = Self.stopCharacters(nodes[k + 1]), emitLazyRun(n, before: stop) {
                    continue
                }
                emit(n)
            }
        case .alternation(let nodes):
            for (k, n) in nodes.enumerated() {
                if k > 0 { put("|") }
                emit(n)
            }
        }
    }

    private mutating func emitLiteral(_ c: UInt32, _ f: ScopeFlags) {
        if f.ignoreCase {
            if f.ascii {
                // re.ASCII|re.IGNORECASE folds ASCII letters only; PCRE2 caseless is off here.
                let isUpper = (0x41...0x5A).contains(c), isLower = (0x61...0x7A).contains(c)
                if isUpper || isLower {
                    put("[")
                    putChar(c)
                    putChar(isUpper ? c + 0x20 : c - 0x20)
                    put("]")
                    return
                }
            } else if let group = PythonCharacterSets.caseFoldGroups.first(where: { $0.contains(c) }) {
                put("[")
                putRanges(group.map { $0...$0 })
                put("]")
                return
            }
        }
        putChar(c)
    }

    private mutating func emitSet(_ items: [ClassItem], negated: Bool, _ f: ScopeFlags) {
        // One category outside a class: PCRE2's own escape where it agrees with Python.
        if !negated, items.count == 1, case .category(let kind, let neg) = items[0], !f.ascii, kind != .space {
            switch kind {
            case .digit: put(neg ? "\\D" : "\\d")
            default: put(neg ? "\\W" : "\\w")
            }
            return
        }
        var ranges: [ClosedRange<UInt32>] = []
        var escapes: [String] = []
        for item in items {
            switch item {
            case .range(let r):
                ranges.append(r)
            case .category(let kind, let neg):
                switch (kind, f.ascii) {
                case (.digit, false): escapes.append(neg ? "\\D" : "\\d")
                case (.word, false): escapes.append(neg ? "\\W" : "\\w")
                case (.space, false):
                    let s = PythonCharacterSets.unicodeSpace
                    ranges.append(contentsOf: neg ? PythonCharacterSets.complement(s) : s)
                case (let kind, true):
                    let s: [ClosedRange<UInt32>] = switch kind {
                    case .digit: PythonCharacterSets.asciiDigit
                    case .word: PythonCharacterSets.asciiWord
                    case .space: PythonCharacterSets.asciiSpace
                    }
                    ranges.append(contentsOf: neg ? PythonCharacterSets.complement(s) : s)
                }
            }
        }
        if f.ignoreCase {
            let literalRanges = items.compactMap { item -> ClosedRange<UInt32>? in
                if case .range(let r) = item { return r } else { return nil }
            }
            if f.ascii {
                for r in literalRanges {
                    for c in r.clamped(to: 0x41...0x7A) where (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) {
                        let other = c < 0x61 ? c + 0x20 : c - 0x20
                        ranges.append(other...other)
                    }
                }
            } else {
                for group in PythonCharacterSets.foldGroups(touching: literalRanges) {
                    ranges.append(contentsOf: group.map { $0...$0 })
                }
            }
        }
        put(negated ? "[^" : "[")
        putRanges(ranges)
        for e in escapes { put(e) }
        put("]")
    }

    private mutating func emitAnchor(_ kind: AnchorKind, _ f: ScopeFlags) {
        let word = "[0-9A-Z_a-z]"
        switch kind {
        // ALT_CIRCUMFLEX: Python's multiline ^ also matches after a final newline.
        case .lineStart: put(f.multiline ? "(?m:^)" : "\\A")
        case .lineEnd: put(f.multiline ? "(?m:$)" : "(?-m:$)")
        case .stringStart: put("\\A")
        case .stringEnd: put("\\z")
        case .wordBoundary:
            put(f.ascii ? "(?:(?<=\(word))(?!\(word))|(?<!\(word))(?=\(word)))" : "\\b")
        case .notWordBoundary:
            // Python's \B never matches in an empty string; PCRE2's does.
            put(f.ascii ? "(?!\\A\\z)(?:(?<=\(word))(?=\(word))|(?<!\(word))(?!\(word)))" : "(?!\\A\\z)\\B")
        }
    }
}
