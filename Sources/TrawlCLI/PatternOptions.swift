// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// The pattern flags shared by `crawl` and `extract`.
struct PatternOptions: ParsableArguments {
    @Option(help: "A named pattern NAME=REGEX or NAME/FLAGS=REGEX, flags from 'aimsux' (repeatable).")
    var pattern: [String] = []

    @Flag(help: "Do not run the default 'button' and 'link' patterns.")
    var noDefaultPatterns = false

    @Option(help: "CPU seconds a pattern may spend on one page.")
    var regexBudget: Double = 1.0

    /// Adds the patterns and their settings to `options`, validated as the C ABI validates them.
    func apply(to options: inout CrawlOptions) throws {
        do {
            try options.set("default_patterns", .int(noDefaultPatterns ? 0 : 1))
            try options.set("regex_budget", .double(regexBudget))
        } catch {
            throw ValidationError("--regex-budget: \(error.message)")
        }
        options.patterns += try pattern.map(Self.parsePattern)
    }

    /// `NAME=REGEX` or `NAME/FLAGS=REGEX`.
    static func parsePattern(_ spec: String) throws -> PatternSpec {
        guard let eq = spec.firstIndex(of: "=") else {
            throw ValidationError("--pattern must be NAME=REGEX or NAME/FLAGS=REGEX, got '\(spec)'")
        }
        let head = spec[..<eq]
        let regex = String(spec[spec.index(after: eq)...])
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
