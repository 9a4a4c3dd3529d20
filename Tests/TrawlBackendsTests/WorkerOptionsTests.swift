// SPDX-License-Identifier: Apache-2.0

import Testing
@testable import TrawlBackends
import TrawlCore
import TrawlTestSupport

/// What a cluster batch stores for its workers (``ClusterBatchMeta``): every fetch and
/// extract option of the registry, and follow mode's (the workers enqueue the links), set to
/// a value other than its default, comes back as the submitter set it; the others stay at
/// their defaults.
@Suite struct WorkerOptionsTests {
    @Test func everyWorkerOptionReachesAClusterWorker() throws {
        var o = CrawlOptions()
        for spec in CrawlOptions.registry where spec.name != "clear_headers" {
            try o.set(spec.name, OptionSamples.nonDefault(spec))
        }
        o.patterns = [PatternSpec(name: "t", source: "<t>(.*?)</t>", flags: [.dotAll])]
        for complete in [false, true] {
            let meta = ClusterBatchMeta(total: 3, fingerprint: 42, complete: complete, visibilityTimeout: o.visibilityTimeout,
                                        maxDeliveries: o.maxDeliveries, options: o)
            let back = try ClusterBatchMeta.decode(meta.encoded())
            #expect(back.total == 3 && back.fingerprint == 42 && back.complete == complete)
        }
        let meta = ClusterBatchMeta(total: 3, fingerprint: 42, complete: true, visibilityTimeout: o.visibilityTimeout,
                                    maxDeliveries: o.maxDeliveries, options: o)
        let back = try ClusterBatchMeta.decode(meta.encoded())
        #expect(back.visibilityTimeout == o.visibilityTimeout && back.maxDeliveries == o.maxDeliveries)
        for spec in CrawlOptions.registry {
            let travels = spec.scope.travelsToWorkers || ClusterBatchMeta.followOptions.contains(spec.name)
            let expected = travels ? spec.value(in: o) : spec.value(in: CrawlOptions())
            #expect(spec.value(in: back.options) == expected, "\(spec.name)")
        }
        #expect(back.options.patterns == o.patterns)
    }
}
