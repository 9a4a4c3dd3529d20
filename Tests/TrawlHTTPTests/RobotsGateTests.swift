// SPDX-License-Identifier: Apache-2.0
import Synchronization
import Testing
import TrawlRobots
@testable import TrawlHTTP

/// The robots.txt admission step and Crawl-delay, without I/O.
@Suite struct RobotsGateTests {
    @Test func firstAskerFetchesOthersWaitThenEveryoneHasTheVerdict() {
        let delays = DelayLog()
        let gate = RobotsGate(userAgent: "trawl/1.0") { delays.add($0, $1) }
        #expect(gate.token == "trawl")
        guard case .fetch = gate.admit("http://a.test:80", lane: 0) else { Issue.record("first ask must fetch"); return }
        guard case .wait = gate.admit("http://a.test:80", lane: 1) else { Issue.record("second ask must wait"); return }
        guard case .fetch = gate.admit("https://a.test:443", lane: 1) else { Issue.record("another origin"); return }
        let (rules, reason) = gate.verdict(origin: "http://a.test:80", status: 200,
                                           body: Array("User-agent: trawl\nDisallow: /x\nCrawl-delay: 90\n".utf8), failure: nil)
        #expect(reason == nil)
        gate.store("http://a.test:80", host: "a.test:80", rules: rules, reason: reason)
        guard case .ready(let got, _) = gate.admit("http://a.test:80", lane: 1) else { Issue.record("no verdict"); return }
        #expect(!got.allows(url: "http://a.test/x/y") && got.allows(url: "http://a.test/y"))
        #expect(delays.entries == ["a.test:80=60.0"], "capped at maxCrawlDelay")
    }

    @Test func statusDecidesWhenThereIsNoFile() {
        let gate = RobotsGate(userAgent: "trawl")
        #expect(gate.verdict(origin: "o", status: 404, body: [], failure: nil).0.allows(url: "http://o/a"))
        #expect(gate.verdict(origin: "o", status: 401, body: [], failure: nil).0.allows(url: "http://o/a"))
        #expect(!gate.verdict(origin: "o", status: 503, body: [], failure: nil).0.allows(url: "http://o/a"))
        let unreachable = gate.verdict(origin: "o", status: nil, body: [], failure: "connect: refused")
        #expect(!unreachable.0.allows(url: "http://o/a") && unreachable.1?.contains("unreachable") == true)
    }

    @Test func raisedDelayIsAFloorNeverJitteredBelow() {
        var pacer = HostPacer(delay: 0, rate: 0)
        #expect(pacer.isOff)
        pacer.raisable = true
        #expect(!pacer.isOff, "a table that may get a Crawl-delay is asked")
        pacer.raise("h:80", to: 2)
        pacer.started("h:80", now: 10, random: 0)
        #expect(pacer.due("h:80") == 12)
        pacer.raise("h:80", to: 1)
        pacer.started("h:80", now: 20, random: 0)
        #expect(pacer.due("h:80") == 22, "a smaller Crawl-delay does not lower it")
        var jittered = HostPacer(delay: 4, rate: 0)
        jittered.raise("h:80", to: 3)
        jittered.started("h:80", now: 0, random: 0)
        #expect(jittered.due("h:80") == 3, "host_delay's 0.5x draw (2 s) is raised to the Crawl-delay")
    }
}

/// Crawl-delays handed out by a gate.
private final class DelayLog: Sendable {
    private let log = Mutex<[String]>([])
    var entries: [String] { log.withLock { $0 } }
    func add(_ host: String, _ seconds: Double) { log.withLock { $0.append("\(host)=\(seconds)") } }
}
