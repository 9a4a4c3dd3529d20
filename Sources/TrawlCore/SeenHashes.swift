// SPDX-License-Identifier: Apache-2.0

/// A set of 64-bit hashes in one flat table (linear probing, the slot picked by a
/// multiply-shift of the mixed hash, so the table need not be a power of two): it grows by a
/// quarter when 80 % full, so it stays 64-80 % full once it is past its first size, and costs
/// 8 bytes a slot: 10 to 12.5 bytes per hash held (``bytes``). `Set<UInt64>` doubles at 75 %
/// and would cost 11 to 22.
///
/// Why so tight: a streamed batch of any length keeps one entry per distinct URL it read
/// (`dedupe`), and nothing else per URL.
public struct SeenHashes: Sendable {
    /// 0 marks a free slot; a hash of 0 is stored as 1 (the set is of hashes: that merges two
    /// values in 2^64, like any collision).
    private var slots: [UInt64]
    public private(set) var count = 0

    public init(capacity: Int = 64) {
        slots = [UInt64](repeating: 0, count: max(8, capacity))
    }

    /// The table's size in bytes.
    public var bytes: Int { slots.count * MemoryLayout<UInt64>.stride }

    /// Adds `hash`; returns whether it was new.
    @discardableResult
    public mutating func insert(_ hash: UInt64) -> Bool {
        if (count + 1) * 5 > slots.count * 4 { grow() }
        let h = Self.stored(hash)
        var i = Self.slot(h, in: slots.count)
        while slots[i] != 0 {
            if slots[i] == h { return false }
            i = i + 1 == slots.count ? 0 : i + 1
        }
        slots[i] = h
        count += 1
        return true
    }

    /// Whether `hash` was added.
    public func contains(_ hash: UInt64) -> Bool {
        let h = Self.stored(hash)
        var i = Self.slot(h, in: slots.count)
        while slots[i] != 0 {
            if slots[i] == h { return true }
            i = i + 1 == slots.count ? 0 : i + 1
        }
        return false
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count + old.count / 4)
        for h in old where h != 0 {
            var i = Self.slot(h, in: slots.count)
            while slots[i] != 0 { i = i + 1 == slots.count ? 0 : i + 1 }
            slots[i] = h
        }
    }

    private static func stored(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

    /// The home slot: the high half of (mixed hash × size), which spreads any hash over any
    /// size (FNV's low bits alone are poor, hence the mix: splitmix64's finaliser).
    private static func slot(_ h: UInt64, in size: Int) -> Int {
        var z = h
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Int(z.multipliedFullWidth(by: UInt64(size)).high)
    }
}
