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
    /// Whether the pattern must run in PCRE2's interpreter: PCRE2 10.42's JIT gives wrong
    /// answers for atomic groups holding an empty alternative (docs/extraction.md).
    var interpreterOnly = false
    /// Whether the pattern holds callouts (`(?C...)`): budget checks, IGNORECASE references.
    var callouts = false
    /// Whether to compile with `PCRE2_NO_AUTO_POSSESS`: PCRE2 10.42 wrongly makes `a?`
    /// possessive before an atomic group holding an optional item (`a?(?>(?>x)?)(?!b)` on
    /// `ab` loses the empty match at 0), so patterns with atomic groups go without it.
    var noAutoPossess = false
    /// Whether rule 6 (`(*SKIP)` after a final `(.*?)Q.*?G`) was applied (docs/extraction.md).
    var skipTail = false

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
        if let unsupported = emitter.unsupported { throw unsupported }
        return Translation(
            pattern: emitter.out, sourceOffsets: emitter.offsets, groupCount: parser.groupCount,
            caseless: global.ignoreCase && !global.ascii,
            linearLoop: emitter.linearLoop, committed: emitter.committed, lazyRuns: emitter.lazyRuns,
            split: emitter.split, interpreterOnly: emitter.interpreterOnly, callouts: emitter.callouts,
            noAutoPossess: emitter.noAutoPossess, skipTail: emitter.skipTail)
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
    /// As ``Translation/interpreterOnly``, for either half.
    var interpreterOnly = false
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
    private(set) var interpreterOnly = false
    private(set) var callouts = false
    private(set) var noAutoPossess = false
    /// Whether rule 6 (`(*SKIP)` after the runs of a final `(.*?)Q.*?G`) was applied.
    private(set) var skipTail = false
    /// The first construct trawl cannot give Python's answer for (docs/extraction.md).
    private(set) var unsupported: TranslationError?
    private var pos = 0
    /// Depth of look-behinds around the current node: PCRE2 10.42 allows no references there.
    private var lookbehindDepth = 0

    /// The callout that checks the CPU budget (``PCRE2MatchState``): where backtracking could
    /// otherwise run for long inside one `pcre2_match` call.
    static let budgetCallout = "(?C1)"
    /// Callout 2 ends an IGNORECASE reference; `(?C"iN")`/`(?C"aN")` starts one.
    static let referenceEndCallout = "(?C2)"

    private mutating func reject(_ what: String, at p: Int) {
        if unsupported == nil { unsupported = TranslationError(message: "unsupported by trawl: \(what)", offset: p) }
    }

    private mutating func putBudgetCallout() {
        put(Self.budgetCallout)
        callouts = true
    }

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
                if Self.needsBudgetCallouts(root) { putBudgetCallout() }
                for item in items[...k] { emit(item) }
                put("(*COMMIT)")
                committed = true
                emit(.sequence(Array(items[(k + 1)...])))
                // Rule 4: the loop's candidates are exactly the positions from the head's end
                // on that follow a Python space, so a look-behind stands in for the loop.
                var head = PCRE2Emitter(), tail = PCRE2Emitter()
                head.emit(.sequence(Array(items[...k])))
                var rest = Array(items[(k + 2)...])
                // A rule-6 tail is linear by its proof: no callout slows its start-up search.
                if Self.needsBudgetCallouts(.sequence(rest)) && !Self.isSkipTail(rest) { tail.putBudgetCallout() }
                tail.put("(?<=")
                tail.emitSet(sp, negated: false, f)
                // Rule 5: a leading class moves into the look-behind, so that PCRE2 looks for
                // the literal after it (`d=` of `[Ii\x{130}\x{131}]d=`) instead of testing
                // every character against the class.
                let rotated = rest.count >= 2 && Self.canRotate(rest[0], before: rest[1], space: f)
                if rotated { tail.emit(rest.removeFirst()) }
                tail.put(")")
                if !tail.emitSkipTail(rest) { tail.emit(.sequence(rest)) }
                callouts = callouts || head.callouts || tail.callouts
                interpreterOnly = interpreterOnly || head.interpreterOnly || tail.interpreterOnly
                noAutoPossess = noAutoPossess || head.noAutoPossess || tail.noAutoPossess
                if let u = head.unsupported ?? tail.unsupported, unsupported == nil { unsupported = u }
                split = SplitSearch(head: head.out, tail: tail.out, rotated: rotated,
                                    interpreterOnly: head.interpreterOnly || tail.interpreterOnly)
                lazyRuns = lazyRuns || tail.lazyRuns
                skipTail = tail.skipTail
                return
            }
        }
        if case .sequence(let items) = root, Self.isSkipTail(items), emitSkipTail(items) { return }
        if Self.needsBudgetCallouts(root) { putBudgetCallout() }
        emit(root)
    }

    /// Whether rule 6 applies to a sequence (tried on a scratch emitter).
    private static func isSkipTail(_ nodes: [Node]) -> Bool {
        var probe = PCRE2Emitter()
        return probe.emitSkipTail(nodes)
    }

    /// Whether one attempt of `node` can take more than time linear in the text: anything
    /// that repeats, branches or compares a reference. A pattern of fixed single-character
    /// steps needs no budget callouts.
    private static func needsBudgetCallouts(_ node: Node) -> Bool {
        switch node {
        case .empty, .literal, .any, .set, .anchor: return false
        case .group(_, let n, _), .scoped(_, _, let n, _), .lookaround(_, _, let n, _), .atomic(let n, _):
            return needsBudgetCallouts(n)
        case .backreference, .repeated, .alternation, .conditional: return true
        case .sequence(let nodes): return nodes.contains(where: needsBudgetCallouts)
        }
    }

    /// How many capturing groups `node` holds.
    private static func captureCount(_ node: Node) -> Int {
        switch node {
        case .empty, .literal, .any, .set, .anchor, .backreference: return 0
        case .group(let index, let n, _): return (index == nil ? 0 : 1) + captureCount(n)
        case .scoped(_, _, let n, _), .lookaround(_, _, let n, _), .atomic(let n, _), .repeated(let n, _, _, _, _):
            return captureCount(n)
        case .conditional(_, let yes, let no, _): return captureCount(yes) + (no.map(captureCount) ?? 0)
        case .sequence(let nodes), .alternation(let nodes): return nodes.reduce(0) { $0 + captureCount($1) }
        }
    }

    /// Whether `node` holds a capturing group.
    private static func hasCaptures(_ node: Node) -> Bool {
        switch node {
        case .empty, .literal, .any, .set, .anchor, .backreference: return false
        case .group(let index, let n, _): return index != nil || hasCaptures(n)
        case .scoped(_, _, let n, _), .lookaround(_, _, let n, _), .atomic(let n, _), .repeated(let n, _, _, _, _):
            return hasCaptures(n)
        case .conditional(_, let yes, let no, _): return hasCaptures(yes) || (no.map(hasCaptures) ?? false)
        case .sequence(let nodes), .alternation(let nodes): return nodes.contains(where: hasCaptures)
        }
    }

    /// Whether `node` holds an alternation (or conditional) with a branch that can match the
    /// empty string: inside an atomic group, PCRE2 10.42's JIT mishandles those.
    private static func hasNullableBranch(_ node: Node) -> Bool {
        switch node {
        case .empty, .literal, .any, .set, .anchor, .backreference: return false
        case .group(_, let n, _), .scoped(_, _, let n, _), .lookaround(_, _, let n, _), .atomic(let n, _),
             .repeated(let n, _, _, _, _):
            return hasNullableBranch(n)
        case .conditional: return true
        case .sequence(let nodes): return nodes.contains(where: hasNullableBranch)
        case .alternation(let nodes):
            return nodes.contains { $0.width.min == 0 || hasNullableBranch($0) }
        }
    }

    /// Whether a single-character matcher can match "\n" (for rule 6's prefix).
    private static func canMatchNewline(_ node: Node) -> Bool {
        switch node {
        case .literal(let c, _, _): return c == 0x0A
        case .any(let f, _): return f.dotAll
        case .set(let items, let negated, _, _):
            let hit = items.contains { item in
                switch item {
                case .range(let r): return r.contains(0x0A)
                case .category(let kind, let neg): return kind == .space ? !neg : neg
                }
            }
            return hit != negated
        default: return true
        }
    }

    // MARK: Rule 6: a final lazy run, a stop class, a lazy run and a last stop class

    /// Rule 6 (docs/extraction.md): a pattern `P(.*?)Q.*?G`, `P` single-character matchers that
    /// cannot match "\n" (unless both dots are DOTALL), `Q` and `G` stop classes, becomes
    /// `P([^Q\n]*+)(*SKIP)[Q][^G\n]*+(*SKIP)[G]`: the same first match from each start, and a
    /// failed start proves every later start before the line's end fails, so the search goes
    /// on from there. Returns false, emitting nothing, for any other shape.
    private mutating func emitSkipTail(_ nodes: [Node]) -> Bool {
        let n = nodes.count
        guard n >= 4 else { return false }
        var run1 = nodes[n - 4]
        var group: (index: Int?, pos: Int)?
        if case .group(let index, let inner, let p) = run1 { group = (index, p); run1 = inner }
        guard case .repeated(.any(let f1, _), 0, nil, .lazy, let p1) = run1,
              case .repeated(.any(let f2, _), 0, nil, .lazy, let p2) = nodes[n - 2],
              f1.dotAll == f2.dotAll,
              let q = Self.stopCharacters(nodes[n - 3]), let g = Self.stopCharacters(nodes[n - 1]) else { return false }
        let dotAll = f1.dotAll
        if !dotAll && (q.contains { $0.contains(0x0A) } || g.contains { $0.contains(0x0A) }) { return false }
        let prefix = nodes[..<(n - 4)]
        guard prefix.allSatisfy({ Self.isSingleCharacter($0) && (dotAll || !Self.canMatchNewline($0)) }) else { return false }
        for item in prefix { emit(item) }
        let runExcluding = { (e: inout PCRE2Emitter, stop: [ClosedRange<UInt32>]) in
            e.put("[^")
            e.putRanges(stop)
            if !dotAll { e.put("\\x{a}") }
            e.put("]*+")
        }
        if let group {
            pos = group.pos
            put(group.index == nil ? "(?:" : "(")
        }
        pos = p1
        runExcluding(&self, q)
        if let group {
            pos = group.pos
            put(")")
        }
        put("(*SKIP)")
        emit(nodes[n - 3])
        pos = p2
        runExcluding(&self, g)
        put("(*SKIP)")
        emit(nodes[n - 1])
        skipTail = true
        lazyRuns = true
        return true
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
        putBudgetCallout()
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
            if behind { lookbehindDepth += 1 }
            emit(inner)
            if behind { lookbehindDepth -= 1 }
            pos = p
            put(")")
        case .atomic(let inner, let p):
            pos = p
            if Self.hasNullableBranch(inner) { interpreterOnly = true }
            noAutoPossess = true
            put("(?>")
            emit(inner)
            pos = p
            put(")")
        case .backreference(let g, let f, let w, let p):
            pos = p
            guard lookbehindDepth > 0 else {
                emitReference(g, f)
                return
            }
            // PCRE2 10.42 refuses references in a look-behind; Python's parser lets in only
            // fixed-width ones there, so step back over the group's width and compare ahead.
            guard w.max == w.min, w.min <= 65535 else {
                put("(?!)")
                return
            }
            put("(?=")
            emitReference(g, f)
            put(")(?s:.){\(w.min)}")
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
                putBudgetCallout()
                return
            }
            pos = p
            emitRepeat(inner, lo, hi, kind)
        case .sequence(let nodes):
            for (k, n) in nodes.enumerated() {
                if k + 1 < nodes.count, let stop = Self.stopCharacters(nodes[k + 1]), emitLazyRun(n, before: stop) {
                    continue
                }
                emit(n)
            }
        case .alternation(let nodes):
            for (k, n) in nodes.enumerated() {
                if k > 0 {
                    put("|")
                    // Backtracking into a later branch is a new path: check the budget.
                    putBudgetCallout()
                }
                emit(n)
            }
        }
    }

    /// The item repeated, `(?:...)` around a sequence or alternation.
    private mutating func emitRepeatedItem(_ inner: Node) {
        var wrap = false
        switch inner {
        case .backreference: wrap = true  // a callout pair, or a look-ahead and a run
        case .literal(let c, _, _): wrap = Self.surrogates.contains(c)
        case .set(let items, _, _, _):
            // A class of lone surrogates only is written as an assertion or a group.
            wrap = items.allSatisfy { if case .range(let r) = $0 { Self.surrogates.contains(r.lowerBound) && Self.surrogates.contains(r.upperBound) } else { false } }
        default: break
        }
        if wrap {
            put("(?:")
            emit(inner)
            put(")")
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
    }

    private mutating func putCount(_ lo: Int, _ hi: Int?) {
        switch (lo, hi) {
        case (0, nil): put("*")
        case (1, nil): put("+")
        case (0, 1?): put("?")
        case (let m, nil): put("{\(m),}")
        case (let m, let n?): put(m == n ? "{\(m)}" : "{\(m),\(n)}")
        }
    }

    /// `inner{lo,hi}` of a kind, as Python means it.
    private mutating func emitRepeat(_ inner: Node, _ lo: Int, _ hi: Int?, _ kind: Quantifier) {
        let p = pos
        let single = Self.isSingleCharacter(inner)
        if hi == 0 {
            // `X{0}` matches "" and nothing else. PCRE2 10.42 still lets X decide anchoring
            // (`(?:|\A){0}` is taken as anchored) and look-behind lengths, so X is not written;
            // its groups, which must keep their numbers, become empty groups that never match.
            let groups = Self.captureCount(inner)
            if groups > 0 {
                put("(?:" + String(repeating: "()", count: groups) + "){0}")
            }
            return
        }
        if let hi, hi > lo + 1, !single {
            let w = inner.width
            if w.min == 0 && w.max != 0 {
                reject("a repeat {m,n} with n > m+1 of a group that can match both the empty string and "
                       + "more (Python stops repeating after an empty iteration; PCRE2 repeats on)", at: p)
            }
        }
        if hi == nil, lo >= 1, !single, Self.hasCaptures(inner) {
            let w = inner.width
            if w.min == 0 && w.max != 0 {
                reject("a repeat + or {m,} (m >= 1) of a group that captures and can match both the empty string "
                       + "and more (after the m-th iteration Python tries one more even if it was empty; PCRE2 stops)", at: p)
            }
        }
        if kind == .possessive && !single && Self.hasCaptures(inner) && inner.width.min == 0 {
            reject("a possessive repeat of a group that captures and can match the empty string (CPython's "
                   + "possessive repeat forgets an earlier iteration's capture when a later one matches empty: "
                   + "(?:(b)|){2}+ on b gives '', (?>(?>(b)|){2}) gives 'b')", at: p)
        }
        if lookbehindDepth > 0, hi != lo, inner.width.max == 0 {
            // PCRE2 calls any variable repeat in a look-behind variable-length, even of an
            // assertion; every iteration of a zero-width item is at the same place, so one
            // (or none, for a minimum of 0) means the same.
            put("(?:")
            emitRepeatedItem(inner)
            put(lo == 0 ? "|)" : "){\(min(lo, 1))}")
            return
        }
        if lo > 65535 || (hi ?? 0) > 65535 {
            emitLongRepeat(inner, lo, hi, kind)
            return
        }
        if kind == .possessive && !single {
            // Python's possessive repeat (`SRE_OP_POSSESSIVE_REPEAT`) takes each iteration's
            // first match and never backtracks into one, nor into the count: `(?>(?>X){m,n})`.
            // (PCRE2 10.42's JIT also keeps a possessive group's captures after backtracking
            // past it; `(?>...)` does not.)
            if Self.hasNullableBranch(inner) { interpreterOnly = true }
            noAutoPossess = true
            put("(?>(?>")
            emit(inner)
            put(")")
            pos = p
            putCount(lo, hi)
            put(")")
            return
        }
        emitRepeatedItem(inner)
        pos = p
        putCount(lo, hi)
        switch kind {
        case .greedy: break
        case .lazy: put("?")
        case .possessive: put("+")
        }
        // Backtracking into the repeat (or a lazy repeat growing) resumes here.
        if kind != .possessive && !(lo == hi) { putBudgetCallout() }
    }

    /// Counts above PCRE2's 65535: `X{m}` as `(?:X{65535}){q}X{r}` (X written twice, so only
    /// without groups); a range `{m,n}` with n > 65535 and n > m cannot keep Python's order.
    private mutating func emitLongRepeat(_ inner: Node, _ lo: Int, _ hi: Int?, _ kind: Quantifier) {
        let p = pos
        if let hi, hi != lo {
            reject("a repeat {m,n} with n above 65535 and n > m (PCRE2 counts to 65535)", at: p)
            return
        }
        if Self.hasCaptures(inner) {
            reject("a repeat count above 65535 of a group that captures (PCRE2 counts to 65535)", at: p)
            return
        }
        let atomic = kind == .possessive
        if atomic { put("(?>") }
        let q = lo / 65535, r = lo % 65535
        if q > 65535 {
            put("(?:")
            put("(?:")
            emitRepeatedItem(inner)
            put("{65535}){65535}")
            put("){\(q / 65535)}")
            let q2 = q % 65535
            if q2 > 0 {
                put("(?:")
                emitRepeatedItem(inner)
                put("{65535}){\(q2)}")
            }
        } else if q > 0 {
            put("(?:")
            emitRepeatedItem(inner)
            put("{65535}){\(q)}")
        }
        if r > 0 {
            emitRepeatedItem(inner)
            put("{\(r)}")
        }
        if hi == nil {
            emitRepeatedItem(inner)
            put(kind == .lazy ? "*?" : "*")
            if !atomic { putBudgetCallout() }
        }
        if atomic { put(")") }
    }

    /// A reference to group `g`: `\g{g}`, or under IGNORECASE a callout pair that compares as
    /// Python does (each character's lower case, `sre_lower_unicode`/`sre_lower_ascii`), which
    /// PCRE2's case folding does not (`s`/`ſ`, `σ`/`ς`, `İ`/`I`, ASCII mode).
    private mutating func emitReference(_ g: Int, _ f: ScopeFlags) {
        guard f.ignoreCase else {
            put("\\g{\(g)}")
            return
        }
        // The first callout checks the text ahead and notes where the reference ends; the lazy
        // run steps over whole characters until the second callout sees that end.
        put("(?>(?C\"\(f.ascii ? "a" : "i")\(g)\")(?s:.)*?")
        put(Self.referenceEndCallout)
        put(")")
        callouts = true
    }

    private mutating func emitLiteral(_ c: UInt32, _ f: ScopeFlags) {
        if Self.surrogates.contains(c) {
            // `\ud800` is a valid Python pattern; a `str` trawl matches never holds a lone
            // surrogate (it is UTF-8), and PCRE2 refuses the code point.
            put("(?!)")
            return
        }
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
                // `clamped` of a range outside A-z is one bound, not empty: skip those.
                for r in literalRanges where r.overlaps(0x41...0x7A) {
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
        // Lone surrogates never occur in UTF-8 text (and PCRE2 refuses them in a class).
        ranges = ranges.flatMap { Self.removingSurrogates($0) }
        if ranges.isEmpty && escapes.isEmpty {
            put(negated ? "(?s:.)" : "(?!)")
            return
        }
        put(negated ? "[^" : "[")
        putRanges(ranges)
        for e in escapes { put(e) }
        put("]")
    }

    private static let surrogates: ClosedRange<UInt32> = 0xD800...0xDFFF

    private static func removingSurrogates(_ r: ClosedRange<UInt32>) -> [ClosedRange<UInt32>] {
        guard r.overlaps(surrogates) else { return [r] }
        var parts: [ClosedRange<UInt32>] = []
        if r.lowerBound < surrogates.lowerBound { parts.append(r.lowerBound...(surrogates.lowerBound - 1)) }
        if r.upperBound > surrogates.upperBound { parts.append((surrogates.upperBound + 1)...r.upperBound) }
        return parts
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
