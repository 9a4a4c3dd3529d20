// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore

/// The adaptive limit as a state machine: samples in, limit out, no clock and no network.
@Suite struct GradientLimitTests {
    /// Feeds `windows` windows of samples with round trip `rtt`, `running` in flight.
    func feed(_ g: inout GradientLimit, windows: Int, rtt: Double, running: (GradientLimit) -> Int,
              strainedEvery: Int = 0) {
        for _ in 0..<windows {
            let size = max(GradientLimit.minWindow, g.current / 2)
            for k in 0..<size {
                g.record(rtt: rtt, running: running(g), strained: strainedEvery > 0 && k % strainedEvery == 0)
            }
        }
    }

    @Test func startUpDoublesPerWindowWhileLatencyStaysFlat() {
        var g = GradientLimit(initial: 64, min: 4, max: 1024)
        feed(&g, windows: 1, rtt: 0.2, running: { $0.current })
        #expect(g.current == 128)
        feed(&g, windows: 1, rtt: 0.2, running: { $0.current })
        #expect(g.current == 256)
        feed(&g, windows: 10, rtt: 0.2, running: { $0.current })
        #expect(g.current == 1024, "capped at max_concurrency")
        #expect(g.startingUp)
    }

    @Test func aBatchThatUsesLessThanHalfItsLimitNeverGrowsIt() {
        var g = GradientLimit(initial: 64, min: 4, max: 1024)
        // 8 in flight (one host at per_host_connections 8): the limit is not what holds it back.
        feed(&g, windows: 50, rtt: 0.05, running: { _ in 8 })
        #expect(g.current == 64)
    }

    @Test func risingLatencyEndsTheStartUpAndPullsTheLimitDown() {
        var g = GradientLimit(initial: 64, min: 4, max: 1024)
        feed(&g, windows: 3, rtt: 0.05, running: { $0.current })
        let grown = g.current
        #expect(grown > 64)
        // The servers queue: each window's round trip is far above the long-run mean.
        feed(&g, windows: 1, rtt: 0.5, running: { $0.current })
        #expect(!g.startingUp)
        feed(&g, windows: 6, rtt: 0.5, running: { $0.current })
        #expect(g.current < grown, "\(g.current) after latency rose tenfold from \(grown)")
    }

    @Test func flatLatencyAfterStartUpGrowsByAboutTheSquareRoot() {
        var g = GradientLimit(initial: 100, min: 4, max: 10_000)
        feed(&g, windows: 1, rtt: 0.05, running: { $0.current }, strainedEvery: 1_000)  // one strain ends the start-up
        #expect(!g.startingUp)
        #expect(g.current == 90)
        feed(&g, windows: 1, rtt: 0.05, running: { $0.current })
        // 90 + 0.5 * sqrt(90) = 94.7
        #expect(g.current == 94)
    }

    @Test func aWindowWithStrainBacksOffOnceHoweverManyFailed() {
        var g = GradientLimit(initial: 200, min: 4, max: 1024)
        feed(&g, windows: 1, rtt: 0.05, running: { $0.current }, strainedEvery: 1)  // every sample a 503
        #expect(g.current == 180, "x0.9 once per window, not once per failure")
        #expect(!g.startingUp)
    }

    @Test func strainEveryWindowFloorsAtTheMinimum() {
        var g = GradientLimit(initial: 64, min: 4, max: 1024)
        feed(&g, windows: 200, rtt: 0.05, running: { $0.current }, strainedEvery: 1)
        #expect(g.current == 4)
    }

    @Test func boundsAreOrderedWhateverIsGiven() {
        let g = GradientLimit(initial: 5000, min: 0, max: 16)
        #expect(g.current == 16)
        #expect(g.minLimit == 1)
        let h = GradientLimit(initial: 1, min: 50, max: 16)
        #expect(h.current == 16 && h.minLimit == 16)
    }

    @Test func aFixedLimiterNeverMovesAndCountsWhatRuns() {
        let l = ConcurrencyLimiter(fixed: 16)
        for _ in 0..<100 { l.started() }
        for _ in 0..<100 { l.ended(rtt: 9, strained: true) }
        #expect(l.snapshot == ConcurrencySnapshot(adaptive: false, limit: 16, peak: 16, max: 16, running: 0))
        #expect(l.share(lanes: 3) == 6)
    }

    @Test func anAdaptiveLimiterSharesItsGrowthWithTheLanes() {
        let l = ConcurrencyLimiter(adaptive: GradientLimit(initial: 64, min: 4, max: 1024))
        #expect(l.share(lanes: 2) == 32)
        for _ in 0..<64 { l.started() }
        for _ in 0..<32 { l.ended(rtt: 0.1, strained: false); l.started() }
        #expect(l.snapshot.limit == 128)
        #expect(l.share(lanes: 2) == 64)
        #expect(l.snapshot.running == 64)
        #expect(l.snapshot.json == #"{"mode":"auto","limit":128,"peak":128,"max":1024,"running":64}"#)
    }
}

/// One host's adaptive slots: AIMD within per_host_connections.
@Suite struct HostCapTests {
    @Test func startsAtSixAndGrowsToTheCapByAboutOnePerRound() {
        var c = HostCap(cap: 8)
        #expect(c.allowed == 6)
        for _ in 0..<6 { c.responded() }
        #expect(c.allowed == 6, "6 + 1/6 + 1/6.17 ... stays below 7 after one round")
        c.responded()
        #expect(c.allowed == 7)
        for _ in 0..<7 { c.responded() }
        #expect(c.allowed == 8)
        for _ in 0..<100 { c.responded() }
        #expect(c.allowed == 8, "never above per_host_connections")
        #expect(HostCap(cap: 2).allowed == 2, "a cap below 6 is the start")
    }

    /// An HTTP/2 host: the cap becomes per_host_streams and, until strain, each response adds
    /// a slot (doubling per round); after strain it grows as any host does.
    @Test func aMultiplexingHostDoublesPerRoundUpToItsStreams() {
        var c = HostCap(cap: 8)
        c.multiplexing(cap: 100)
        #expect(c.cap == 100 && c.multiplexes && c.allowed == 6)
        for _ in 0..<6 { c.responded() }
        #expect(c.allowed == 12, "one round of 6 responses doubles 6")
        for _ in 0..<12 { c.responded() }
        #expect(c.allowed == 24)
        for _ in 0..<200 { c.responded() }
        #expect(c.allowed == 100, "never above per_host_streams")
        c.strained(running: 80)
        #expect(c.allowed == 75)
        for _ in 0..<10 { c.responded() }
        #expect(c.allowed == 75, "after strain, about one slot per round, slower near 80")
        var low = HostCap(cap: 8)
        low.multiplexing(cap: 4)
        #expect(low.cap == 8, "never below per_host_connections")
    }

    @Test func strainTakesAQuarterOffAndGrowthSlowsNearWhereTheHostGaveWay() {
        var c = HostCap(cap: 8)
        c.strained(running: 6)
        #expect(c.value == 4.5 && c.gaveWayAt == 6)
        for _ in 0..<2 { c.responded() }
        #expect(c.allowed == 4)
        // 5 + 1 >= 6: from here eight times slower, so 5 responses no longer add a slot.
        var slow = c
        for _ in 0..<5 { slow.responded() }
        #expect(slow.allowed == 5)
        for _ in 0..<5 { slow.responded() }
        #expect(slow.allowed == 5, "\(slow.value)")
        for _ in 0..<40 { slow.responded() }
        #expect(slow.allowed == 6)
        for _ in 0..<20 { c.strained(running: 1) }
        #expect(c.allowed == 1, "at least one slot")
        #expect(c.pause == 0, "a host held by one cap never pauses: one transfer is its floor")
    }

    /// Two shares (the process backend's two workers) together start at 6 and grow by one
    /// slot per round of the host's responses, as one cap does.
    @Test func sharesStartAndGrowTogetherAsOneCap() {
        var one = HostCap(cap: 8)
        var halves = [HostCap(cap: 4, share: 2), HostCap(cap: 4, share: 2)]
        #expect(halves.map(\.allowed) == [3, 3], "6 between them")
        // 30 responses: the lone cap gets all, each share half.
        for _ in 0..<30 { one.responded() }
        for k in 0..<2 { for _ in 0..<15 { halves[k].responded() } }
        let together = halves.map(\.value).reduce(0, +)
        #expect(abs(together - one.value) < 0.5, "shares \(together), one cap \(one.value)")
        #expect(HostCap(cap: 2, share: 4).allowed == 2, "ceil(6 / 4) = 2")
    }

    /// A host whose last response closed its connection gets at most a browser's 6 at once
    /// (its share's part of them), however far its slots grew; a kept connection lifts that.
    @Test func aHostThatClosesItsConnectionsStaysAtSixWhileItDoes() {
        var c = HostCap(cap: 8)
        c.connectionsClose(true)
        for _ in 0..<100 { c.responded() }
        #expect(c.value == 8 && c.allowed == 6, "the slots grew, the host still gets 6")
        c.connectionsClose(false)
        #expect(c.allowed == 8, "one response that kept its connection: all 8")
        c.connectionsClose(true)
        c.strained(running: 6)
        #expect(c.allowed == 6, "strain still takes a quarter off 8")
        for _ in 0..<2 { c.strained(running: 6) }
        #expect(c.allowed == 3, "8 x 0.75^3, below the 6")
        var halves = [HostCap(cap: 4, share: 2), HostCap(cap: 4, share: 2)]
        for k in 0..<2 {
            halves[k].connectionsClose(true)
            for _ in 0..<50 { halves[k].responded() }
        }
        #expect(halves.map(\.allowed) == [3, 3], "two shares: 6 between them")
        var h2 = HostCap(cap: 8)
        h2.multiplexing(cap: 100)
        h2.connectionsClose(true)
        #expect(!h2.closes, "HTTP/2 streams share one connection")
        #expect(HostCap(cap: 4).allowed == 4 && !HostCap(cap: 4).closes)
    }

    /// A share at its floor of one transfer that is still told to slow down pauses between
    /// its starts: 25 ms, doubling up to 1 s; each response halves it, down to none.
    @Test func aShareAtItsFloorPausesAndEachResponseHalvesThePause() {
        var c = HostCap(cap: 4, share: 2)
        for running in [3, 2, 1, 1] { c.strained(running: running) }
        #expect(c.value == 1 && c.pause == 0, "above the floor a strain takes slots, not time")
        c.strained(running: 1)
        #expect(c.pause == 0.025)
        c.strained(running: 1)
        #expect(c.pause == 0.05)
        for _ in 0..<10 { c.strained(running: 1) }
        #expect(c.pause == HostCap.longestPause)
        c.responded()
        #expect(c.pause == 0.5)
        for _ in 0..<6 { c.responded() }
        #expect(c.pause == 0.0078125)
        c.responded()
        #expect(c.pause == 0, "halved below a quarter of the first pause: gone")
    }
}
