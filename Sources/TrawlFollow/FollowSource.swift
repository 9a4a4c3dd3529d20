// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// A follow-mode batch's input: a ``FollowFrontier`` behind a lock, read by the batch like any
/// streamed ``URLSource`` (so the fetch loop is the one of every streamed batch), and told of
/// every result by ``observe(_:)`` before the consumer sees it, which feeds the page's links
/// back and stamps the result with its depth and parent.
///
/// Threads: ``next()`` on the batch's intake thread (it blocks while pages are pending and
/// nothing is queued); ``observe(_:)`` from any thread; ``cancel()`` from any thread.
public final class FollowSource: URLSource, @unchecked Sendable {
    // @unchecked Sendable: `frontier` and `cancelled` are only touched with `lock` held.
    private let lock = ConditionLock()
    private var frontier: FollowFrontier
    private var cancelled = false
    /// The follow pattern's index in the batch's pattern list.
    private let pattern: Int

    /// - Parameters:
    ///   - seeds: the submitted URLs (depth 0, indexes 0 ..< count).
    ///   - pattern: the index, in the batch's patterns, of the pattern whose resolved matches
    ///     are followed.
    public init(seeds: [String], rules: FollowRules, pattern: Int) {
        frontier = FollowFrontier(seeds: seeds, rules: rules)
        self.pattern = pattern
    }

    /// The next page's URL; waits while every queued URL is out and results are pending.
    public func next() -> URLSourceItem {
        lock.withLock {
            var item = URLSourceItem.end
            _ = lock.wait(until: {
                if cancelled { return true }
                switch frontier.next() {
                case .page(let p): item = .url(p.url)
                case .end: item = .end
                case .wait: return false
                }
                return true
            }, deadline: nil)
            return cancelled ? .end : item
        }
    }

    public func cancel() {
        lock.withLock {
            cancelled = true
            frontier.end()
        }
        lock.broadcast()
    }

    /// Takes a result of the batch: its resolved links of the follow pattern (those it could
    /// not resolve left out) go to the frontier, and it gets its ``CrawlResult/depth``,
    /// ``CrawlResult/parent`` and ``CrawlResult/parentURL``. A result the frontier does not
    /// expect (an index it did not hand out, or a second result for one) is only marked as
    /// a follow-mode result.
    public func observe(_ result: inout CrawlResult) {
        result.followMode = true
        let links = FollowFilter.links(of: result, pattern: pattern)
        let page = lock.withLock {
            frontier.complete(index: result.index, finalURL: result.finalURL, links: links)
        }
        lock.broadcast()
        if let page {
            result.depth = page.depth
            result.parent = page.parent
            result.parentURL = page.parentURL
        }
    }

    /// Counters of the frontier (pages handed out, links refused by reason), for tests and stats.
    public var snapshot: (handedOut: Int, refused: FollowFrontier.Refusals) {
        lock.withLock { (frontier.handedOut, frontier.refused) }
    }
}
