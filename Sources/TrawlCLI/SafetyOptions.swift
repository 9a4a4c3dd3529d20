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

    @Option(help: registryHelp("proxy"))
    var proxy: String? = nil

    @Option(help: registryHelp("no_proxy"))
    var noProxy: String? = nil

    @Flag(help: registryHelp("use_env_proxy"))
    var noEnvProxy = false

    @Flag(help: registryHelp("cookies"))
    var cookies = false

    @Option(help: registryHelp("cookie_file"))
    var cookieFile: String? = nil

    /// Sets the options whose flags were given, validated as the C ABI validates them.
    func apply(to options: inout CrawlOptions) throws {
        try options.setFlags(resolve.map { ("resolve", .string($0)) } + [
            ("block_private_addresses", blockPrivateAddresses ? .int(1) : nil),
            ("allow_hosts", allowHosts.map { .string($0) }),
            ("respect_robots", respectRobots ? .int(1) : nil),
            ("proxy", proxy.map { .string($0) }), ("no_proxy", noProxy.map { .string($0) }),
            ("use_env_proxy", noEnvProxy ? .int(0) : nil),
            ("cookies", cookies ? .int(1) : nil), ("cookie_file", cookieFile.map { .string($0) }),
        ])
    }
}
