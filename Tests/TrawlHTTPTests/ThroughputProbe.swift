// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
import TrawlHTTP
import TrawlTestSupport

/// A quick look at one lane's speed on the loopback demo site; prints, never asserts (speed
/// belongs in bench/). Runs only with TRAWL_HTTP_THROUGHPUT=1.
@Suite(.serialized) struct ThroughputProbe {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TRAWL_HTTP_THROUGHPUT"] != nil),
          arguments: [1, 8, 32])
    func siteThroughOneLane(inFlight: Int) throws {
        let urls = Array(repeating: Site.names.map { TestServer.shared.siteURL($0) }, count: 3)
            .flatMap { $0 }
        let start = MonotonicClock.now()
        let responses = try fetch(urls, inFlight: inFlight)
        let seconds = MonotonicClock.now() - start
        let bytes = responses.reduce(0) { $0 + $1.body.count }
        let failed = responses.filter { $0.error != nil }.count
        print("THROUGHPUT inFlight=\(inFlight): \(urls.count) pages in \(seconds) s = "
              + "\(Int(Double(urls.count) / seconds)) pages/s, "
              + "\(Int(Double(bytes) / seconds / 1_048_576)) MiB/s, failed \(failed)")
    }
}
