// SPDX-License-Identifier: Apache-2.0

/// How many times one URL may be tried before it ends with its last failure: the one rule
/// behind the process backend's crash retries (``CrawlOptions/maxAttempts``) and the cluster
/// backend's deliveries (``CrawlOptions/maxDeliveries``), and the place HTTP retries join.
public struct TryPolicy: Sendable, Equatable {
    /// Tries in all, the first included (at least 1).
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Whether a URL tried `tries` times may run once more.
    public func allowsAnother(after tries: Int) -> Bool { tries < limit }

    /// "2 of 3 attempts", for messages.
    public func describe(_ tries: Int) -> String { "\(tries) of \(limit) attempts" }
}
