// SPDX-License-Identifier: Apache-2.0

/// `dedupe` for a batch whose URLs are read one by one (a streamed batch): decides, as each URL
/// is read, whether it is fetched, waits for a copy of it in flight, or takes the result of a
/// recent copy. Pure state: the caller gives each URL's normalised key and hash (nil: never
/// merged) and reports each fetched URL's result.
///
/// Memory: for URLs in flight, their key and the copies waiting for them; and the last
/// ``cacheSize`` results. Nothing grows with the batch: a later copy of a URL whose result has
/// left that cache is fetched again (and may then get another answer than the first copy
/// did). A seen-set of every URL's hash would not change that, since a URL seen but gone
/// from the cache is fetched all the same; it only cost 10 to 12.5 bytes per distinct URL,
/// and was dropped.
///
/// Collisions: the result is taken over only when the keys are equal, so two different URLs
/// are never merged. A URL whose hash equals a different URL's in flight or cached is fetched
/// as if its result had left the cache.
public struct StreamedRepeats: Sendable {
    /// What to do with a URL just read.
    public enum Admission: Sendable, Equatable {
        /// Fetch it (the first of its URL, one never merged, or one whose result is gone).
        case fetch
        /// A copy of it is being fetched: its result comes with that one's (``finished(_:)``).
        case wait
        /// Its result, from a recent copy's, under its own index and URL.
        case copy(CrawlResult)
    }

    private struct Original: Sendable {
        var hash: UInt64
        var key: String
        var copies: [(index: Int, url: String)] = []
    }

    /// Results kept for later copies: the most recent ones, by completion.
    public let cacheSize: Int
    /// The index of the copy being fetched, by hash.
    private var pending: [UInt64: Int] = [:]
    private var originals: [Int: Original] = [:]
    private var cache: [UInt64: (key: String, result: CrawlResult)] = [:]
    /// Cached hashes, oldest first, from `cacheHead` on.
    private var cacheOrder: [UInt64] = []
    private var cacheHead = 0

    public init(cacheSize: Int = 256) {
        self.cacheSize = max(0, cacheSize)
    }

    /// URLs in flight (each with the copies waiting for it) and results cached: all it holds.
    public var held: (inFlight: Int, cached: Int) { (originals.count, cache.count) }

    /// URL `index`, `url` as read, normalised to `key` with `hash`.
    public mutating func admit(index: Int, url: String, key: String?, hash: UInt64) -> Admission {
        guard let key else { return .fetch }
        if let j = pending[hash], originals[j]?.key == key {
            originals[j]?.copies.append((index, url))
            return .wait
        }
        if let hit = cache[hash], hit.key == key {
            var r = hit.result
            r.index = index
            r.url = url
            return .copy(r)
        }
        // Never seen, gone from the cache, or a collision: fetch it; later copies wait for
        // this one unless another URL of this hash is in flight.
        if pending[hash] == nil { track(index: index, key: key, hash: hash) }
        return .fetch
    }

    /// The result of a fetched URL: returns the results of the copies that waited for it.
    public mutating func finished(_ result: CrawlResult) -> [CrawlResult] {
        guard let o = originals.removeValue(forKey: result.index) else { return [] }
        if pending[o.hash] == result.index { pending[o.hash] = nil }
        remember(o.hash, key: o.key, result)
        return o.copies.map { c in
            var r = result
            r.index = c.index
            r.url = c.url
            return r
        }
    }

    private mutating func track(index: Int, key: String, hash: UInt64) {
        pending[hash] = index
        originals[index] = Original(hash: hash, key: key)
    }

    private mutating func remember(_ hash: UInt64, key: String, _ result: CrawlResult) {
        guard cacheSize > 0 else { return }
        if cache.updateValue((key, result), forKey: hash) == nil { cacheOrder.append(hash) }
        while cache.count > cacheSize, cacheHead < cacheOrder.count {
            cache[cacheOrder[cacheHead]] = nil
            cacheHead += 1
        }
        // Compact the order list once its dead head is as long as the cache.
        if cacheHead > cacheSize {
            cacheOrder.removeFirst(cacheHead)
            cacheHead = 0
        }
    }
}
