// SPDX-License-Identifier: Apache-2.0

/// The adaptive number of transfers one host may have at once (additive increase,
/// multiplicative decrease, as TCP's congestion window), within `per_host_connections`.
///
/// A host starts at ``start`` (a browser's 6, or the cap when that is lower). Each response
/// adds `1 / cap`, so about one more slot per round of `cap` responses; a sign of strain
/// (429 or 503, a timeout, a refused connection) takes a quarter off and remembers where the
/// host gave way. Above that point it grows eight times more slowly, so that a server which
/// answers 503 beyond N requests at once sees the N+1st about once per 8N responses rather
/// than once per round.
///
/// A host that answered over HTTP/2 multiplexes its transfers as streams: ``multiplexing(cap:)``
/// raises the cap to `per_host_streams`, and until the host shows strain each response adds a
/// whole slot, so the slots double per round (as TCP's slow start) rather than creep up by one.
public struct HostCap: Sendable, Equatable {
    /// The most at once: `per_host_connections`, or `per_host_streams` once multiplexing.
    public private(set) var cap: Int
    /// Whether the host answered over HTTP/2.
    public private(set) var multiplexes = false
    /// Transfers allowed now, fractional so that increases add up.
    public private(set) var value: Double
    /// Where the host last showed strain, `nil` before.
    public private(set) var gaveWayAt: Double?

    /// The value a host starts at, as browsers open 6 connections per host.
    public static let start = 6

    public init(cap: Int) {
        self.cap = Swift.max(1, cap)
        value = Double(Swift.min(self.cap, Self.start))
    }

    /// Transfers allowed now (at least 1).
    public var allowed: Int { Swift.max(1, Int(value.rounded(.down))) }

    /// A response arrived from the host, not one of strain.
    public mutating func responded() {
        var step = multiplexes && gaveWayAt == nil ? 1 : 1 / value
        if let w = gaveWayAt, value + 1 >= w { step /= 8 }
        value = Swift.min(Double(cap), value + step)
    }

    /// The host answered over HTTP/2: its cap becomes `streams` (never lower than it was).
    public mutating func multiplexing(cap streams: Int) {
        guard !multiplexes else { return }
        multiplexes = true
        cap = Swift.max(cap, streams)
    }

    /// The host showed strain with `running` transfers at once.
    public mutating func strained(running: Int) {
        gaveWayAt = Double(Swift.max(1, running))
        value = Swift.max(1, value * 0.75)
    }
}
