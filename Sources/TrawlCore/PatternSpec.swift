// SPDX-License-Identifier: Apache-2.0

/// Python `re` flags that trawl honours, with Python's values so that a binding can pass
/// `pattern.flags` through unchanged (`re.I` = 2, `re.M` = 8, `re.S` = 16, `re.X` = 64,
/// `re.A` = 256; `re.U` = 32 is the default for `str` patterns and accepted as a no-op).
public struct PatternFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ignoreCase = PatternFlags(rawValue: 2)
    public static let multiline = PatternFlags(rawValue: 8)
    public static let dotAll = PatternFlags(rawValue: 16)
    public static let unicode = PatternFlags(rawValue: 32)
    public static let verbose = PatternFlags(rawValue: 64)
    public static let ascii = PatternFlags(rawValue: 256)

    /// Every flag trawl understands; other bits are rejected.
    public static let all: PatternFlags = [.ignoreCase, .multiline, .dotAll, .unicode, .verbose, .ascii]

    /// Parses `"ims"`-style letters, as in Python's inline `(?ims)`.
    public init?(letters: some StringProtocol) {
        var flags: PatternFlags = []
        for c in letters {
            switch c {
            case "i": flags.insert(.ignoreCase)
            case "m": flags.insert(.multiline)
            case "s": flags.insert(.dotAll)
            case "x": flags.insert(.verbose)
            case "a": flags.insert(.ascii)
            case "u": flags.insert(.unicode)
            default: return nil
            }
        }
        self = flags
    }

    /// The inverse of ``init(letters:)``: `"is"` for `[.ignoreCase, .dotAll]`.
    public var letters: String {
        var s = ""
        if contains(.ascii) { s += "a" }
        if contains(.ignoreCase) { s += "i" }
        if contains(.multiline) { s += "m" }
        if contains(.dotAll) { s += "s" }
        if contains(.unicode) { s += "u" }
        if contains(.verbose) { s += "x" }
        return s
    }
}

/// A named pattern in Python `re` syntax.
public struct PatternSpec: Sendable, Hashable {
    public var name: String
    public var source: String
    public var flags: PatternFlags

    public init(name: String, source: String, flags: PatternFlags = []) {
        self.name = name
        self.source = source
        self.flags = flags
    }

    /// The Python baseline's button-id pattern, matched case-insensitively.
    public static let button = PatternSpec(
        name: "button", source: #"<button\s(?:.*?\s)*?id=['"](.*?)['"].*?>"#, flags: .ignoreCase)

    /// The Python baseline's link-href pattern.
    public static let link = PatternSpec(
        name: "link", source: #"<a\s(?:.*?\s)*?href=['"](.*?)['"].*?>"#)

    /// `button` then `link`, the order the baseline returns them in.
    public static let defaults: [PatternSpec] = [.button, .link]
}
