// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore

@Suite struct RepeatedURLsTests {
    @Test func copiesGroupUnderTheirFirstIndex() {
        let keys: [String?] = ["a", "b", "a", nil, "c", "b", "a", nil]
        let r = RepeatedURLs(count: keys.count, key: { keys[$0] }, hash: { UInt64($0.utf8.first ?? 0) })
        #expect(r.firsts == [0, 1, 3, 4, 7])
        #expect(r.distinct == 5 && r.repeats == 3)
        #expect(Array(r.copies(of: 0)) == [2, 6])
        #expect(Array(r.copies(of: 1)) == [5])
        #expect(r.copies(of: 2).isEmpty && r.copies(of: 4).isEmpty && r.copies(of: 99).isEmpty)
    }

    /// Every key hashes alike: equal hashes are never taken for equal URLs.
    @Test func hashCollisionsNeverMerge() {
        let keys = ["x", "y", "x", "z", "y"]
        let r = RepeatedURLs(count: keys.count, key: { keys[$0] }, hash: { _ in 7 })
        #expect(r.firsts.map { keys[$0] }.filter { $0 == "x" }.count == 1)
        #expect(Array(r.copies(of: 0)) == [2])
        // "y" collides with "x": fetched at each of its indexes, never given x's result.
        #expect(r.firsts.contains(1) && r.firsts.contains(4))
        #expect(r.distinct + r.repeats == keys.count)
    }

    @Test func seedShapedBatch() {
        let keys = (0..<1000).map { "u\($0 % 10)" }
        let r = RepeatedURLs(count: keys.count, key: { keys[$0] }, hash: { UInt64(truncatingIfNeeded: $0.hashValue) })
        #expect(r.firsts == Array(0..<10))
        #expect(r.copies(of: 3).count == 99)
        #expect(r.copies(of: 3).allSatisfy { $0 % 10 == 3 })
    }
}
