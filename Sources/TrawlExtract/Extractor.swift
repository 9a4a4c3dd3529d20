// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import CPCRE2

/// The compiled patterns of a batch: translated from Python `re` syntax, compiled with
/// `pcre2_compile_8` and JIT-compiled with `pcre2_jit_compile_8` once, then shared read-only
/// by all threads. Each thread matches through its own ``ExtractionSession``.
public final class Extractor: Sendable {
    /// The patterns, in the order results are returned.
    public let patterns: [PatternSpec]
    /// Capturing groups per pattern (0 or 1: matches are strings; more: tuples).
    public let groupCounts: [Int]
    /// Which proven-equivalent rewrite each pattern got (docs/extraction.md); for tests.
    let rewrites: [PatternRewrite]
    /// Which patterns are searched in two steps (rule 4 of docs/extraction.md); for tests.
    var splitSearches: [Bool] { splits.map { $0 != nil } }
    private let codes: [PCRE2Code]
    private let splits: [SplitCodes?]
    private let matchLimit: Int
    private let budget: Double

    /// Translates and compiles `patterns`.
    ///
    /// - Parameters:
    ///   - patterns: named patterns in Python `re` syntax, with Python flags.
    ///   - matchLimit: PCRE2's match limit for one `pcre2_match_8` call
    ///     (`pcre2_set_match_limit_8`).
    ///   - budget: CPU seconds one pattern may spend on one text, summed over its calls.
    /// - Throws: `invalidRegex` ("pattern 'NAME': MESSAGE at offset N", N a code point offset
    ///   into the Python source, also in ``TrawlError/offset``) for a pattern Python or PCRE2 rejects; `invalidArgument` for
    ///   an empty or duplicate name, flag bits trawl does not know, or a bad limit.
    public init(patterns: [PatternSpec], matchLimit: Int = 10_000_000, budget: Double = 1.0) throws(TrawlError) {
        guard matchLimit > 0, budget > 0, budget.isFinite else {
            throw TrawlError(.invalidArgument, "matchLimit and budget must be positive")
        }
        var seen: Set<String> = []
        var codes: [PCRE2Code] = []
        var groups: [Int] = []
        var rewrites: [PatternRewrite] = []
        var splits: [SplitCodes?] = []
        for spec in patterns {
            guard !spec.name.isEmpty else { throw TrawlError(.invalidArgument, "pattern names must not be empty") }
            guard seen.insert(spec.name).inserted else {
                throw TrawlError(.invalidArgument, "duplicate pattern name '\(spec.name)'")
            }
            let unknown = spec.flags.subtracting(.all)
            guard unknown.isEmpty else {
                throw TrawlError(.invalidArgument, "pattern '\(spec.name)': unknown flag bits \(unknown.rawValue)")
            }
            let translation: Translation
            do throws(TranslationError) {
                translation = try Translation.translate(spec.source, flags: spec.flags)
            } catch {
                throw TrawlError(.invalidRegex, "pattern '\(spec.name)': \(error.message) at offset \(error.offset)",
                                 offset: error.offset)
            }
            var options = UInt32(PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_CIRCUMFLEX)
            if translation.caseless { options |= UInt32(PCRE2_CASELESS) }
            if translation.noAutoPossess { options |= UInt32(PCRE2_NO_AUTO_POSSESS) }
            do throws(PCRE2Code.CompileError) {
                codes.append(try PCRE2Code(pattern: translation.pattern, options: options,
                                           jit: !translation.interpreterOnly))
            } catch {
                let offsets = translation.sourceOffsets
                let at = error.offset < offsets.count ? offsets[error.offset] : spec.source.unicodeScalars.count
                throw TrawlError(.invalidRegex, "pattern '\(spec.name)': \(error.message) at offset \(at)",
                                 offset: at)
            }
            groups.append(translation.groupCount)
            // The whole pattern compiled, so its two halves do too; should PCRE2 still refuse
            // one, the whole pattern alone gives the same matches.
            splits.append(translation.split.flatMap { split -> SplitCodes? in
                let jit = !split.interpreterOnly
                guard let head = try? PCRE2Code(pattern: split.head, options: options, jit: jit),
                      let tail = try? PCRE2Code(pattern: split.tail, options: options, jit: jit) else { return nil }
                return SplitCodes(head: head, tail: tail)
            })
            rewrites.append(translation.committed ? .committedLinearLoop : (translation.linearLoop ? .linearLoop : .none))
        }
        self.patterns = patterns
        self.groupCounts = groups
        self.codes = codes
        self.rewrites = rewrites
        self.splits = splits
        self.matchLimit = matchLimit
        self.budget = budget
    }

    /// Per-thread matching state (match data, JIT stack) for these patterns.
    public func makeSession() -> ExtractionSession {
        ExtractionSession(extractor: self)
    }

    fileprivate var compiled: [PCRE2Code] { codes }
    fileprivate var splitCodes: [SplitCodes?] { splits }
    fileprivate var limits: (matchLimit: Int, budget: Double) { (matchLimit, budget) }
}

/// The two halves of a split search (``SplitSearch``), compiled.
private struct SplitCodes: Sendable {
    var head: PCRE2Code
    var tail: PCRE2Code
}

/// The rewrite a pattern got on its way to PCRE2.
enum PatternRewrite: Equatable, Sendable {
    case none
    /// `(?:.*?\s)*?` became `(?:\S*+\s)*?`.
    case linearLoop
    /// As ``linearLoop``, and `(*COMMIT)` ends the search at the first failing start.
    case committedLinearLoop
}

/// The matches of every pattern on one text.
public struct Extraction: Sendable, Equatable {
    /// One entry per pattern, in the extractor's order. A pattern that ran out of budget has
    /// no matches (a partial list would look complete).
    public var matches: [PatternMatches]
    /// `regexBudgetExceeded` naming the pattern(s) that ran out of budget, else `nil`.
    public var error: TrawlError?

    /// Creates an extraction result.
    public init(matches: [PatternMatches], error: TrawlError? = nil) {
        self.matches = matches
        self.error = error
    }
}

/// Matching state of one thread: runs `re.findall` for every pattern of an ``Extractor``.
/// Use from one thread at a time; make one per thread with ``Extractor/makeSession()``.
public final class ExtractionSession {
    private let extractor: Extractor
    /// `nil` when PCRE2 could not allocate it: every extraction then reports `out_of_memory`.
    private let matchState: PCRE2MatchState?
    private var state: PCRE2MatchState { matchState.unsafelyUnwrapped }

    fileprivate init(extractor: Extractor) {
        self.extractor = extractor
        matchState = try? PCRE2MatchState(maxGroups: extractor.groupCounts.max() ?? 0,
                                          matchLimit: extractor.limits.matchLimit)
    }

    /// `re.findall(pattern, text)` for every pattern (`pcre2_match_8` in a loop).
    ///
    /// - Returns: the matches, with ``Extraction/error`` set when a pattern ran out of budget
    ///   (its matches are then empty; the other patterns' are complete).
    public func extract(_ text: String) -> Extraction {
        var text = text
        return text.withUTF8 { run(on: $0) }
    }

    /// ``extract(_:)`` on text that is already UTF-8, without building a `String`: the
    /// crawl's path, where the decoder hands over the page's own bytes.
    public func extract(_ text: UTF8Text) -> Extraction {
        text.bytes.withUnsafeBufferPointer { run(on: $0) }
    }

    /// The buffer must hold valid UTF-8: PCRE2 is told not to check it again.
    private func run(on buf: UnsafeBufferPointer<UInt8>) -> Extraction {
        guard matchState != nil else {
            let empty = extractor.patterns.enumerated().map { PatternMatches(name: $1.name, groups: extractor.groupCounts[$0]) }
            return Extraction(matches: empty, error: TrawlError(.outOfMemory, "PCRE2 could not allocate its match data"))
        }
        var all: [PatternMatches] = []
        var failures: [String] = []
        for (k, spec) in extractor.patterns.enumerated() {
            let groups = extractor.groupCounts[k]
            let search: Search = extractor.splitCodes[k].map { .split($0.head, $0.tail) } ?? .whole(extractor.compiled[k])
            switch findAll(search, into: PatternMatches(name: spec.name, groups: groups), in: buf) {
            case .success(let found):
                all.append(found)
            case .failure(let why):
                all.append(PatternMatches(name: spec.name, groups: groups))
                failures.append("pattern '\(spec.name)' \(why.reason)")
            }
        }
        let error = failures.isEmpty ? nil : TrawlError(.regexBudgetExceeded, failures.joined(separator: "; "))
        return Extraction(matches: all, error: error)
    }

    private struct Failure: Error {
        var reason: String
    }

    /// How one pattern is searched: one PCRE2 code, or the head and tail of a split search.
    private enum Search {
        case whole(PCRE2Code)
        case split(PCRE2Code, PCRE2Code)
    }

    /// Python 3.7+ `findall`: non-overlapping matches left to right; after an empty match the
    /// next one may start at the same place only if it is not empty (`PCRE2_NOTEMPTY_ATSTART`,
    /// which PCRE2 follows by trying later starts, as Python's `must_advance` does).
    private func findAll(_ search: Search, into found: PatternMatches,
                         in buf: UnsafeBufferPointer<UInt8>) -> Result<PatternMatches, Failure> {
        guard let base = buf.baseAddress else {
            // An empty String may have no storage; the empty subject still needs a pointer.
            let zero: UInt8 = 0
            return withUnsafePointer(to: zero) { findAll(search, into: found, base: $0, count: 0) }
        }
        return findAll(search, into: found, base: base, count: buf.count)
    }

    private func findAll(_ search: Search, into found: PatternMatches, base: UnsafePointer<UInt8>,
                         count: Int) -> Result<PatternMatches, Failure> {
        var found = found
        let groups = found.groups
        let budget = extractor.limits.budget
        state.callouts.startBudget(budget)
        var start = 0
        var options: UInt32 = 0
        var calls = 0
        while start <= count {
            let matchStart: Int
            do throws(Failure) {
                switch search {
                case .whole(let code):
                    guard try matches(code, base, count, from: start, options: options),
                          let (s, _) = state.group(0) else { return .success(found) }
                    matchStart = s
                case .split(let head, let tail):
                    // No match from the tail means none from any later head either (rule 2).
                    guard try matches(head, base, count, from: start, options: 0),
                          let (s, tailStart) = state.group(0),
                          try matches(tail, base, count, from: tailStart, options: 0) else { return .success(found) }
                    matchStart = s
                }
            } catch {
                return .failure(error)
            }
            guard let (_, e) = state.group(0) else { return .success(found) }
            appendGroups(groups, base: base, start: matchStart, to: &found)
            // A split match holds at least the head's characters, so it is never empty.
            options = e == matchStart ? UInt32(PCRE2_NOTEMPTY_ATSTART) : 0
            start = e
            // A thread's CPU time never exceeds wall time, and the wall clock is a vDSO read
            // while the thread CPU clock is a system call: ask the latter only when needed.
            // Even the wall clock is read only every 8th match (each search is bounded by the
            // match limit anyway): on link-heavy pages the reads were 1.5% of a crawl's CPU.
            calls &+= 1
            if calls & 7 == 0, state.callouts.budgetUsed() {
                return .failure(Failure(reason: "exceeded its CPU budget (\(budget) s) on this text"))
            }
        }
        return .success(found)
    }

    /// One `pcre2_match` call: whether `code` matched from `start`; a PCRE2 failure (match
    /// limit, JIT stack) becomes the pattern's ``Failure``.
    private func matches(_ code: PCRE2Code, _ base: UnsafePointer<UInt8>, _ count: Int, from start: Int,
                         options: UInt32) throws(Failure) -> Bool {
        switch state.match(code, subject: base, length: count, start: start, options: options) {
        case .match: return true
        case .noMatch: return false
        case .failed(let rc):
            if rc == PCRE2_ERROR_CALLOUT {
                // Callout 1 found the budget used up inside this call.
                throw Failure(reason: "exceeded its CPU budget (\(extractor.limits.budget) s) on this text")
            }
            if rc == PCRE2_ERROR_MATCHLIMIT {
                throw Failure(reason: "exceeded the match limit (\(extractor.limits.matchLimit)) of one search")
            }
            if rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT {
                throw Failure(reason: "exceeded its backtracking memory: \(PCRE2Code.message(for: rc))")
            }
            throw Failure(reason: "failed: \(PCRE2Code.message(for: rc))")
        }
    }

    /// Copies the match's strings (group 0, which begins at `start`, for a pattern without
    /// groups, else groups 1...n; an unset group is `""`) into `found`: bytes only, no
    /// `String` per match. `start` is passed because a split search's group 0 is the tail's.
    private func appendGroups(_ groups: Int, base: UnsafePointer<UInt8>, start: Int,
                              to found: inout PatternMatches) {
        if groups == 0 {
            let end = state.group(0).map { $0.1 } ?? start
            found.appendString(UnsafeBufferPointer(start: base + start, count: end - start))
            return
        }
        for g in 1...groups {
            if let (s, e) = state.group(g) {
                found.appendString(UnsafeBufferPointer(start: base + s, count: e - s))
            } else {
                found.appendString(UnsafeBufferPointer(start: base, count: 0))
            }
        }
    }
}
