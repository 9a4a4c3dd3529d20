// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// Follow mode's flags (docs/follow.md), a group of their own so that `trawl crawl --help`
/// shows them together: `trawl crawl --follow link --max-depth 2 --follow-scope domain`.
struct FollowFlags: ParsableArguments {
    @Option(help: registryHelp("follow"))
    var follow: String? = nil

    @Option(help: registryHelp("max_depth"))
    var maxDepth: Int? = nil

    @Option(help: registryHelp("max_pages"))
    var maxPages: Int? = nil

    @Option(help: registryHelp("follow_scope"))
    var followScope: String? = nil

    @Option(help: registryHelp("follow_allow"))
    var followAllow: String? = nil

    @Option(help: registryHelp("follow_deny"))
    var followDeny: String? = nil

    /// The options these flags give, for `CrawlOptions.setFlags`.
    var settings: [(String, OptionValue?)] {
        [
            ("follow", follow.map { .string($0) }), ("max_depth", maxDepth.map { .int($0) }),
            ("max_pages", maxPages.map { .int($0) }), ("follow_scope", followScope.map { .string($0) }),
            ("follow_allow", followAllow.map { .string($0) }), ("follow_deny", followDeny.map { .string($0) }),
        ]
    }
}
