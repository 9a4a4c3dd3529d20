// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// The flags of retries and per-host pacing (docs/politeness.md), a group of their own so
/// that `trawl crawl --help` shows them together.
struct PolitenessFlags: ParsableArguments {
    @Option(help: registryHelp("max_retries"))
    var maxRetries: Int? = nil

    @Option(help: registryHelp("retry_base"))
    var retryBase: Double? = nil

    @Option(help: registryHelp("retry_max"))
    var retryMax: Double? = nil

    @Option(help: registryHelp("retry_statuses"))
    var retryStatuses: String? = nil

    @Option(help: registryHelp("host_delay"))
    var hostDelay: Double? = nil

    @Option(help: registryHelp("host_rate"))
    var hostRate: Double? = nil

    @Option(help: registryHelp("breaker_threshold"))
    var breakerThreshold: Int? = nil

    /// The options these flags give, for `CrawlOptions.setFlags`.
    var settings: [(String, OptionValue?)] {
        [
            ("max_retries", maxRetries.map { .int($0) }), ("retry_base", retryBase.map { .double($0) }),
            ("retry_max", retryMax.map { .double($0) }), ("retry_statuses", retryStatuses.map { .string($0) }),
            ("host_delay", hostDelay.map { .double($0) }), ("host_rate", hostRate.map { .double($0) }),
            ("breaker_threshold", breakerThreshold.map { .int($0) }),
        ]
    }
}
