// SPDX-License-Identifier: Apache-2.0

/// Which URLs of a batch are repeats of an earlier one (`dedupe`): the batch fetches each
/// distinct URL once, at its first index, and every later copy gets that result under its
/// own index. Pure: the caller gives each URL's normalised key (nil: never merged).
///
/// Memory: while it is built, a hash table of 64-bit key hashes to 32-bit slots (about 16
/// bytes per distinct URL) and 4 bytes per URL; kept, 16 bytes per distinct URL and 8 per
/// copy. A hash match is checked against the keys themselves, so two different URLs are
/// never merged (a URL whose hash collides with another's is not merged with its own copies).
public struct RepeatedURLs: Sendable {
    /// The index of each distinct URL's first occurrence, in input order: the batch's work.
    public let firsts: [Int]
    /// Where the copies of distinct URL `k` start in ``copyList`` (``firsts``.count + 1 entries).
    private let copyStart: [Int]
    private let copyList: [Int]

    /// - Parameters:
    ///   - count: the URLs in the batch.
    ///   - key: the normalised key of URL `i`, nil for one never to merge (called once or
    ///     twice per URL).
    public init(count: Int, key: (Int) -> String?, hash: (String) -> UInt64) {
        var slotOf = [UInt64: Int32]()
        var slot = [Int32](repeating: 0, count: count)
        var firsts: [Int] = []
        var copies = [Int](repeating: 0, count: 0)
        for i in 0..<count {
            guard let k = key(i) else {
                slot[i] = Int32(truncatingIfNeeded: firsts.count)
                firsts.append(i)
                continue
            }
            let h = hash(k)
            if let s = slotOf[h], key(firsts[Int(s)]) == k {
                slot[i] = -1 - s
                copies.append(i)
            } else {
                if slotOf[h] == nil { slotOf[h] = Int32(truncatingIfNeeded: firsts.count) }
                slot[i] = Int32(truncatingIfNeeded: firsts.count)
                firsts.append(i)
            }
        }
        // Copies grouped by their distinct URL, each group in input order.
        var start = [Int](repeating: 0, count: firsts.count + 1)
        for i in copies { start[Int(-1 - slot[i]) + 1] += 1 }
        for k in 0..<firsts.count { start[k + 1] += start[k] }
        var fill = start
        var list = [Int](repeating: 0, count: copies.count)
        for i in copies {
            let s = Int(-1 - slot[i])
            list[fill[s]] = i
            fill[s] += 1
        }
        self.firsts = firsts
        copyStart = start
        copyList = list
    }

    /// The distinct URLs.
    public var distinct: Int { firsts.count }
    /// URLs that are copies of an earlier one.
    public var repeats: Int { copyList.count }

    /// The indexes of the later copies of distinct URL `k`, in input order.
    public func copies(of k: Int) -> ArraySlice<Int> {
        guard k >= 0, k < firsts.count else { return [] }
        return copyList[copyStart[k]..<copyStart[k + 1]]
    }
}
