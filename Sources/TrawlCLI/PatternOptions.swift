// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// The pattern flags shared by `crawl` and `extract`.
struct PatternOptions: ParsableArguments {
    @Option(help: "A named pattern NAME=REGEX or NAME/FLAGS=REGEX, flags from 'aimsux' (repeatable).")
    var pattern: [String] = []

    @Flag(help: registryHelp("default_patterns"))
    var noDefaultPatterns = false

    @Option(help: registryHelp("regex_budget"))
    var regexBudget: Double? = nil

    @Option(help: registryHelp("regex_match_limit"))
    var regexMatchLimit: Int? = nil

    /// Adds the patterns and their settings to `options`, validated as the C ABI validates them.
    func apply(to options: inout CrawlOptions) throws {
        try options.setFlags([
            ("default_patterns", noDefaultPatterns ? .int(0) : nil),
            ("regex_budget", regexBudget.map { .double($0) }),
            ("regex_match_limit", regexMatchLimit.map { .int($0) }),
        ])
        options.patterns += try pattern.map(Self.parsePattern)
    }

    /// The error of a crawler that failed to build; for a pattern that does not compile, its
    /// message followed by the pattern with a caret under the offset (``TrawlError/offset``):
    ///
    ///     pattern 'x': missing ), unterminated subpattern at offset 1
    ///       a(b
    ///        ^
    static func error(_ error: TrawlError, patterns: [PatternSpec]) -> CLIError {
        guard error.code == .invalidRegex, let offset = error.offset,
              let spec = patterns.first(where: { error.message.hasPrefix("pattern '\($0.name)':") }),
              !spec.source.contains(where: \.isNewline) else { return CLIError(error.message) }
        let lead = String(spec.source.unicodeScalars.prefix(offset).map { $0 == "\t" ? "\t" : " " })
        return CLIError("\(error.message)\n  \(spec.source)\n  \(lead)^")
    }

    /// `NAME=REGEX` or `NAME/FLAGS=REGEX`, split at the first `=` scalar: a regex may begin
    /// with a combining mark, which would make `=` and the mark one `Character`.
    static func parsePattern(_ spec: String) throws -> PatternSpec {
        let scalars = spec.unicodeScalars
        guard let eq = scalars.firstIndex(of: "=") else {
            throw ValidationError("--pattern must be NAME=REGEX or NAME/FLAGS=REGEX, got '\(spec)'")
        }
        let head = String(scalars[..<eq])
        let regex = String(scalars[scalars.index(after: eq)...])
        var name = Substring(head)
        var flags: PatternFlags = []
        if let slash = head.firstIndex(of: "/") {
            name = head[..<slash]
            guard let f = PatternFlags(letters: head[head.index(after: slash)...]) else {
                throw ValidationError("--pattern '\(head)': flags must be letters from 'aimsux'")
            }
            flags = f
        }
        guard !name.isEmpty else { throw ValidationError("--pattern '\(spec)': the name is empty") }
        return PatternSpec(name: String(name), source: regex, flags: flags)
    }
}
