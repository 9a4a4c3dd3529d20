// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore
@testable import TrawlHTTP

@Suite struct HostPolicyTests {
    @Test func admitsUpToTheLimitPerHostAcrossLanes() {
        var table = HostTable(limit: 2)
        // Met before (see firstContactIsAlone).
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        #expect(table.finished(host: "a:80") == [])
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        #expect(table.admit(host: "a:80", waiter: 1) == .start)
        // A third transfer on "a" waits, whichever lane asks; "b" has room.
        #expect(table.admit(host: "a:80", waiter: 2) == .wait)
        #expect(table.admit(host: "a:80", waiter: 0) == .wait)
        #expect(table.admit(host: "b:80", waiter: 2) == .start)
        #expect(table.running(host: "a:80") == 2)
        // A freed slot wakes each waiting lane once; the next asker gets it.
        #expect(table.finished(host: "a:80") == [0, 2])
        #expect(table.finished(host: "b:80") == [])
        #expect(table.admit(host: "a:80", waiter: 2) == .start)
        #expect(table.admit(host: "a:80", waiter: 1) == .wait)
    }

    /// Until a transfer on a host has ended, the host gets one at a time: the others open
    /// after it, resuming its TLS session, and a host is not met with a burst.
    /// Only host_delay's jitter needs a random draw (a getrandom call per admission otherwise).
    @Test func onlyAHostDelayDrawsJitter() {
        #expect(!HostTable(limit: 8).drawsJitter)
        #expect(!HostTable(limit: 8, pacer: HostPacer(delay: 0, rate: 2)).drawsJitter)
        #expect(HostTable(limit: 8, pacer: HostPacer(delay: 0.5, rate: 0)).drawsJitter)
    }

    @Test func firstContactIsAlone() {
        var table = HostTable(limit: 8)
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        #expect(table.admit(host: "a:80", waiter: 1) == .wait)
        #expect(table.admit(host: "b:80", waiter: 1) == .start)
        #expect(table.finished(host: "a:80") == [1])
        for k in 0..<8 { #expect(table.admit(host: "a:80", waiter: k) == .start) }
        #expect(table.admit(host: "a:80", waiter: 0) == .wait)
        // A failed first transfer counts as contact too.
        #expect(table.finished(host: "b:80") == [])
        #expect(table.admit(host: "b:80", waiter: 0) == .start)
        #expect(table.admit(host: "b:80", waiter: 0) == .start)
    }

    /// Pinned: a host that answered over HTTP/2 gets per_host_streams at once.
    @Test func aMultiplexedAnswerRaisesTheHostToItsStreams() {
        var table = HostTable(limit: 2, streams: 5)
        #expect(table.admit(host: "a:443", waiter: 0) == .start)
        _ = table.finished(host: "a:443", outcome: .responded)
        #expect(table.allowed("a:443") == 2)
        #expect(table.admit(host: "a:443", waiter: 0) == .start)
        _ = table.finished(host: "a:443", outcome: .responded, multiplexed: true)
        #expect(table.allowed("a:443") == 5)
        for k in 0..<5 { #expect(table.admit(host: "a:443", waiter: k) == .start) }
        #expect(table.admit(host: "a:443", waiter: 0) == .wait)
        #expect(table.allowed("b:443") == 1, "other hosts keep their own rules")
        var open = HostTable(limit: 0, streams: 5)
        _ = open.finished(host: "a:443", multiplexed: true)
        #expect(open.allowed("a:443") == Int.max, "no limit stays no limit")
    }

    /// The first connection being up is contact enough: the host's other transfers start
    /// then, not once the first page (perhaps a slow one) has ended.
    @Test func aConnectionUpEndsTheFirstContactWait() {
        var table = HostTable(limit: 4)
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        #expect(table.admit(host: "a:80", waiter: 1) == .wait)
        #expect(table.admit(host: "a:80", waiter: 2) == .wait)
        #expect(table.connected(host: "a:80") == [1, 2])
        #expect(table.connected(host: "a:80") == [], "the first time only")
        for k in 0..<3 { #expect(table.admit(host: "a:80", waiter: k) == .start) }
        #expect(table.admit(host: "a:80", waiter: 0) == .wait, "then the limit holds")
        #expect(table.connected(host: "b:80") == [], "a host with nothing running: nothing to wake")
        #expect(table.admit(host: "b:80", waiter: 0) == .start)
        #expect(table.admit(host: "b:80", waiter: 0) == .start, "b:80 counts as contacted")
        var open = HostTable(limit: 0)
        #expect(open.connected(host: "a:80") == [])
    }

    /// A table that holds one share of a host's slots: a 503 at its floor of one transfer holds
    /// the host's next start back by the cap's pause; a response ends the wait sooner.
    /// The table hands a response's `closed` to the host's slots: closed, 6 at most; kept,
    /// the host's grown slots. Pinned (not adaptive), the limit stays what it was set to.
    @Test func aHostWhoseResponsesCloseTheirConnectionsGetsSix() {
        var table = HostTable(limit: 8, adaptive: true)
        func respond(closed: Bool, times: Int) {
            for _ in 0..<times {
                #expect(table.admit(host: "a:80", waiter: 0) == .start)
                _ = table.finished(host: "a:80", outcome: .responded, closed: closed)
            }
        }
        respond(closed: true, times: 60)
        #expect(table.allowed("a:80") == 6)
        respond(closed: false, times: 1)
        #expect(table.allowed("a:80") == 8)
        respond(closed: true, times: 1)
        #expect(table.allowed("a:80") == 6)
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        _ = table.finished(host: "a:80", outcome: .other, closed: false)
        #expect(table.allowed("a:80") == 6, "a transfer that got no response says nothing about the host")
        var pinned = HostTable(limit: 8)
        #expect(pinned.admit(host: "a:80", waiter: 0) == .start)
        _ = pinned.finished(host: "a:80", outcome: .responded, closed: true)
        #expect(pinned.allowed("a:80") == 8)
    }

    @Test func aShareAtItsFloorWaitsOutItsPause() {
        var table = HostTable(limit: 4, adaptive: true, share: 2)
        // The table's cap, step by step: strains with one transfer running.
        var mirror = HostCap(cap: 4, share: 2)
        #expect(table.admit(host: "a:80", waiter: 0, now: 0) == .start)
        _ = table.finished(host: "a:80", outcome: .responded, now: 0)
        mirror.responded()
        #expect(table.allowed("a:80") == 3, "half of 6")
        var now = 1.0
        while mirror.pause == 0 && now < 1.1 {
            #expect(table.admit(host: "a:80", waiter: 0, now: now) == .start, "no pause before it is down to one")
            now += 0.001
            _ = table.finished(host: "a:80", outcome: .strained, now: now)
            mirror.strained(running: 1)
        }
        #expect(table.allowed("a:80") == 1 && mirror.pause == HostCap.firstPause)
        #expect(table.admit(host: "a:80", waiter: 0, now: now + 0.01) == .waitUntil(now + HostCap.firstPause))
        #expect(table.admit(host: "a:80", waiter: 0, now: now + HostCap.firstPause) == .start)
        var alone = HostTable(limit: 8, adaptive: true)
        for _ in 0..<10 {
            #expect(alone.admit(host: "a:80", waiter: 0, now: 0) == .start)
            _ = alone.finished(host: "a:80", outcome: .strained, now: 0)
        }
        #expect(alone.admit(host: "a:80", waiter: 0, now: 0) == .start, "a host's only table never pauses it")
    }

    /// With concurrency auto a host starts at 6 of its 8, gives way on a 503 or a timeout, and
    /// a response of any other status is no sign of strain.
    @Test func adaptiveSlotsStartAtSixAndGiveWayOnStrain() {
        var table = HostTable(limit: 8, adaptive: true)
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        _ = table.finished(host: "a:80", outcome: .responded)
        #expect(table.allowed("a:80") == 6)
        for k in 0..<6 { #expect(table.admit(host: "a:80", waiter: k) == .start) }
        #expect(table.admit(host: "a:80", waiter: 0) == .wait)
        _ = table.finished(host: "a:80", outcome: .strained)
        #expect(table.allowed("a:80") == 4, "6 x 0.75 after a 503")
        _ = table.finished(host: "a:80", outcome: .unreachable("timeout"))
        #expect(table.allowed("a:80") == 3)
        // 4 still run, 3 allowed: the next start waits for two of them.
        #expect(table.admit(host: "a:80", waiter: 1) == .wait)
        _ = table.finished(host: "a:80", outcome: .other)
        #expect(table.allowed("a:80") == 3, "a cancelled transfer says nothing about the host")
        #expect(table.admit(host: "a:80", waiter: 1) == .wait)
        _ = table.finished(host: "a:80", outcome: .responded)
        #expect(table.admit(host: "a:80", waiter: 1) == .start)
        // Not adaptive: 8 at once from the first response on, whatever the statuses.
        var fixed = HostTable(limit: 8)
        #expect(fixed.admit(host: "a:80", waiter: 0) == .start)
        _ = fixed.finished(host: "a:80", outcome: .strained)
        #expect(fixed.allowed("a:80") == 8)
        #expect(!HostTable(limit: 0, adaptive: true).adaptive, "no cap, nothing to adapt")
    }

    @Test func zeroMeansNoLimit() {
        var table = HostTable(limit: 0)
        #expect(table.isUnlimited)
        for i in 0..<100 { #expect(table.admit(host: "a:80", waiter: i) == .start) }
        #expect(table.running(host: "a:80") == 100)
        #expect(!HostTable(limit: 1).isUnlimited)
    }

    @Test func finishingAnIdleHostIsHarmless() {
        var table = HostTable(limit: 1)
        #expect(table.finished(host: "nowhere:80") == [])
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        _ = table.finished(host: "a:80")
        _ = table.finished(host: "a:80")
        #expect(table.running(host: "a:80") == 0)
        #expect(table.admit(host: "a:80", waiter: 0) == .start)
        #expect(table.admit(host: "a:80", waiter: 0) == .wait)
    }

    @Test func sharedPolicyCountsEveryLane() throws {
        let policy = HostPolicy(perHostConnections: 1)
        let one = try FetchLane(options: FetchOptions(), hosts: policy)
        let two = try FetchLane(options: FetchOptions(), hosts: policy)
        let a = policy.join(one.waker), b = policy.join(two.waker)
        #expect(policy.admit(["h:80", "h:80"], lane: a) == [.start, .wait])
        #expect(policy.admit(["h:80"], lane: b) == [.wait])
        policy.finished(host: "h:80")
        #expect(policy.running(host: "h:80") == 0)
        #expect(policy.admit(["h:80"], lane: b) == [.start])
    }
}
