// SPDX-License-Identifier: Apache-2.0

/// The flags in force at one point of a Python pattern (inline groups change them).
struct ScopeFlags: Equatable {
    var ignoreCase = false
    var multiline = false
    var dotAll = false
    var verbose = false
    var ascii = false
}

/// `\d \D \w \W \s \S`.
enum CategoryKind {
    case digit, word, space
}

/// One member of a character class, or a category escape in or out of a class.
enum ClassItem {
    case range(ClosedRange<UInt32>)
    case category(CategoryKind, negated: Bool)
}

enum AnchorKind {
    case lineStart      // ^
    case lineEnd        // $
    case stringStart    // \A
    case stringEnd      // \Z
    case wordBoundary   // \b
    case notWordBoundary // \B
}

enum Quantifier {
    case greedy, lazy, possessive
}

/// The parsed form of a Python pattern: what the emitter needs to write PCRE2 and what the
/// rewriter needs to recognise the default patterns. `pos` is the code point offset of the
/// construct in the Python source, for error messages.
indirect enum Node {
    case empty
    case literal(UInt32, ScopeFlags, pos: Int)
    case any(ScopeFlags, pos: Int)
    case set(items: [ClassItem], negated: Bool, ScopeFlags, pos: Int)
    case anchor(AnchorKind, ScopeFlags, pos: Int)
    /// A capturing group (`index` from 1) or a non-capturing one (`nil`).
    case group(index: Int?, Node, pos: Int)
    /// `(?flags-flags:...)`: `inner` holds the flags inside.
    case scoped(outer: ScopeFlags, inner: ScopeFlags, Node, pos: Int)
    case lookaround(behind: Bool, negative: Bool, Node, pos: Int)
    case atomic(Node, pos: Int)
    /// A reference to group N, as wide as that group (Python's `groupwidths`).
    case backreference(Int, ScopeFlags, width: (min: Int, max: Int?), pos: Int)
    case conditional(group: Int, yes: Node, no: Node?, pos: Int)
    case repeated(Node, min: Int, max: Int?, Quantifier, pos: Int)
    case sequence([Node])
    case alternation([Node])

    /// Minimum and maximum width in characters (`nil` = unbounded), as Python's
    /// `getwidth`, used for Python's fixed-width look-behind rule.
    var width: (min: Int, max: Int?) {
        switch self {
        case .empty, .anchor, .lookaround: return (0, 0)
        case .literal, .any, .set: return (1, 1)
        case .group(_, let n, _), .scoped(_, _, let n, _), .atomic(let n, _): return n.width
        case .backreference(_, _, let w, _): return w
        case .conditional(_, let yes, let no, _):
            let a = yes.width, b = no?.width ?? (0, 0)
            return (Swift.min(a.min, b.min), a.max.flatMap { x in b.max.map { Swift.max(x, $0) } })
        case .repeated(let n, let lo, let hi, _, _):
            let w = n.width
            let maxWidth: Int? = w.max == 0 ? 0 : w.max.flatMap { m in hi.map { m * $0 } }
            return (w.min * lo, maxWidth)
        case .sequence(let nodes):
            var lo = 0
            var hi: Int? = 0
            for n in nodes {
                let w = n.width
                lo += w.min
                hi = hi.flatMap { h in w.max.map { h + $0 } }
            }
            return (lo, hi)
        case .alternation(let nodes):
            var lo = Int.max
            var hi: Int? = 0
            for n in nodes {
                let w = n.width
                lo = Swift.min(lo, w.min)
                hi = hi.flatMap { h in w.max.map { Swift.max(h, $0) } }
            }
            return (nodes.isEmpty ? 0 : lo, hi)
        }
    }
}
