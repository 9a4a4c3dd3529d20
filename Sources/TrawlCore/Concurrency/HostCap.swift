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
///
/// A cap may be one ``share`` of several that together hold a host's slots: the process
/// backend's workers each cap a host at their share of `per_host_connections`. Each share then
/// starts at its part of 6 and grows by its part of a slot per round, so that the host sees
/// what one controller would do: 6 at first, then one more per round, not one more per worker.
/// A share cannot go below one transfer, so the host's floor is `share` at once: a share at
/// its floor that the host still tells to slow down pauses between its starts instead
/// (``pause``), from 25 ms, doubling per strain up to 1 s, halving per response. Without it,
/// a share at one transfer whose 503s come back at once would ask again at once, a storm of
/// 503s while another share holds the host's room.
///
/// A host whose last response closed its connection (HTTP/1.0 without keep-alive,
/// `Connection: close`) makes every request a new connection, which its listener must accept:
/// while it does, it gets at most ``start`` at once (its share's part of them), however far its
/// slots have grown. Python's `http.server` listens with an accept queue of 5, which holds 6
/// connections: a 7th connect at once is dropped and waits out Linux's 1 s SYN retransmission
/// (measured: 130 pages in 1.05 s at 7 or 8 at once, 0.09-0.11 s at 4 to 6). Only the last
/// response counts, so a server that closes a kept connection now and then (nginx after
/// `keepalive_requests`) is capped for as long as its next response takes.
public struct HostCap: Sendable, Equatable {
    /// The most at once: `per_host_connections`, or `per_host_streams` once multiplexing.
    public private(set) var cap: Int
    /// Whether the host answered over HTTP/2.
    public private(set) var multiplexes = false
    /// Transfers allowed now, fractional so that increases add up.
    public private(set) var value: Double
    /// Where the host last showed strain, `nil` before.
    public private(set) var gaveWayAt: Double?
    /// How many caps like this one hold the host's slots together (1: this one alone).
    public let share: Int
    /// Seconds between starts for a share at its floor that is still told to slow down; 0 when
    /// none (always with one share).
    public private(set) var pause: Double = 0
    /// Whether the host's last response closed its connection (so ``allowed`` is at most
    /// ``start``'s part for this share).
    public private(set) var closes = false

    /// The value a host starts at, as browsers open 6 connections per host.
    public static let start = 6
    /// The first and the longest ``pause``.
    public static let firstPause = 0.025, longestPause = 1.0

    /// - Parameters:
    ///   - cap: the most at once, for this share.
    ///   - share: how many caps like this one hold the host's slots together.
    public init(cap: Int, share: Int = 1) {
        self.cap = Swift.max(1, cap)
        self.share = Swift.max(1, share)
        value = Double(Swift.min(self.cap, (Self.start + self.share - 1) / self.share))
    }

    /// Transfers allowed now (at least 1).
    public var allowed: Int {
        let slots = Swift.max(1, Int(value.rounded(.down)))
        return closes ? Swift.min(slots, Swift.max(1, Self.start / share)) : slots
    }

    /// The host's last response closed its connection (`true`) or left it open.
    public mutating func connectionsClose(_ closing: Bool) {
        closes = closing && !multiplexes
    }

    /// A response arrived from the host, not one of strain.
    public mutating func responded() {
        // Doubling needs no scaling: each share doubles its own slots per round of its own
        // responses. One more slot per round does: each share sees 1/share of the responses.
        pause = pause / 2 < Self.firstPause / 4 ? 0 : pause / 2
        var step = multiplexes && gaveWayAt == nil ? 1 : 1 / (value * Double(share))
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
        if share > 1 && value <= 1 { pause = pause == 0 ? Self.firstPause : Swift.min(Self.longestPause, pause * 2) }
        gaveWayAt = Double(Swift.max(1, running))
        value = Swift.max(1, value * 0.75)
    }
}
