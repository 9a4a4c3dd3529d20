// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// The flags of issue 14's safety options (docs/real-web.md): host overrides, the SSRF
/// guard, robots.txt, proxies and cookies.
struct SafetyOptions: ParsableArguments {
    @Option(help: registryHelp("resolve"))
    var resolve: [String] = []

    @Flag(help: registryHelp("block_private_addresses"))
    var blockPrivateAddresses = false

    @Option(help: registryHelp("allow_hosts"))
    var allowHosts: String? = nil

    @Flag(help: registryHelp("respect_robots"))
    var respectRobots = false

    /// Sets the options whose flags were given, validated as the C ABI validates them.
    func apply(to options: inout CrawlOptions) throws {
        try options.setFlags(resolve.map { ("resolve", .string($0)) } + [
            ("block_private_addresses", blockPrivateAddresses ? .int(1) : nil),
            ("allow_hosts", allowHosts.map { .string($0) }),
            ("respect_robots", respectRobots ? .int(1) : nil),
        ])
    }
}
