// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// `trawl options`: the options registry, for people (`text`), docs (`markdown`) and programs
/// (`json`, the text of `trawl_options_describe_json`).
struct OptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options",
        abstract: "List every option: its name in Swift, C and Python, type, range, default and flag."
    )

    @Option(help: "text, markdown (the table of docs/c-api.md), header (the list of include/trawl.h) or json (trawl_options_describe_json).")
    var format: String = "text"

    func run() throws {
        switch format {
        case "text":
            for spec in CrawlOptions.registry {
                print("\(spec.name) (\(spec.type.rawValue), \(spec.scope.rawValue), \(spec.flag)): \(spec.help)")
            }
        case "markdown": print(OptionDocs.markdownTable(), terminator: "")
        case "header": print(OptionDocs.headerList(), terminator: "")
        case "json": print(OptionDocs.describeJSON())
        default: throw ValidationError("--format must be text, markdown, header or json, got '\(format)'")
        }
    }
}
