// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// One host's circuit breaker, as pure state: after `threshold` connect failures or timeouts
/// in a row the host is paused instead of hammered; after the pause one request probes it;
/// a failed probe pauses it again for twice as long, and after ``probes`` failed probes the
/// host is down for the batch: its remaining requests end at once as `host_unavailable`.
/// Any response (whatever its status) closes the breaker again.
public struct CircuitBreaker: Sendable, Equatable {
    /// Failures in a row that open the breaker; 0 for no breaker.
    public let threshold: Int
    /// Seconds of the first pause; each next one is twice as long, at most ``maxPause``.
    public let pause: Double
    public let maxPause: Double
    /// Failed probes after which the host is down.
    public static let probes = 2

    public enum State: Sendable, Equatable {
        /// Requests run; `failures` in a row so far.
        case closed(failures: Int)
        /// Paused until `until`; `failedProbes` probes have failed so far.
        case open(until: Double, failedProbes: Int)
        /// One request is probing the host.
        case probing(failedProbes: Int)
        /// Down for the batch, with the reason.
        case down(TrawlError)
    }

    /// What the breaker says about starting a request now.
    public enum Answer: Sendable, Equatable {
        case start
        /// Wait until this time (paused).
        case waitUntil(Double)
        /// Wait for the probe in flight to end.
        case waitForProbe
        case refuse(TrawlError)
    }

    public private(set) var state: State = .closed(failures: 0)
    /// The last failure's message, for the reason given when the host is down.
    private var lastFailure = ""
    private var failuresSeen = 0

    public init(threshold: Int, pause: Double, maxPause: Double) {
        self.threshold = max(0, threshold)
        self.pause = max(0, pause)
        self.maxPause = max(0, maxPause)
    }

    /// Whether a request may start at `now`; a `.start` while half-open makes it the probe.
    public mutating func admit(now: Double) -> Answer {
        switch state {
        case .closed: return .start
        case .open(let until, let failed):
            guard now >= until else { return .waitUntil(until) }
            state = .probing(failedProbes: failed)
            return .start
        case .probing: return .waitForProbe
        case .down(let error): return .refuse(error)
        }
    }

    /// A request ended: `failure` is the message of a connect failure or timeout, nil for
    /// any response (or another error, which says nothing about the host being up).
    /// - Parameter responded: whether a response arrived (any status).
    public mutating func ended(responded: Bool, failure: String?, host: String, now: Double) {
        guard threshold > 0 else { return }
        if responded {
            state = .closed(failures: 0)
            return
        }
        guard let failure else { return }
        lastFailure = failure
        failuresSeen += 1
        switch state {
        case .closed(let n):
            state = n + 1 >= threshold ? .open(until: now + pauseLength(0), failedProbes: 0) : .closed(failures: n + 1)
        case .probing(let failed):
            if failed + 1 >= Self.probes {
                state = .down(TrawlError(.hostUnavailable,
                    "host \(host) is down: \(failuresSeen) connect failures or timeouts, the last \(threshold) in a row "
                    + "(breaker_threshold), and \(failed + 1) failed probes after pauses; last: \(lastFailure)"))
            } else {
                state = .open(until: now + pauseLength(failed + 1), failedProbes: failed + 1)
            }
        case .open, .down:
            break  // requests started before it opened: already counted as down or paused
        }
    }

    private func pauseLength(_ k: Int) -> Double {
        var p = pause
        for _ in 0..<min(k, 30) { p *= 2 }
        return min(maxPause, p)
    }
}
