// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// What a `trawl_result *` points to: a ``CrawlResult`` laid out for C.
///
/// Every string of the result is copied once, at creation, into one NUL-separated byte arena,
/// so that the accessors hand out stable `(pointer, length)` pairs without allocating and are
/// pure reads: several threads may call them at once. The JSON rendering, which few callers
/// want, is made on first request under a lock.
///
/// `@unchecked Sendable`: every stored property is immutable after `init` (`json` guards its
/// own state with a lock); the arena's bytes are written only in `init`.
final class ResultHandle: @unchecked Sendable {
    /// A string in the arena: its offset and its length in bytes (without the NUL).
    struct Span {
        var offset: Int
        var length: Int
    }

    let result: CrawlResult
    /// A result lent by a list or a `trawl_batch_foreach` callback: `trawl_result_free` must
    /// not drop it.
    let borrowed: Bool
    private let arena: UnsafeMutablePointer<UInt8>
    let url: Span
    let finalURL: Span?
    let contentType: Span?
    let charset: Span?
    let parentURL: Span?
    let errorMessage: Span
    let patternNames: [Span]
    let groupCounts: [Int]
    let matchCounts: [Int]
    /// Index in `spans` of the first string of each pattern's first match.
    let firstSpan: [Int]
    /// Every match string, pattern by pattern, match by match, group by group.
    let spans: [Span]
    /// For each pattern named by absolute_links: where its matches as written start in
    /// `spans` (after every pattern's matches); nil for the other patterns.
    let rawFirstSpan: [Int?]
    /// For each pattern: the indexes of matches that could not be resolved.
    let unresolved: [Set<Int>]
    private let json = CachedBytes()

    init(_ r: CrawlResult, borrowed: Bool) {
        result = r
        self.borrowed = borrowed
        var bytes: [UInt8] = []
        func add(_ s: String) -> Span {
            let start = bytes.count
            bytes.append(contentsOf: s.utf8)
            let span = Span(offset: start, length: bytes.count - start)
            bytes.append(0)
            return span
        }
        url = add(r.url)
        finalURL = r.finalURL.map(add)
        contentType = r.contentType.map(add)
        charset = r.charset.map(add)
        parentURL = r.parentURL.map(add)
        errorMessage = add(r.error?.message ?? "")
        var names: [Span] = [], groups: [Int] = [], counts: [Int] = [], first: [Int] = []
        var spans: [Span] = []
        // Straight from the flat match storage: no String per match.
        func addStrings(_ p: PatternMatches) {
            for k in 0..<p.ends.count {
                let start = bytes.count
                bytes.append(contentsOf: p.utf8[p.range(k)])
                spans.append(Span(offset: start, length: bytes.count - start))
                bytes.append(0)
            }
        }
        for p in r.matches {
            names.append(add(p.name))
            groups.append(p.groups)
            counts.append(p.count)
            first.append(spans.count)
            addStrings(p)
        }
        var rawFirst: [Int?] = []
        for p in r.matches {
            guard let raw = r[raw: p.name] else { rawFirst.append(nil); continue }
            rawFirst.append(spans.count)
            addStrings(raw)
        }
        rawFirstSpan = rawFirst
        unresolved = r.matches.map { Set($0.unresolved) }
        patternNames = names
        groupCounts = groups
        matchCounts = counts
        firstSpan = first
        self.spans = spans
        arena = .allocate(capacity: max(1, bytes.count))
        arena.initialize(from: bytes, count: bytes.count)
    }

    deinit {
        arena.deallocate()
    }

    /// The C string at `span`: NUL-terminated inside the arena.
    func pointer(_ span: Span) -> UnsafePointer<CChar> {
        UnsafeRawPointer(arena + span.offset).assumingMemoryBound(to: CChar.self)
    }

    /// The span of string `j` of match `i` of pattern `p`, or `nil` out of range.
    func match(pattern p: Int, match i: Int, group j: Int) -> Span? {
        guard p >= 0, p < matchCounts.count, i >= 0, i < matchCounts[p],
              j >= 0, j < max(1, groupCounts[p]) else { return nil }
        return spans[firstSpan[p] + i * max(1, groupCounts[p]) + j]
    }

    /// The span of match `i` of pattern `p` as written in the page (absolute_links), or the
    /// match itself for a pattern that was not resolved; `nil` out of range.
    func rawMatch(pattern p: Int, match i: Int) -> Span? {
        guard p >= 0, p < matchCounts.count, i >= 0, i < matchCounts[p] else { return nil }
        guard let first = rawFirstSpan[p] else { return match(pattern: p, match: i, group: 0) }
        return spans[first + i]
    }

    /// ``JSON/render(_:)`` of the result, made once and kept until the handle goes.
    func jsonPointer() -> (UnsafePointer<CChar>, Int) {
        json.get { out in JSON.append(result, to: &out) }
    }
}

/// What a `trawl_result_list *` points to: results in input order, each lent to the caller
/// until the list is freed, and their JSON lines, made on first request.
///
/// `@unchecked Sendable`: `results` is immutable; `json` guards its own state with a lock.
final class ResultListHandle: @unchecked Sendable {
    let results: [ResultHandle]
    private let json = CachedBytes()

    init(_ results: [CrawlResult]) {
        self.results = results.sorted { $0.index < $1.index }.map { ResultHandle($0, borrowed: true) }
    }

    /// The JSON lines of every result, made once and kept until the list goes.
    func jsonLines() -> (UnsafePointer<CChar>, Int) {
        json.get { out in
            for r in results {
                JSON.append(r.result, to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
    }
}

/// A NUL-terminated byte string made on first request and kept, at a stable address, until
/// its owner goes: the storage behind `trawl_result_json` and `trawl_result_list_json`.
///
/// `@unchecked Sendable`: `bytes` is read and written only with `lock` held; the memory it
/// points to is written once, before it is published, and freed only in `deinit`.
final class CachedBytes: @unchecked Sendable {
    private let lock = ConditionLock()
    private var bytes: (UnsafeMutablePointer<UInt8>, Int)? = nil

    deinit {
        bytes?.0.deallocate()
    }

    /// The bytes, made by `make` on the first call.
    func get(_ make: (inout [UInt8]) -> Void) -> (UnsafePointer<CChar>, Int) {
        lock.withLock {
            let made: (UnsafeMutablePointer<UInt8>, Int)
            if let b = bytes {
                made = b
            } else {
                var out: [UInt8] = []
                make(&out)
                let p = UnsafeMutablePointer<UInt8>.allocate(capacity: out.count + 1)
                p.initialize(from: out, count: out.count)
                p[out.count] = 0
                made = (p, out.count)
                bytes = made
            }
            return (UnsafeRawPointer(made.0).assumingMemoryBound(to: CChar.self), made.1)
        }
    }
}
