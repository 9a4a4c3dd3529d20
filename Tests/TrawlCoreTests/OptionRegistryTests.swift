// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport
@testable import TrawlCore

/// The options registry against the files that document it, against its own checks, and
/// across the worker wire.
@Suite struct OptionRegistryTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: repo.appendingPathComponent(path), encoding: .utf8)
    }

    /// The text between a line containing `begin` and the next line containing `end`.
    static func block(_ text: String, _ begin: String, _ end: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let b = lines.firstIndex(where: { $0.contains(begin) }),
              let e = lines[(b + 1)...].firstIndex(where: { $0.contains(end) }) else { return nil }
        return lines[(b + 1)..<e].map { $0 + "\n" }.joined()
    }

    // MARK: The docs equal the registry

    @Test func cAPIDocsTableIsTheRegistry() throws {
        let docs = try Self.read("docs/c-api.md")
        let table = try #require(Self.block(docs, "<!-- options:begin", "<!-- options:end"))
        #expect(table == OptionDocs.markdownTable(),
                "docs/c-api.md's options table differs from the registry; replace it with the output of `trawl options --format markdown`")
    }

    @Test func headerListIsTheRegistry() throws {
        let header = try Self.read("include/trawl.h")
        let list = try #require(Self.block(header, " * options:begin", " * options:end"))
        #expect(list == OptionDocs.headerList(),
                "include/trawl.h's options list differs from the registry; replace it with the output of `trawl options --format header`")
    }

    /// The names each file lists, read from the files themselves (not from the code's list):
    /// a name missing from a file, or a file naming an option the code lacks, fails.
    @Test func everyFileListsExactlyTheRegistrysNames() throws {
        let docs = try #require(Self.block(try Self.read("docs/c-api.md"), "<!-- options:begin", "<!-- options:end"))
        let docNames = docs.split(separator: "\n").dropFirst(2).compactMap { row -> String? in
            let cell = row.split(separator: "|").first?.trimmingCharacters(in: .whitespaces) ?? ""
            return cell.hasPrefix("`") ? String(cell.dropFirst().dropLast()) : nil
        }
        #expect(docNames == CrawlOptions.keys)
        let header = try #require(Self.block(try Self.read("include/trawl.h"), " * options:begin", " * options:end"))
        let headerNames = header.split(separator: "\n").compactMap {
            $0.dropFirst(3).split(separator: " ").first.map(String.init)
        }
        #expect(headerNames == CrawlOptions.keys)
        // Each name the docs list is accepted by set with its documented default.
        for name in docNames {
            let spec = try #require(CrawlOptions.spec(name), "\(name)")
            var o = CrawlOptions()
            for value in spec.settings(from: CrawlOptions()) {
                #expect(throws: Never.self, "\(name)") { try o.set(name, value) }
            }
        }
    }

    /// README's and docs/cluster.md's flag tables name each option's registry flag.
    @Test func readmeAndClusterDocsUseTheRegistrysFlags() throws {
        let readme = try Self.read("README.md")
        for spec in CrawlOptions.registry {
            let listed = readme.contains("`\(spec.flag)") || readme.contains("/\(spec.flag) ")
            #expect(listed, "README.md's option table lacks \(spec.flag) (\(spec.name))")
        }
        // docs/cluster.md: | `name` | `--flag` | ...
        let rows = try Self.read("docs/cluster.md").split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count >= 7)
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 1, cells[1].hasPrefix("`--") else { continue }
            let name = String(cells[0].dropFirst().dropLast())
            let spec = try #require(CrawlOptions.spec(name), "docs/cluster.md lists an unknown option \(name)")
            #expect(cells[1] == "`\(spec.flag)`", "docs/cluster.md: \(name)")
        }
    }

    @Test func patternFlagLettersAgreeEverywhere() throws {
        // What the parser accepts...
        let accepted = "abcdefghijklmnopqrstuvwxyz".filter { PatternFlags(letters: String($0)) != nil }
        #expect(accepted == "aimsux")
        // ...is what README and the CLI's help say.
        #expect(try Self.read("README.md").contains("flags from `\(accepted)`"))
        for file in ["Sources/TrawlCLI/PatternOptions.swift", "Sources/TrawlCLI/CrawlCommand.swift"] {
            let text = try Self.read(file)
            #expect(text.contains("flags from '\(accepted)'"), "\(file)")
            #expect(!text.contains("'aimsx'"), "\(file)")
        }
    }

    // MARK: The registry's checks

    @Test func namesFlagsAndEntriesAreWellFormed() {
        #expect(Set(CrawlOptions.keys).count == CrawlOptions.keys.count)
        #expect(Set(CrawlOptions.registry.map(\.flag)).count == CrawlOptions.registry.count)
        for spec in CrawlOptions.registry {
            #expect(spec.name.allSatisfy { $0.isLowercase || $0 == "_" }, "\(spec.name)")
            #expect(spec.flag.hasPrefix("--"), "\(spec.name)")
            #expect(!spec.doc.isEmpty && spec.doc.hasSuffix("."), "\(spec.name)")
            switch spec.type {
            case .int: #expect(spec.intRange != nil, "\(spec.name)")
            case .double: #expect(spec.doubleRange != nil, "\(spec.name)")
            case .choice: #expect(spec.choices?.isEmpty == false, "\(spec.name)")
            default: #expect(spec.intRange == nil && spec.doubleRange == nil, "\(spec.name)")
            }
        }
    }

    /// Every option, walked from the registry: its default, its range's ends and its choices
    /// are accepted; values just outside, of the wrong type, with NUL, or with CR/LF where a
    /// string reaches a request, are refused with `invalid_argument` and change nothing.
    @Test(arguments: CrawlOptions.registry.map(\.name))
    func everyOptionAcceptsItsRangeAndRefusesTheRest(name: String) throws {
        let spec = try #require(CrawlOptions.spec(name))
        for value in OptionSamples.valid(spec) {
            var o = CrawlOptions()
            #expect(throws: Never.self, "\(name) = \(value)") { try o.set(name, value) }
        }
        for value in OptionSamples.invalid(spec) {
            var o = CrawlOptions()
            try o.set("header", .string("X-Keep: 1"))
            let before = o
            do {
                try o.set(name, value)
                Issue.record("\(name) accepted \(value)")
            } catch {
                #expect(error.code == .invalidArgument, "\(name) = \(value)")
                #expect(error.message.contains(name), "\(name): \(error.message)")
            }
            #expect(o == before, "\(name) = \(value) changed the options")
        }
    }

    @Test func clearHeadersTakesZeroOrOne() throws {
        var o = CrawlOptions()
        try o.set("header", .string("X-A: 1"))
        try o.set("clear_headers", .int(0))
        #expect(o.headers == ["X-A: 1"])
        #expect(throws: TrawlError.self) { try o.set("clear_headers", .int(7)) }
        #expect(o.headers == ["X-A: 1"])
        try o.set("clear_headers", .int(1))
        #expect(o.headers.isEmpty)
    }

    /// A user agent assigned directly (not through set) is refused when the options are used.
    @Test func validateRefusesWhatSetWouldRefuse() throws {
        var o = CrawlOptions()
        #expect(throws: Never.self) { try o.validate() }
        o.userAgent = "ua\r\nX-Injected: 1"
        do {
            try o.validate()
            Issue.record("a user agent with CR LF passed validate()")
        } catch {
            #expect(error.code == .invalidArgument && error.message.contains("user_agent"))
        }
        o = CrawlOptions()
        o.headers = ["X-A: 1\nX-Injected: 1"]
        #expect(throws: TrawlError.self) { try o.validate() }
    }

    // MARK: Workers

    /// Every option a worker needs reaches it: each fetch and extract option, set to a value
    /// other than its default, comes out of the worker wire as it went in; batch, process
    /// and cluster options do not travel.
    @Test func everyWorkerOptionRoundTripsThroughTheWire() throws {
        var o = CrawlOptions()
        for spec in CrawlOptions.registry where spec.name != "clear_headers" {
            try o.set(spec.name, OptionSamples.nonDefault(spec))
        }
        try o.set("header", .string("X-Second: 2"))
        o.patterns = [PatternSpec(name: "t", source: "<t>(.*?)</t>", flags: [.ignoreCase])]
        var w = WireWriter()
        o.encodeForWorker(to: &w)
        var r = WireReader(w.bytes)
        let back = try CrawlOptions.decodeForWorker(from: &r)
        let fresh = CrawlOptions()
        for spec in CrawlOptions.registry {
            let sent = spec.value(in: o), received = spec.value(in: back)
            if spec.scope.travelsToWorkers {
                #expect(received == sent, "\(spec.name) did not reach the worker")
                if spec.name != "clear_headers" {
                    #expect(sent != spec.value(in: fresh), "\(spec.name): the sample is the default")
                }
            } else {
                #expect(received == spec.value(in: fresh), "\(spec.name) travelled to the worker")
            }
        }
        #expect(back.patterns == o.patterns)
    }

    // MARK: Describing

    @Test func describeJSONHasEveryKeyOfTheContract() throws {
        let json = OptionDocs.describeJSON()
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(array.count == CrawlOptions.registry.count)
        let keys: Set = ["name", "type", "default", "min", "max", "choices", "scope", "flag", "repeatable", "doc"]
        let types: Set = ["int", "double", "string", "bool", "choice", "list"]
        for (object, spec) in zip(array, CrawlOptions.registry) {
            #expect(Set(object.keys) == keys, "\(spec.name)")
            #expect(object["name"] as? String == spec.name)
            #expect(types.contains(object["type"] as? String ?? ""), "\(spec.name)")
            #expect(object["flag"] as? String == spec.flag)
            #expect(object["repeatable"] as? Bool == spec.repeatable)
            if let r = spec.intRange {
                #expect((object["min"] as? NSNumber)?.int64Value == Int64(r.lowerBound), "\(spec.name)")
                #expect((object["max"] as? NSNumber)?.int64Value == Int64(r.upperBound), "\(spec.name)")
            } else if let r = spec.doubleRange {
                #expect((object["min"] as? NSNumber)?.doubleValue == r.lowerBound, "\(spec.name)")
                #expect((object["max"] as? NSNumber)?.doubleValue == r.upperBound, "\(spec.name)")
            } else {
                #expect(object["min"] is NSNull && object["max"] is NSNull, "\(spec.name)")
            }
            #expect((object["choices"] as? [String]) == spec.choices, "\(spec.name)")
        }
        let timeout = try #require(array.first { $0["name"] as? String == "timeout" })
        #expect((timeout["default"] as? NSNumber)?.doubleValue == 30)
        let header = try #require(array.first { $0["name"] as? String == "header" })
        #expect((header["default"] as? [String]) == [])
        let verify = try #require(array.first { $0["name"] as? String == "verify_tls" })
        #expect(verify["default"] as? Bool == true)
    }
}
