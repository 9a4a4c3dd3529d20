// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// The flags of retries, per-host pacing and batch statistics (docs/politeness.md), a group of
/// their own so that `trawl crawl --help` shows them together.
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

    @Flag(help: "Print the batch's statistics to standard error at the end (pages/s, bytes, statuses, errors by code, retries, robots.txt refusals, the slowest hosts, fetch/decode/extract time).")
    var stats = false

    @Option(help: "Write the batch's statistics as JSON to this file at the end (docs/politeness.md).")
    var statsJson: String? = nil

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

extension PolitenessFlags {
    /// Reports `stats` as `--stats` and `--stats-json` ask.
    func report(_ stats: BatchStats) throws {
        if self.stats { Console.error(stats.text) }
        guard let path = statsJson else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("--stats-json: cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array((stats.json + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CLIError("--stats-json: cannot write \(path)") }
    }
}
