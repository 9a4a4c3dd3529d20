// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import Synchronization

/// What the per-host policy says about starting a transfer on a host now.
///
/// The slots, ``HostPacer`` (host delay and rate) and ``CircuitBreaker`` answer here;
/// robots.txt is meant to answer "refuse" the same way.
public enum HostAdmission: Sendable, Equatable {
    /// Start the transfer: a slot on the host is now counted for it.
    case start
    /// No slot now; the waiting lane is woken when one frees.
    case wait
    /// Not before this time (host delay, rate, or a paused host): the lane asks again then.
    case waitUntil(Double)
    /// Never: the request ends at once with this error (a host found down).
    case refuse(TrawlError)
}

/// The per-host rules of one batch inside one process, as pure state (no I/O, no clock, no
/// locks): how many transfers run on each host, and which lanes wait for one to end.
///
/// libcurl 7.88 holds a transfer over `CURLMOPT_MAX_HOST_CONNECTIONS` inside the multi handle,
/// and its total timeout runs while it waits there (measured: with a limit of 1 and a 1 s
/// timeout, the third of five 0.4 s responses on one host failed with "Failed to resolve host
/// ... with timeout after 0 ms"). So requests wait in their lane until the table admits them,
/// and a transfer (and its timeout) starts only when its host has room.
///
/// Per host it is the place for the token bucket, the circuit breaker, the robots.txt cache
/// and the adaptive limit: each is a field of its per-host state and a case of ``HostAdmission``.
public struct HostTable: Sendable {
    /// Transfers at once per host key, across every lane of the table; `Int.max` for none.
    public let limit: Int
    /// Transfers at once to a host that answered over HTTP/2 (with a ``limit``).
    public let streams: Int
    /// Hosts that answered over HTTP/2 (their cap is ``streams``), when not ``adaptive``.
    private var multiplexing: Set<String> = []
    private var hosts: [String: Host] = [:]
    private var pacer: HostPacer
    /// The breaker every host starts with, and each host's own.
    private let breakerTemplate: CircuitBreaker
    private var breakers: [String: CircuitBreaker] = [:]
    /// Hosts to which a connection is up (TLS handshake done) or on which a transfer has
    /// ended: until then a host gets one transfer at a time, so that the first connection's
    /// TLS session (shared through ``LaneShare``) is there to resume when the others open, and
    /// a host that cannot be reached is not met with a burst of connects. Not until the first
    /// transfer ends: one slow first page then held every other URL of its host. One entry per
    /// host the batch reached.
    private var contacted: Set<String> = []
    /// Whether each host's slots adapt (``HostCap``) within ``limit``: `concurrency` auto.
    public let adaptive: Bool
    /// The adaptive slots of each host reached, when ``adaptive``.
    private var caps: [String: HostCap] = [:]
    /// How many tables like this one hold each host's slots together (``HostCap/share``).
    public let share: Int
    /// When a host whose cap pauses (``HostCap/pause``) may start its next transfer.
    private var pausedUntil: [String: Double] = [:]

    struct Host {
        var running = 0
        /// Lanes that were told ``HostAdmission/wait`` since the last slot freed.
        var waiters: Set<Int> = []
    }

    /// - Parameters:
    ///   - limit: transfers at once per host; 0 or less for no limit.
    ///   - streams: transfers at once to a host that answered over HTTP/2 (`per_host_streams`),
    ///     never below `limit`.
    ///   - pacer: host delay and rate.
    ///   - breaker: each host's circuit breaker as it starts (threshold 0: none).
    ///   - adaptive: each host starts at ``HostCap/start`` slots (at most `limit`) and gives
    ///     way on strain; ignored without a limit.
    ///   - share: how many tables like this one hold each host's slots together, each with its
    ///     part of the host's `limit` (the process backend's workers): their adaptive slots
    ///     start and grow as one table's would.
    public init(limit: Int, streams: Int = 0, pacer: HostPacer = HostPacer(delay: 0, rate: 0),
                breaker: CircuitBreaker = CircuitBreaker(threshold: 0, pause: 0, maxPause: 0),
                adaptive: Bool = false, share: Int = 1) {
        self.share = Swift.max(1, share)
        self.limit = limit > 0 ? limit : Int.max
        self.streams = Swift.max(self.limit == Int.max ? 0 : self.limit, streams)
        self.adaptive = adaptive && limit > 0
        self.pacer = pacer
        self.breakerTemplate = breaker
    }

    /// Whether no rule can ever hold a transfer back (lanes then skip the table).
    public var isUnlimited: Bool { limit == Int.max && pacer.isOff && breakerTemplate.threshold == 0 }
    /// Whether ``admit(host:waiter:now:random:)`` uses its `random`: only `host_delay`'s jitter does.
    public var drawsJitter: Bool { pacer.delay > 0 }

    /// Asks to start one transfer on `host` (a `host:port` key) for lane `waiter` at `now`
    /// (the monotonic clock); `random` in 0..<1 draws the host delay's jitter.
    public mutating func admit(host: String, waiter: Int, now: Double = 0, random: Double = 0.5) -> HostAdmission {
        var h = hosts[host, default: Host()]
        defer { hosts[host] = h }
        if case .down(let error) = breakers[host]?.state { return .refuse(error) }
        guard h.running < allowed(host) else {
            h.waiters.insert(waiter)
            return .wait
        }
        if let until = pausedUntil[host] {
            if until > now { return .waitUntil(until) }
            pausedUntil[host] = nil
        }
        let due = pacer.due(host)
        if due > now { return .waitUntil(due) }
        // Asked last: a start here makes the request the breaker's probe.
        if breakerTemplate.threshold > 0 {
            var b = breakers[host] ?? breakerTemplate
            let answer = b.admit(now: now)
            breakers[host] = b
            switch answer {
            case .start: break
            case .waitUntil(let t): return .waitUntil(t)
            case .waitForProbe:
                h.waiters.insert(waiter)
                return .wait
            case .refuse(let e): return .refuse(e)
            }
        }
        pacer.started(host, now: now, random: random)
        h.running += 1
        return .start
    }

    /// Transfers `host` may have at once now: 1 until a connection to it is up or one of them
    /// ended, then ``limit`` (``streams`` once it answered over HTTP/2) or its adaptive slots.
    public func allowed(_ host: String) -> Int {
        if limit == Int.max { return limit }
        guard contacted.contains(host) else { return 1 }
        if adaptive { return caps[host, default: HostCap(cap: limit, share: share)].allowed }
        return multiplexing.contains(host) ? streams : limit
    }

    /// How a transfer ended, for the circuit breaker and the adaptive slots.
    public enum Outcome: Sendable, Equatable {
        /// A response arrived (any status but 429 and 503): the host is up.
        case responded
        /// A 429 or 503: the host is up and asks for less.
        case strained
        /// A connect failure or timeout, with its message.
        case unreachable(String)
        /// Anything else, which says nothing about the host (or it never started).
        case other
    }

    /// A transfer on `host` ended (or never started): its slot is free. `multiplexed`: its
    /// response came over HTTP/2, so the host's transfers can share a connection as streams.
    /// `closed`: its response closed the connection (``HostCap/closes``).
    /// - Returns: the lanes waiting for this host, to be woken (each once).
    public mutating func finished(host: String, outcome: Outcome = .other, multiplexed: Bool = false,
                                  closed: Bool = false, now: Double = 0) -> [Int] {
        if breakerTemplate.threshold > 0, outcome != .other {
            var b = breakers[host] ?? breakerTemplate
            switch outcome {
            case .responded, .strained: b.ended(responded: true, failure: nil, host: host, now: now)
            case .unreachable(let m): b.ended(responded: false, failure: m, host: host, now: now)
            case .other: break
            }
            breakers[host] = b
        }
        guard var h = hosts[host], h.running > 0 else { return [] }
        contacted.insert(host)
        if adaptive, outcome != .other || multiplexed {
            var cap = caps[host, default: HostCap(cap: limit, share: share)]
            if multiplexed { cap.multiplexing(cap: streams) }  // adaptive implies a limit
            if outcome == .responded || outcome == .strained { cap.connectionsClose(closed) }
            if outcome == .responded { cap.responded() } else if outcome != .other { cap.strained(running: h.running) }
            if cap.pause > 0 && outcome != .responded { pausedUntil[host] = now + cap.pause }
            caps[host] = cap
        } else if multiplexed && limit != Int.max {
            multiplexing.insert(host)
        }
        h.running -= 1
        let wake = h.waiters.sorted()
        h.waiters = []
        hosts[host] = h.running == 0 ? nil : h
        return wake
    }

    /// A connection to `host` is up (TLS included) and its request about to go.
    /// - Returns: the lanes waiting for the host, to be woken (each once), the first time only.
    public mutating func connected(host: String) -> [Int] {
        guard limit != Int.max, contacted.insert(host).inserted, var h = hosts[host] else { return [] }
        let wake = h.waiters.sorted()
        h.waiters = []
        hosts[host] = h
        return wake
    }

    /// Transfers running on `host`.
    public func running(host: String) -> Int { hosts[host]?.running ?? 0 }

    /// At least `seconds` between starts on `host` (a robots.txt's Crawl-delay).
    public mutating func raiseDelay(host: String, seconds: Double) { pacer.raise(host, to: seconds) }

    /// The circuit breaker's state for `host`.
    public func breaker(host: String) -> CircuitBreaker.State { breakers[host]?.state ?? breakerTemplate.state }
}

/// One ``HostTable`` shared by every lane of a batch in this process, behind a lock, with the
/// lanes' wakers: a lane waiting for a host is woken at once when another lane frees a slot
/// on it.
public final class HostPolicy: Sendable {
    private let table: Mutex<HostTable>
    private let lanes = LaneRegistry()
    /// Whether the table can never refuse (no per-host limit): lanes then skip the lock.
    public let isUnlimited: Bool
    /// Whether admissions need a random draw (`host_delay`'s jitter): each draw is a
    /// `getrandom` system call, 1.9% of a crawl's CPU when it was made for every transfer.
    private let drawsJitter: Bool

    /// - Parameter perHostConnections: transfers at once per host; 0 for no limit.
    public convenience init(perHostConnections: Int) {
        self.init(HostTable(limit: perHostConnections))
    }

    public init(_ table: HostTable) {
        isUnlimited = table.isUnlimited
        drawsJitter = table.drawsJitter
        self.table = Mutex(table)
    }

    /// The policy of ``FetchOptions/perHostConnections``, ``FetchOptions/hostDelay``,
    /// ``FetchOptions/hostRate`` and ``FetchOptions/breakerThreshold``. A breaker's first
    /// pause is 4 x `retry_base` (2 s by default), doubled for the second, at most `retry_max`.
    public convenience init(_ options: FetchOptions) {
        var pacer = HostPacer(delay: options.hostDelay, rate: options.hostRate)
        pacer.raisable = options.respectRobots
        self.init(HostTable(limit: options.perHostConnections, streams: options.perHostStreams,
                            pacer: pacer,
                            breaker: CircuitBreaker(threshold: options.breakerThreshold,
                                                    pause: 4 * options.retryBase, maxPause: options.retryMax),
                            adaptive: options.adaptiveHosts, share: options.hostShare))
    }

    /// Registers a lane; the id names it in ``admit(_:lane:)``.
    func join(_ waker: LaneWaker) -> Int { lanes.join(waker) }

    func leave(_ lane: Int) { lanes.leave(lane) }

    /// Asks, under one lock, to start a transfer for each of `hosts`, in order.
    func admit(_ hosts: [String], lane: Int) -> [HostAdmission] {
        let now = MonotonicClock.now()
        let jitter = drawsJitter
        return table.withLock { t in
            hosts.map { t.admit(host: $0, waiter: lane, now: now, random: jitter ? Double.random(in: 0..<1) : 0.5) }
        }
    }

    /// A slot on `host` is free; wakes the lanes waiting for it.
    func finished(host: String, outcome: HostTable.Outcome = .other, multiplexed: Bool = false,
                  closed: Bool = false) {
        let now = MonotonicClock.now()
        let wake = table.withLock {
            $0.finished(host: host, outcome: outcome, multiplexed: multiplexed, closed: closed, now: now)
        }
        guard !wake.isEmpty else { return }
        lanes.wake(wake)
    }

    /// At least `seconds` between request starts on `host` from now on, across every lane
    /// (``RobotsGate`` passes a robots.txt's Crawl-delay here).
    public func raiseDelay(host: String, seconds: Double) {
        table.withLock { $0.raiseDelay(host: host, seconds: seconds) }
    }

    /// A connection to `host` is up: the host's other transfers may start.
    func connected(host: String) {
        let wake = table.withLock { $0.connected(host: host) }
        guard !wake.isEmpty else { return }
        lanes.wake(wake)
    }

    /// Transfers running on `host` (for tests and diagnostics).
    public func running(host: String) -> Int { table.withLock { $0.running(host: host) } }
}
