// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
public import TrawlRobots
import Synchronization

/// robots.txt for one batch in one process (`respect_robots`), shared by every lane: the
/// per-origin admission step before a host's first request.
///
/// For each origin (`scheme://host:port`) the first lane that asks is told to fetch
/// `/robots.txt` (``Admission/fetch``); every other request for that origin, in any lane, is
/// parked in its lane (``Admission/wait``) until `store(_:host:rules:reason:)` gives the
/// verdict, which wakes the waiting lanes. So robots.txt is fetched once per origin per
/// batch (per worker process on the process and cluster backends), through the same
/// per-host limits as any other transfer.
public final class RobotsGate: Sendable {
    /// What the gate says about a request for an origin.
    public enum Admission: Sendable {
        /// The origin's rules are known.
        case ready(RobotsRules, reason: String?)
        /// Nobody fetches its robots.txt yet: the asking lane must.
        case fetch
        /// Another lane is fetching it: park the request and ask again when woken.
        case wait
    }

    private enum Entry {
        case fetching(waiters: Set<Int>)
        case ready(RobotsRules, reason: String?)
    }

    /// The product token robots.txt groups are matched against (`trawl`).
    public let token: String
    private let state = Mutex<[String: Entry]>([:])
    private let lanes = LaneRegistry()
    /// Called once per origin whose rules carry a Crawl-delay: (host key, seconds).
    private let onCrawlDelay: @Sendable (String, Double) -> Void

    /// The longest Crawl-delay honoured: a robots.txt asking for a day between requests
    /// would otherwise stall the batch.
    public static let maxCrawlDelay = 60.0

    /// The most bytes of a robots.txt read (RFC 9309 2.5: at least 500 KiB); the rest is
    /// ignored.
    public static let maxBytes = 500 * 1024

    /// - Parameters:
    ///   - userAgent: the User-Agent header; its product token chooses the group.
    ///   - onCrawlDelay: receives each origin's Crawl-delay (capped at ``maxCrawlDelay``)
    ///     with the `host:port` key the per-host policy uses.
    public init(userAgent: String, onCrawlDelay: @escaping @Sendable (String, Double) -> Void = { _, _ in }) {
        token = RobotsTxt.productToken(of: userAgent)
        self.onCrawlDelay = onCrawlDelay
    }

    /// The gate of a batch's lanes in one process, nil without `respect_robots`.
    /// A Crawl-delay goes to `hosts` (``HostPolicy/raiseDelay(host:seconds:)``).
    public static func forBatch(_ options: CrawlOptions, hosts: HostPolicy) -> RobotsGate? {
        guard options.respectRobots else { return nil }
        return RobotsGate(userAgent: options.userAgent) { host, seconds in hosts.raiseDelay(host: host, seconds: seconds) }
    }

    func join(_ waker: LaneWaker) -> Int { lanes.join(waker) }

    func leave(_ lane: Int) { lanes.leave(lane) }

    /// Asks for `origin` on behalf of lane `lane`.
    func admit(_ origin: String, lane: Int) -> Admission {
        state.withLock { s in
            switch s[origin] {
            case nil:
                s[origin] = .fetching(waiters: [])
                return .fetch
            case .fetching(var waiters)?:
                waiters.insert(lane)
                s[origin] = .fetching(waiters: waiters)
                return .wait
            case .ready(let rules, let reason)?:
                return .ready(rules, reason: reason)
            }
        }
    }

    /// The verdict for `origin`; wakes the lanes waiting for it.
    /// - Parameters:
    ///   - reason: why everything is refused (unreachable robots.txt), for the messages.
    ///   - host: the per-host policy's key of the origin, for Crawl-delay.
    func store(_ origin: String, host: String, rules: RobotsRules, reason: String?) {
        let waiters: Set<Int> = state.withLock { s in
            defer { s[origin] = .ready(rules, reason: reason) }
            if case .fetching(let w)? = s[origin] { return w }
            return []
        }
        if let delay = rules.crawlDelay, delay > 0 { onCrawlDelay(host, min(delay, Self.maxCrawlDelay)) }
        lanes.wake(waiters)
    }

    /// The verdict for a finished robots.txt transfer (RFC 9309 2.3.1): a 2xx is parsed, a
    /// 4xx (or a redirect chain that ends elsewhere than a page) allows everything, a 5xx or
    /// no answer refuses everything for the batch.
    /// - Parameters:
    ///   - status: the last HTTP status, nil when no response arrived.
    ///   - body: the body (at most ``maxBytes``), for a 2xx.
    ///   - failure: why the transfer failed, nil when it did not.
    func verdict(origin: String, status: Int?, body: [UInt8], failure: String?) -> (RobotsRules, String?) {
        if let failure {
            return (.disallowAll, "\(origin)/robots.txt is unreachable (\(failure))")
        }
        switch status ?? 0 {
        case 200..<300:
            return (RobotsTxt(body).rules(for: token), nil)
        case 500..<600:
            return (.disallowAll, "\(origin)/robots.txt answered \(status ?? 0)")
        default:
            return (.allowAll, nil)
        }
    }
}

/// Requests of one lane waiting for their origin's robots.txt, by origin.
struct RobotsParking {
    private(set) var byOrigin: [String: [(request: FetchRequest, host: String)]] = [:]
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func park(_ request: FetchRequest, host: String, origin: String) {
        byOrigin[origin, default: []].append((request, host))
        count += 1
    }

    /// Takes out every request of `origin`.
    mutating func take(_ origin: String) -> [(request: FetchRequest, host: String)] {
        let out = byOrigin.removeValue(forKey: origin) ?? []
        count -= out.count
        return out
    }

    /// Takes out everything (cancellation).
    mutating func drain() -> [(request: FetchRequest, host: String)] {
        let out = byOrigin.values.flatMap { $0 }
        byOrigin = [:]
        count = 0
        return out
    }
}
