// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlHTTP
#if canImport(Glibc)
import Glibc
#endif

/// What the lanes of every backend do with one attempt's response under the batch's
/// ``RetryPolicy``: judge it (run again after a wait, or let it stand), and stamp the final
/// result with its attempts and the time its transfers took. The waiting itself is the
/// ``Frontier``'s, so a retry holds no transfer slot.
struct Retries: Sendable {
    let policy: RetryPolicy

    init(_ options: CrawlOptions) {
        policy = RetryPolicy(options)
    }

    /// HTTP attempts one URL may make.
    var tries: TryPolicy { policy.tries }

    /// The decision after attempt `attempt` ended with `response`.
    func judge(_ response: FetchResponse, attempt: Int) -> RetryPolicy.Decision {
        let wait = response.error == nil ? RetryAfter.seconds(response.retryAfter, now: Self.unixTime()) : nil
        return policy.decide(attempt: attempt, status: response.status, error: response.error?.code,
                             retryAfter: wait, random: Double.random(in: 0..<1))
    }

    /// What a final attempt's result needs from its URL's history, carried with its page to
    /// the matcher that builds the result.
    struct Stamp: Sendable {
        /// The attempt's number (1 for the first).
        var attempt: Int
        /// Seconds the earlier attempts' transfers took.
        var spent: Double
        var decision: RetryPolicy.Decision
    }

    /// `result` (the last attempt's) as the URL's final result.
    func finish(_ result: CrawlResult, _ stamp: Stamp) -> CrawlResult {
        var r = result
        r.attempts = stamp.attempt
        r.timing.fetch += stamp.spent
        if case .tooLong(let error) = stamp.decision, r.error == nil { r.error = error }
        return r
    }

    /// Seconds since 1970 (`CLOCK_REALTIME`), for `Retry-After` dates.
    static func unixTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1_000_000_000
    }
}
