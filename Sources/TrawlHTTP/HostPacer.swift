// SPDX-License-Identifier: Apache-2.0

/// When the next request may start on one host under `host_delay` and `host_rate`, as pure
/// state (the caller passes the clock and the dice), shared by every lane of a table.
///
/// `host_delay` spaces request starts by `delay` drawn from 0.5-1.5x each time (Scrapy's
/// `RANDOMIZE_DOWNLOAD_DELAY`), so a crawler's rhythm is not a fingerprint; `host_rate` is a
/// token bucket of one token refilled every `1 / rate` seconds, which never lets two starts
/// come closer than that. Both together: the longer of the two gaps.
public struct HostPacer: Sendable, Equatable {
    /// Mean seconds between starts on one host (0: none).
    public let delay: Double
    /// Starts per second on one host (0: no limit).
    public let rate: Double
    private var next: [String: Double] = [:]
    /// Per-host minimum gaps raised after the start (a robots.txt's Crawl-delay): never
    /// jittered below, since the site asked for at least that.
    private var floors: [String: Double] = [:]
    /// Whether ``raise(_:to:)`` may be called later (`respect_robots`), so that a table
    /// that starts with no pacing still asks it.
    public var raisable = false

    public init(delay: Double, rate: Double) {
        self.delay = max(0, delay)
        self.rate = max(0, rate)
    }

    /// Whether no start is ever held back.
    public var isOff: Bool { delay == 0 && rate == 0 && floors.isEmpty && !raisable }

    /// At least `seconds` between starts on `host` from now on (Crawl-delay); a smaller
    /// value than one given before changes nothing.
    public mutating func raise(_ host: String, to seconds: Double) {
        guard seconds.isFinite, seconds > 0 else { return }
        floors[host] = max(floors[host] ?? 0, seconds)
    }

    /// The earliest time a request may start on `host`; `now` or earlier means at once.
    public func due(_ host: String) -> Double { next[host] ?? -.infinity }

    /// A request starts on `host` at `now`: the next one waits its gap, drawn with `random`
    /// in 0..<1.
    public mutating func started(_ host: String, now: Double, random: Double) {
        guard !isOff else { return }
        let spaced = delay * (0.5 + max(0, min(1, random)))
        let bucket = rate > 0 ? 1 / rate : 0
        next[host] = now + max(spaced, bucket, floors[host] ?? 0)
    }
}
