// SPDX-License-Identifier: Apache-2.0

/// The matches of one pattern on one page, as Python's `re.findall` returns them.
public struct PatternMatches: Sendable, Equatable {
    /// The pattern's name.
    public var name: String
    /// Capturing groups in the pattern. With 0 or 1 group every match is one string; with
    /// more, every match is a tuple of `groups` strings (a group that did not take part is
    /// `""`, as in Python).
    public var groups: Int
    /// One element per match; each holds `max(1, groups)` strings.
    public var matches: [[String]]

    public init(name: String, groups: Int, matches: [[String]] = []) {
        self.name = name
        self.groups = groups
        self.matches = matches
    }

    /// The matches of a pattern with at most one group, flattened.
    public var strings: [String] { matches.map { $0.first ?? "" } }
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
    public var matches: [PatternMatches]

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
}
