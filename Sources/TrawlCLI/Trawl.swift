// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// The `trawl` command line tool.
@main
struct Trawl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trawl",
        abstract: "Crawl batches of URLs in parallel and extract data with PCRE2.",
        version: Version.string,
        subcommands: [CrawlCommand.self, ExtractCommand.self, WorkerCommand.self],
        defaultSubcommand: nil
    )
}
