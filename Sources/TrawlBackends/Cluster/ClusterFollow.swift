// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlFollow
import TrawlLinks
import TrawlRedis

/// Follow mode on the cluster: the seen-set and the frontier live in Redis, so every worker
/// shares them. The task stream is the frontier (first in, first out: breadth-first, as far
/// as workers finishing out of order allow); ``ClusterKeys/seen(_:)`` holds the hash of
/// every URL enqueued; ``ClusterKeys/count(_:)`` is the number of pages, which is the next
/// page's index and the batch's total so far.
///
/// A worker filters a page's links as follow mode does everywhere (``FollowFilter``: http(s),
/// scope, allow and deny), then one script call enqueues those not seen, within
/// `max_pages`, before the page's result is written, in the same pipeline. So whenever the
/// submitter has as many results as pages, every page's links are already counted, and the
/// batch is complete. A task run twice (its worker lost) enqueues nothing new the second time.
enum ClusterFollow {
    /// Where a task's page was found.
    struct Origin: Equatable {
        var depth = 0
        var parent = -1
        var parentURL: String? = nil
        /// The scope key of the seed it descends from (``FollowFilter/scopeKey(of:)``).
        var scope: String? = nil

        init(depth: Int = 0, parent: Int = -1, parentURL: String? = nil, scope: String? = nil) {
            (self.depth, self.parent, self.parentURL, self.scope) = (depth, parent, parentURL, scope)
        }

        /// From a task entry's `d`, `p`, `q` and `s`.
        init(_ entry: RedisStreamEntry) {
            self.init(depth: max(0, entry.int("d") ?? 0), parent: max(-1, entry.int("p") ?? -1),
                      parentURL: entry.text("q"), scope: entry.text("s"))
        }

        /// The fields of a task entry.
        var fields: [RedisArgument] {
            var f: [RedisArgument] = ["d", RedisArgument(depth), "p", RedisArgument(parent)]
            if let parentURL { f += ["q", RedisArgument(parentURL)] }
            if let scope { f += ["s", RedisArgument(scope)] }
            return f
        }
    }

    /// Enqueues links not seen, within the page cap, each as a task one level deeper.
    /// KEYS: seen, count, tasks. ARGV: batch id, max_pages (0: none), depth, parent index,
    /// parent URL, scope key, the final URL's hash ("" for none), then hash and URL pairs.
    /// Returns how many were enqueued.
    static let enqueueScript = """
        local cap = tonumber(ARGV[2])
        if ARGV[7] ~= '' then redis.call('SADD', KEYS[1], ARGV[7]) end
        local added = 0
        for k = 8, #ARGV, 2 do
          if redis.call('SADD', KEYS[1], ARGV[k]) == 1 then
            local n = tonumber(redis.call('GET', KEYS[2]))
            if n == nil or (cap > 0 and n >= cap) then return added end
            redis.call('INCR', KEYS[2])
            redis.call('XADD', KEYS[3], '*', 'b', ARGV[1], 'i', n, 'u', ARGV[k + 1],
                       'd', ARGV[3], 'p', ARGV[4], 'q', ARGV[5], 's', ARGV[6])
            added = added + 1
          end
        end
        return added
        """

    /// The seen-set's member for a normalised URL.
    static func member(_ key: String) -> RedisArgument {
        withUnsafeBytes(of: URLKey.hash(key).littleEndian) { RedisArgument(Array($0)) }
    }
}

/// A following batch as one worker runs it: the followed pattern and the filter. Used on
/// the worker's Redis thread only (the filter owns regex match data).
final class WorkerFollow {
    let pattern: Int
    let filter: FollowFilter

    /// Nil when the batch does not follow; throws when its follow options do not hold.
    static func of(_ options: CrawlOptions, patterns: [PatternSpec]) throws(TrawlError) -> WorkerFollow? {
        guard let name = options.follow else { return nil }
        guard let i = patterns.firstIndex(where: { $0.name == name }) else {
            throw TrawlError(.invalidArgument, "follow names no pattern '\(name)'")
        }
        return WorkerFollow(pattern: i, filter: FollowFilter(rules: try FollowRules(options)))
    }

    private init(pattern: Int, filter: FollowFilter) {
        self.pattern = pattern
        self.filter = filter
    }

    /// Stamps `result` with where its page was found and returns the script call that
    /// enqueues its links (nil when there is nothing to enqueue or mark seen).
    func commands(for result: inout CrawlResult, origin: ClusterFollow.Origin, batchID: String,
                  keys: ClusterKeys) -> [RedisArgument]? {
        result.followMode = true
        result.depth = origin.depth
        result.parent = origin.parent
        result.parentURL = origin.parentURL
        var args: [RedisArgument] = []
        if origin.depth < filter.rules.maxDepth {
            for link in FollowFilter.links(of: result, pattern: pattern) {
                if case .follow(let key) = filter.check(link, scope: origin.scope) {
                    args += [ClusterFollow.member(key), RedisArgument(key)]
                }
            }
        }
        let final = result.finalURL.flatMap { $0 == result.url ? nil : FollowFilter.seenKey(of: $0) }
        guard !args.isEmpty || final != nil else { return nil }
        let head: [RedisArgument] = [
            "EVAL", RedisArgument(ClusterFollow.enqueueScript), 3,
            RedisArgument(keys.seen(batchID)), RedisArgument(keys.count(batchID)), RedisArgument(keys.tasks),
            RedisArgument(batchID), RedisArgument(filter.rules.maxPages), RedisArgument(origin.depth + 1),
            RedisArgument(result.index), RedisArgument(result.url), RedisArgument(origin.scope ?? ""),
            final.map(ClusterFollow.member) ?? "",
        ]
        return head + args
    }
}
