// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import CPosix
import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// The `trawl` command line tool.
@main
struct Trawl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trawl",
        abstract: "Crawl batches of URLs in parallel and extract data with PCRE2.",
        version: Version.string,
        subcommands: [CrawlCommand.self, ExtractCommand.self, WorkerCommand.self, OptionsCommand.self],
        defaultSubcommand: nil
    )

    static func main() {
        // A parent may start us with signals blocked (Foundation's Process does, from some
        // threads): a worker must still end on SIGTERM, so start from a clean mask.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        trawl_tune_malloc_for_pages()
        do {
            var command = try parseAsRoot(AbsoluteLinksFlag.expand(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
