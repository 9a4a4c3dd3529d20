// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
import TrawlExtract
import TrawlTestSupport

/// Prints (never asserts) the throughput of both default patterns over the corpus in memory
/// (the generated site without it).
@Suite struct ThroughputTests {
    @Test func printDefaultPatternThroughput() throws {
        let pages = Corpus.isPresent
            ? Corpus.pages.compactMap { Corpus.bytes($0).map { String(decoding: $0, as: UTF8.self) } }
            : Site.names.compactMap { Site.text($0) }
        let bytes = pages.reduce(0) { $0 + $1.utf8.count }
        let session = try Extractor(patterns: PatternSpec.defaults).makeSession()
        var matches = 0
        let rounds = 3
        let start = MonotonicClock.threadCPU()
        for _ in 0..<rounds {
            for page in pages { matches += session.extract(page).matches.reduce(0) { $0 + $1.matches.count } }
        }
        let seconds = MonotonicClock.threadCPU() - start
        let mbps = Double(bytes * rounds) / seconds / 1_000_000
        print("default patterns (\(Corpus.isPresent ? "corpus" : "site")): \(bytes) bytes x \(rounds), \(matches / rounds) matches/round, "
              + "\(String(format: "%.0f", mbps)) MB/s CPU on one thread")
        #expect(matches > 0)
    }
}
