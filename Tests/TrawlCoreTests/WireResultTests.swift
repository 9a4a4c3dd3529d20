// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore

private func roundTrip(_ result: CrawlResult) throws(TrawlError) -> CrawlResult {
    var w = WireWriter()
    result.encode(to: &w)
    var r = WireReader(w.bytes)
    let back = try CrawlResult.decode(from: &r)
    try r.expectEnd()
    return back
}

/// A result frame comes from another process (a worker, or whatever wrote to the cluster's
/// Redis): values no fetch can have are a protocol error, not a result.
@Suite struct WireResultTests {
    @Test func aResultRoundTrips() throws {
        var result = CrawlResult(index: 7, url: "http://a.test/", finalURL: "http://a.test/b", status: 200)
        result.bytes = 1234
        result.elapsed = 0.25
        result.error = TrawlError(.regexBudgetExceeded, "pattern 'x' ran out of budget")
        let back = try roundTrip(result)
        #expect(back.index == 7 && back.finalURL == "http://a.test/b" && back.status == 200)
        #expect(back.bytes == 1234 && back.elapsed == 0.25 && back.error == result.error)
        result.elapsed = 0
        #expect(try roundTrip(result).elapsed == 0)
    }

    @Test(arguments: [Double.nan, -Double.nan, -1, -0.001, .infinity, -.infinity])
    func impossibleElapsedTimesAreRefused(_ elapsed: Double) {
        var result = CrawlResult(index: 0, url: "http://a.test/")
        result.elapsed = elapsed
        #expect(throws: TrawlError.self) { try roundTrip(result) }
    }

    @Test func impossibleTimingsSizesAndAttemptsAreRefused() {
        var base = CrawlResult(index: 0, url: "http://a.test/")
        base.timing = CrawlResult.Timing(fetch: 0.1, decode: 0.01, extract: 0.02)
        #expect((try? roundTrip(base))?.timing == base.timing)
        var cases: [CrawlResult] = []
        for bad in [Double.nan, -1, .infinity] {
            for field in 0..<3 {
                var r = base
                if field == 0 { r.timing.fetch = bad } else if field == 1 { r.timing.decode = bad } else { r.timing.extract = bad }
                cases.append(r)
            }
        }
        var negativeBytes = base
        negativeBytes.bytes = -1
        var negativeAttempts = base
        negativeAttempts.attempts = -1
        for r in cases + [negativeBytes, negativeAttempts] {
            #expect(throws: TrawlError.self, "\(r.timing) \(r.bytes) \(r.attempts)") { try roundTrip(r) }
        }
    }
}
