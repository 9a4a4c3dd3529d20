// SPDX-License-Identifier: Apache-2.0

/// How many transfers a batch runs at once when `concurrency` is `auto`: a gradient
/// controller in the manner of Netflix's concurrency-limits (Gradient2) and TCP Vegas, as pure
/// state (no clock, no lock; ``ConcurrencyLimiter`` shares it between lanes).
///
/// Every finished transfer is a sample of its round trip. Samples are taken in windows of
/// about half the limit (at least ``minWindow``), so that a window is roughly one round trip of
/// a saturated batch whatever the latency. At the end of each window:
///
/// - **Start-up** (as TCP's slow start): while the window's mean round trip stays within
///   ``tolerance`` of the long-run mean and the batch uses at least half its limit, the limit
///   doubles per window, so a batch at 200 ms reaches 1,024 in flight in about 0.4 s (with
///   1.5x per window it took 0.7 s, and a 5,000-URL batch on 100 hosts ran at 0.79x the best
///   fixed limit).
/// - **Steady state**: `gradient = clamp(tolerance * long / short, 0.5, 1)` and the limit moves
///   toward `limit * gradient + sqrt(limit)`: flat latency adds about `sqrt(limit)` per window,
///   rising latency (queues building at the servers or on this machine) pulls it down.
/// - **Strain**: a window with a 429/503, a timeout or a connect failure multiplies the limit
///   by ``backoff`` once (not once per failure, so a burst of timeouts does not collapse it)
///   and ends the start-up.
/// - **Application-limited**: a window in which fewer than half the limit ran (the per-host
///   caps or the input held the batch back) never grows the limit, so it cannot drift up to
///   the cap while nothing tests it.
///
/// The long-run mean decays toward a much shorter window's mean when it is more than twice
/// as large, so that a latency that fell (a slow first connection, a host that recovered) does
/// not leave the controller believing every later window is fast.
public struct GradientLimit: Sendable, Equatable {
    /// The current limit, within `minLimit...maxLimit`.
    public private(set) var limit: Double
    public let minLimit: Double
    public let maxLimit: Double
    /// Whether the start-up phase still runs.
    public private(set) var startingUp = true

    /// How much slower than the long-run mean a window may be before the limit shrinks.
    public static let tolerance = 1.5
    /// The factor a window with a sign of strain applies.
    public static let backoff = 0.9
    /// Samples per window at least.
    public static let minWindow = 10
    /// The weight of each window in the long-run mean (about the last 20 windows).
    static let longWeight = 0.05
    /// The weight of the new target in a steady-state window.
    static let smoothing = 0.5

    private var longRTT = 0.0
    private var windows = 0
    private var window = Window()

    struct Window: Sendable, Equatable {
        var samples = 0
        var rttSum = 0.0
        var runningMax = 0
        var strained = false
    }

    /// - Parameters:
    ///   - initial: the limit to start with.
    ///   - min: the lowest the limit goes (at least 1).
    ///   - max: the highest (`max_concurrency`).
    public init(initial: Int, min: Int, max: Int) {
        maxLimit = Double(Swift.max(1, max))
        minLimit = Swift.min(maxLimit, Double(Swift.max(1, min)))
        limit = Swift.min(maxLimit, Swift.max(minLimit, Double(initial)))
    }

    /// The limit as a number of transfers.
    public var current: Int { Int(limit.rounded(.down)) }

    /// Samples a window takes at the current limit.
    var windowSize: Int { Swift.max(Self.minWindow, current / 2) }

    /// One transfer ended after `rtt` seconds, with `running` transfers in flight (itself
    /// included); `strained` when the server said 429 or 503, or it timed out or failed to
    /// connect.
    /// - Returns: whether the limit changed.
    @discardableResult
    public mutating func record(rtt: Double, running: Int, strained: Bool) -> Bool {
        window.samples += 1
        if rtt.isFinite && rtt >= 0 { window.rttSum += rtt }
        window.runningMax = Swift.max(window.runningMax, running)
        window.strained = window.strained || strained
        guard window.samples >= windowSize else { return false }
        let w = window
        window = Window()
        return close(w)
    }

    private mutating func close(_ w: Window) -> Bool {
        let before = limit
        let short = Swift.max(w.rttSum / Double(w.samples), 1e-6)
        windows += 1
        if longRTT == 0 {
            longRTT = short
        } else {
            longRTT += Self.longWeight * (short - longRTT)
            if longRTT > 2 * short { longRTT = Swift.max(short, longRTT * 0.95) }
        }
        let appLimited = Double(w.runningMax) < limit / 2
        if w.strained {
            startingUp = false
            limit *= Self.backoff
        } else if startingUp {
            if short > Self.tolerance * longRTT {
                startingUp = false
            } else if !appLimited {
                limit *= 2
            }
        } else {
            let gradient = Swift.max(0.5, Swift.min(1.0, Self.tolerance * longRTT / short))
            let target = limit * gradient + limit.squareRoot()
            if target < limit || !appLimited {
                limit += Self.smoothing * (target - limit)
            }
        }
        limit = Swift.min(maxLimit, Swift.max(minLimit, limit))
        return limit != before
    }
}
