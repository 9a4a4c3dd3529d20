// SPDX-License-Identifier: Apache-2.0

import Synchronization
import Testing
import TrawlCore
import TrawlHTTP
@testable import TrawlBackends

/// The thread backend's shared frontier wakes lanes that were told to wait as soon as there is
/// something to see, so that no lane sleeps out its poll interval at the end of a batch.
@Suite struct LaneFrontierTests {
    /// With retries allowed, a lane that finds no URL while another still runs one is told to
    /// wait (the running URL may come back); when that URL ends the batch, the waiting lane
    /// is woken to find it over. Without the wake it slept up to 100 ms per batch.
    @Test func theLastResultWakesTheWaitingLanes() {
        let frontier = LaneFrontier(urls: ["http://a.test/", "http://b.test/"], tries: TryPolicy(limit: 3))
        let wakes = Atomic<Int>(0)
        frontier.register { wakes.add(1, ordering: .relaxed) }
        frontier.register { wakes.add(1, ordering: .relaxed) }
        guard case .request(let first) = frontier.pull(), case .request(let second) = frontier.pull() else {
            Issue.record("two URLs to hand out")
            return
        }
        guard case .wait = frontier.pull() else {
            Issue.record("a lane must wait while URLs that may be retried run")
            return
        }
        frontier.complete(first.index)
        #expect(wakes.load(ordering: .relaxed) == 0, "one URL still runs: nothing to wake for")
        frontier.complete(second.index)
        #expect(wakes.load(ordering: .relaxed) == 2, "the last result wakes both lanes")
        guard case .finished = frontier.pull() else {
            Issue.record("the batch is over")
            return
        }
    }

    /// Without a lane told to wait, completing URLs wakes nobody (no wake-up per result).
    @Test func resultsWakeNobodyWhenNoLaneWaits() {
        let frontier = LaneFrontier(urls: ["http://a.test/"], tries: TryPolicy(limit: 3))
        let wakes = Atomic<Int>(0)
        frontier.register { wakes.add(1, ordering: .relaxed) }
        guard case .request(let only) = frontier.pull() else {
            Issue.record("one URL to hand out")
            return
        }
        frontier.complete(only.index)
        #expect(wakes.load(ordering: .relaxed) == 0)
    }
}
