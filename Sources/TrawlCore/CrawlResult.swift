// SPDX-License-Identifier: Apache-2.0

/// The matches of one pattern on one page, as Python's `re.findall` returns them.
///
/// Stored flat: the UTF-8 of every string back to back in one buffer, with end offsets.
/// A link-heavy page has thousands of matches, and a `String` (plus an array) per match
/// meant thousands of allocations per page on the extraction path, again when results
/// crossed a process boundary, and again for JSON. Now extraction copies bytes, the wire
/// format and JSON read the buffer, and the C API hands out pointers into it.
/// ``matches`` gives the familiar `[[String]]` view.
public struct PatternMatches: Sendable, Equatable {
    /// The pattern's name.
    public var name: String
    /// Capturing groups in the pattern. With 0 or 1 group every match is one string; with
    /// more, every match is a tuple of `groups` strings (a group that did not take part is
    /// `""`, as in Python).
    public var groups: Int
    /// The UTF-8 of all strings, match by match and group by group.
    public private(set) var utf8: [UInt8] = []
    /// `ends[k]` is where string `k` (match `k / width`, group `k % width`) ends in ``utf8``;
    /// it starts where string `k - 1` ends.
    public private(set) var ends: [Int] = []

    /// For a pattern named by ``CrawlOptions/absoluteLinks``: the indexes of the matches that
    /// could not be resolved to an absolute URL and stay as written, in increasing order.
    /// Empty for every other pattern.
    public var unresolved: [Int] = []

    /// Strings per match: `max(1, groups)`.
    public var width: Int { max(1, groups) }

    /// The number of matches.
    public var count: Int { ends.count / width }

    public init(name: String, groups: Int, matches: [[String]] = []) {
        self.name = name
        self.groups = groups
        for m in matches {
            for j in 0..<width { appendString(j < m.count ? m[j] : "") }
        }
    }

    /// Appends one string of the current match; a match is complete after ``width`` calls.
    public mutating func appendString(_ bytes: UnsafeBufferPointer<UInt8>) {
        utf8.append(contentsOf: bytes)
        ends.append(utf8.count)
    }

    /// Appends one string of the current match.
    public mutating func appendString(_ s: String) {
        utf8.append(contentsOf: s.utf8)
        ends.append(utf8.count)
    }

    /// Replaces the storage with buffers read back from ``utf8`` and ``ends`` (wire format).
    /// - Returns: false, leaving the value unchanged, when they do not describe whole matches.
    public mutating func setStorage(utf8 bytes: [UInt8], ends offsets: [Int]) -> Bool {
        guard offsets.count % width == 0, offsets.last ?? 0 == bytes.count,
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }), offsets.first ?? 0 >= 0
        else { return false }
        utf8 = bytes
        ends = offsets
        return true
    }

    /// The byte range of string `k` in ``utf8``.
    public func range(_ k: Int) -> Range<Int> {
        (k == 0 ? 0 : ends[k - 1])..<ends[k]
    }

    /// Group `group` of match `match` (`group` 0 for a pattern with no or one group).
    public func string(match: Int, group: Int = 0) -> String {
        String(decoding: utf8[range(match * width + group)], as: UTF8.self)
    }

    /// Every match as its strings, the shape `re.findall` gives (one string per match for a
    /// pattern with at most one group).
    public var matches: [[String]] {
        (0..<count).map { i in (0..<width).map { string(match: i, group: $0) } }
    }

    /// The first string of every match: all of them for a pattern with at most one group.
    public var strings: [String] { (0..<count).map { string(match: $0) } }
}

/// Everything trawl learnt about one submitted URL. Every URL gets exactly one.
public struct CrawlResult: Sendable, Equatable {
    /// Position of the URL in the submitted batch, from 0.
    public var index: Int
    /// The URL as submitted.
    public var url: String
    /// Where the last redirect led; `nil` when no response arrived.
    public var finalURL: String?
    /// The HTTP status of the last response; `nil` when none arrived.
    public var status: Int?
    public var contentType: String?
    /// The WHATWG name of the charset the body was decoded with (`"utf-8"`, `"windows-1252"`).
    public var charset: String?
    /// Length of the decoded (Content-Encoding removed) body in bytes.
    public var bytes: Int
    /// Wall time from the start of the transfer to the end of extraction, in seconds.
    public var elapsed: Double
    /// Why the URL failed, or `nil`. A page whose pattern ran out of budget has a body, the
    /// other patterns' matches and this error.
    public var error: TrawlError?
    /// One entry per pattern of the batch, in the batch's pattern order, even when empty.
    /// A pattern named by ``CrawlOptions/absoluteLinks`` holds absolute URLs here.
    public var matches: [PatternMatches]
    /// HTTP attempts made for this URL (1 without retries; 0 when it never reached a fetch
    /// lane: cancelled before it started, lost with its worker). Crash re-runs of the process backend are counted by
    /// ``CrawlOptions/maxAttempts`` apart, not here.
    public var attempts: Int = 1
    /// Where the time went, for batch statistics (``BatchStats``): seconds in transfers (every
    /// attempt's), decoding the body, and running the patterns.
    public var timing = Timing()

    /// Seconds spent on one URL by stage.
    public struct Timing: Sendable, Equatable {
        public var fetch: Double = 0
        public var decode: Double = 0
        public var extract: Double = 0
        public init(fetch: Double = 0, decode: Double = 0, extract: Double = 0) {
            self.fetch = fetch
            self.decode = decode
            self.extract = extract
        }
    }
    /// The matches as written in the page of each pattern named by
    /// ``CrawlOptions/absoluteLinks``, in pattern order (match `i` here is match `i` of the
    /// same pattern in ``matches``, before resolution); empty without that option.
    public var rawMatches: [PatternMatches] = []

    // MARK: Follow mode (docs/follow.md)
    /// Whether the batch followed links (``CrawlOptions/follow``): then JSON carries
    /// ``depth``, ``parent`` and ``parentURL`` (results of other batches stay as they were).
    public var followMode = false
    /// Links followed from the seeds to reach this page: 0 for a seed (and outside follow mode).
    public var depth = 0
    /// The index of the result of the page this URL was found on; -1 for a seed.
    public var parent = -1
    /// The URL of that page (its ``url``); nil for a seed.
    public var parentURL: String? = nil

    public init(index: Int, url: String, finalURL: String? = nil, status: Int? = nil,
                contentType: String? = nil, charset: String? = nil, bytes: Int = 0,
                elapsed: Double = 0, error: TrawlError? = nil, matches: [PatternMatches] = []) {
        self.index = index
        self.url = url
        self.finalURL = finalURL
        self.status = status
        self.contentType = contentType
        self.charset = charset
        self.bytes = bytes
        self.elapsed = elapsed
        self.error = error
        self.matches = matches
    }

    /// A result for a URL that never produced a response.
    public static func failed(index: Int, url: String, error: TrawlError,
                              patterns: [PatternSpec], groups: [Int]) -> CrawlResult {
        CrawlResult(index: index, url: url, error: error,
                    matches: emptyMatches(patterns: patterns, groups: groups))
    }

    /// Empty match lists for every pattern, so that JSON always names each pattern.
    public static func emptyMatches(patterns: [PatternSpec], groups: [Int]) -> [PatternMatches] {
        patterns.indices.map { i in
            PatternMatches(name: patterns[i].name, groups: i < groups.count ? groups[i] : 1)
        }
    }

    /// The matches of the pattern called `name`, if the batch has one.
    public subscript(pattern name: String) -> PatternMatches? {
        matches.first { $0.name == name }
    }

    /// The matches as written in the page of the pattern called `name`, if
    /// ``CrawlOptions/absoluteLinks`` names it.
    public subscript(raw name: String) -> PatternMatches? {
        rawMatches.first { $0.name == name }
    }
}
