// SPDX-License-Identifier: Apache-2.0

/// Whether and when a URL whose HTTP attempt failed transiently runs again: the one rule of
/// ``CrawlOptions/maxRetries``, ``CrawlOptions/retryBase``, ``CrawlOptions/retryMax`` and
/// ``CrawlOptions/retryStatuses``. Pure (the caller passes the clock and the dice), so every
/// case is tested alone; the lanes of every backend ask it after each attempt, and the
/// ``Frontier`` holds the URL until the answer's time.
///
/// Back-off is exponential with full jitter (a uniform wait in 0...min(cap, base * 2^(n-1))
/// before retry n), so that many URLs failing together do not come back together; a server's
/// `Retry-After` replaces it.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts after the first (0: no retries).
    public var maxRetries: Int
    /// Seconds of the first back-off's upper bound.
    public var base: Double
    /// The longest wait: no back-off exceeds it, and a `Retry-After` above it ends the URL.
    public var cap: Double
    /// HTTP statuses worth another attempt.
    public var statuses: Set<Int>

    /// The error codes of a transient failure: connect errors, timeouts, and a connection
    /// that broke (reset, nothing received).
    public static let transientErrors: Set<ErrorCode> = [.connect, .timeout, .network]

    public init(maxRetries: Int, base: Double, cap: Double, statuses: Set<Int>) {
        self.maxRetries = max(0, maxRetries)
        self.base = max(0, base)
        self.cap = max(0, cap)
        self.statuses = statuses
    }

    /// The policy of `options`.
    public init(_ options: CrawlOptions) {
        self.init(maxRetries: options.maxRetries, base: options.retryBase, cap: options.retryMax,
                  statuses: Set(options.retryStatuses.compactMap { Int($0) }))
    }

    /// HTTP attempts one URL may make in all.
    public var tries: TryPolicy { TryPolicy(limit: maxRetries + 1) }

    /// What to do after an attempt.
    public enum Decision: Sendable, Equatable {
        /// The result stands.
        case final
        /// Run the URL again after this many seconds.
        case retry(after: Double)
        /// The server asked for a longer wait than ``cap``: the URL ends now with
        /// `host_unavailable` and this message (its status is kept).
        case tooLong(TrawlError)
    }

    /// Whether an attempt that ended with `status` (nil when no response arrived) and
    /// `error` is worth another.
    public func isTransient(status: Int?, error: ErrorCode?) -> Bool {
        if let error { return Self.transientErrors.contains(error) }
        return status.map(statuses.contains) ?? false
    }

    /// The wait before retry `n` (1 for the first), drawn with full jitter from `random`
    /// in 0..<1.
    public func backoff(retry n: Int, random: Double) -> Double {
        let exponent = Double(min(max(0, n - 1), 60))
        let ceiling = min(cap, base * pow2(exponent))
        return max(0, min(1, random)) * ceiling
    }

    /// The decision after attempt number `attempt` (1 for the first).
    /// - Parameters:
    ///   - retryAfter: the response's `Retry-After`, already read by ``RetryAfter/seconds(_:now:)``
    ///     (nil when absent or unusable).
    ///   - random: a uniform draw in 0..<1 for the jitter.
    public func decide(attempt: Int, status: Int?, error: ErrorCode?, retryAfter: Double?,
                       random: Double) -> Decision {
        guard isTransient(status: status, error: error) else { return .final }
        if let wait = retryAfter, wait > cap, error == nil {
            // Checked before the attempts left: a server saying "not for an hour" is worth
            // telling even on the last attempt.
            return .tooLong(TrawlError(.hostUnavailable,
                "the server answered \(status.map(String.init) ?? "?") and asked to retry after "
                + "\(OptionSpec.seconds(wait)) s (Retry-After), more than retry_max \(OptionSpec.seconds(cap)) s"))
        }
        guard attempt <= maxRetries else { return .final }
        if let wait = retryAfter, error == nil { return .retry(after: wait) }
        return .retry(after: backoff(retry: attempt, random: random))
    }

    private func pow2(_ e: Double) -> Double {
        var v = 1.0
        for _ in 0..<Int(e) { v *= 2 }
        return v
    }
}
