// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
import TrawlHTTP

/// Host delay, host rate and the circuit breaker alone, on a clock the tests move.
@Suite struct PacingAndBreakerTests {
    @Test func hostDelayIsJitteredBetweenHalfAndOneAndAHalfTimes() {
        var p = HostPacer(delay: 2, rate: 0)
        #expect(p.due("a") < 0)
        p.started("a", now: 10, random: 0)
        #expect(p.due("a") == 11)
        p.started("a", now: 11, random: 1)
        #expect(p.due("a") == 14)
        p.started("a", now: 14, random: 0.5)
        #expect(p.due("a") == 16)
        #expect(p.due("b") < 0, "hosts are paced apart")
    }

    @Test func hostRateSpacesStartsByItsInverse() {
        var p = HostPacer(delay: 0, rate: 4)
        p.started("a", now: 1, random: 0.9)
        #expect(p.due("a") == 1.25)
        var both = HostPacer(delay: 0.1, rate: 4)
        both.started("a", now: 0, random: 1)
        #expect(both.due("a") == 0.25, "the longer gap wins")
        #expect(HostPacer(delay: 0, rate: 0).isOff)
    }

    @Test func tableHoldsAStartUntilItsHostIsDue() {
        var t = HostTable(limit: 0, pacer: HostPacer(delay: 1, rate: 0))
        #expect(!t.isUnlimited)
        #expect(t.admit(host: "h:80", waiter: 0, now: 5, random: 0.5) == .start)
        #expect(t.admit(host: "h:80", waiter: 1, now: 5.5, random: 0.5) == .waitUntil(6))
        #expect(t.admit(host: "g:80", waiter: 1, now: 5.5, random: 0.5) == .start)
        #expect(t.admit(host: "h:80", waiter: 1, now: 6, random: 0.5) == .start)
    }

    func failure(_ b: inout CircuitBreaker, at now: Double) {
        b.ended(responded: false, failure: "Failed to connect (curl error 7)", host: "h:80", now: now)
    }

    @Test func breakerOpensAfterTheThresholdProbesAndGoesDown() {
        var b = CircuitBreaker(threshold: 3, pause: 2, maxPause: 30)
        for i in 0..<2 {
            #expect(b.admit(now: Double(i)) == .start)
            failure(&b, at: Double(i))
        }
        #expect(b.state == .closed(failures: 2))
        failure(&b, at: 2)
        #expect(b.state == .open(until: 4, failedProbes: 0))
        #expect(b.admit(now: 3) == .waitUntil(4))
        #expect(b.admit(now: 4) == .start, "the probe")
        #expect(b.admit(now: 4) == .waitForProbe)
        failure(&b, at: 5)
        #expect(b.state == .open(until: 9, failedProbes: 1), "twice the pause")
        #expect(b.admit(now: 9) == .start)
        failure(&b, at: 9.5)
        guard case .refuse(let e) = b.admit(now: 10) else {
            Issue.record("down after \(CircuitBreaker.probes) failed probes: \(b.state)")
            return
        }
        #expect(e.code == .hostUnavailable)
        #expect(e.message.contains("h:80") && e.message.contains("breaker_threshold") && e.message.contains("curl error 7"))
    }

    @Test func aResponseClosesTheBreakerAndOtherErrorsAreNeutral() {
        var b = CircuitBreaker(threshold: 2, pause: 1, maxPause: 30)
        failure(&b, at: 0)
        b.ended(responded: true, failure: nil, host: "h:80", now: 0)
        failure(&b, at: 1)
        #expect(b.state == .closed(failures: 1), "the count restarts after a response")
        b.ended(responded: false, failure: nil, host: "h:80", now: 1)
        #expect(b.state == .closed(failures: 1))
        failure(&b, at: 2)
        #expect(b.admit(now: 3) == .start)
        b.ended(responded: true, failure: nil, host: "h:80", now: 3)
        #expect(b.state == .closed(failures: 0), "a probe that gets an answer closes it")
        var off = CircuitBreaker(threshold: 0, pause: 1, maxPause: 1)
        for i in 0..<100 { failure(&off, at: Double(i)) }
        #expect(off.admit(now: 100) == .start)
    }

    @Test func tableRefusesAHostThatIsDownAndWakesWaitersOfAProbe() {
        var t = HostTable(limit: 0, breaker: CircuitBreaker(threshold: 1, pause: 1, maxPause: 1))
        #expect(t.admit(host: "h:80", waiter: 0, now: 0) == .start)
        _ = t.finished(host: "h:80", outcome: .unreachable("refused"), now: 0)
        #expect(t.admit(host: "h:80", waiter: 0, now: 0.5) == .waitUntil(1))
        #expect(t.admit(host: "h:80", waiter: 0, now: 1) == .start)
        #expect(t.admit(host: "h:80", waiter: 1, now: 1) == .wait)
        #expect(t.finished(host: "h:80", outcome: .unreachable("refused"), now: 1) == [1])
        #expect(t.admit(host: "h:80", waiter: 1, now: 2) == .start)
        _ = t.finished(host: "h:80", outcome: .unreachable("refused"), now: 2)
        guard case .refuse(let e) = t.admit(host: "h:80", waiter: 1, now: 3) else {
            Issue.record("the host should be down")
            return
        }
        #expect(e.code == .hostUnavailable)
        #expect(t.admit(host: "other:80", waiter: 1, now: 3) == .start)
    }
}
