// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlBackends
import TrawlCore

/// `Batch.write(to:)`, which the CLI prints through: when results are flushed to the sink.
@Suite struct BatchOutputTests {
    /// Counts the results written between flushes.
    final class CountingSink: ResultSink {
        var pending = 0
        var flushes: [Int] = []
        var total = 0
        func write(_ result: CrawlResult) throws(TrawlError) {
            pending += 1
            total += 1
        }
        func flush() throws(TrawlError) {
            if pending > 0 { flushes.append(pending) }
            pending = 0
        }
        func close() throws(TrawlError) { try flush() }
    }

    /// Invalid URLs fail at once, so their results never pause: the first result is still
    /// flushed alone (the first line out does not wait for a full buffer), and every result
    /// reaches the sink and is flushed by the end.
    @Test func theFirstResultIsFlushedAloneAndEveryOneReachesTheSink() throws {
        var o = CrawlOptions()
        o.jobs = 2
        let n = 20_000
        let batch = try Crawler(options: o).start((0..<n).map { "not a url \($0)" })
        let sink = CountingSink()
        #expect(try batch.write(to: sink) == n)
        #expect(sink.total == n && sink.pending == 0)
        #expect(sink.flushes.first == 1, "\(sink.flushes.prefix(5))")
        #expect(sink.flushes.reduce(0, +) == n)
    }
}
