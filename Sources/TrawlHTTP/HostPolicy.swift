// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// What the per-host policy says about starting a transfer on a host now.
///
/// Room for what is to come: a token bucket or a host delay answers "wait until T", a circuit
/// breaker or robots.txt answers "refuse with this error"; lanes already handle "wait".
public enum HostAdmission: Sendable, Equatable {
    /// Start the transfer: a slot on the host is now counted for it.
    case start
    /// No slot now; the waiting lane is woken when one frees.
    case wait
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
    private var hosts: [String: Host] = [:]
    /// Hosts on which a transfer has ended: until then a host gets one transfer at a time,
    /// so that the first connection's TLS session (shared through ``LaneShare``) is there to
    /// resume when the others open, and a host is not met with a burst before it answered
    /// once. One entry per host the batch reached.
    private var contacted: Set<String> = []

    struct Host {
        var running = 0
        /// Lanes that were told ``HostAdmission/wait`` since the last slot freed.
        var waiters: Set<Int> = []
    }

    /// - Parameter limit: transfers at once per host; 0 or less for no limit.
    public init(limit: Int) {
        self.limit = limit > 0 ? limit : Int.max
    }

    /// Whether no rule can ever hold a transfer back (lanes then skip the table).
    public var isUnlimited: Bool { limit == Int.max }

    /// Asks to start one transfer on `host` (a `host:port` key) for lane `waiter`.
    public mutating func admit(host: String, waiter: Int) -> HostAdmission {
        var h = hosts[host, default: Host()]
        defer { hosts[host] = h }
        guard h.running < (limit == Int.max || contacted.contains(host) ? limit : 1) else {
            h.waiters.insert(waiter)
            return .wait
        }
        h.running += 1
        return .start
    }

    /// A transfer on `host` ended (or never started): its slot is free.
    /// - Returns: the lanes waiting for this host, to be woken (each once).
    public mutating func finished(host: String) -> [Int] {
        guard var h = hosts[host], h.running > 0 else { return [] }
        contacted.insert(host)
        h.running -= 1
        let wake = h.waiters.sorted()
        h.waiters = []
        hosts[host] = h.running == 0 ? nil : h
        return wake
    }

    /// Transfers running on `host`.
    public func running(host: String) -> Int { hosts[host]?.running ?? 0 }
}

/// One ``HostTable`` shared by every lane of a batch in this process, behind a lock, with the
/// lanes' wakers: a lane waiting for a host is woken at once when another lane frees a slot
/// on it.
public final class HostPolicy: Sendable {
    private let table: Mutex<HostTable>
    private let lanes = Mutex<(next: Int, wakers: [Int: LaneWaker])>((0, [:]))
    /// Whether the table can never refuse (no per-host limit): lanes then skip the lock.
    public let isUnlimited: Bool

    /// - Parameter perHostConnections: transfers at once per host; 0 for no limit.
    public init(perHostConnections: Int) {
        let table = HostTable(limit: perHostConnections)
        isUnlimited = table.isUnlimited
        self.table = Mutex(table)
    }

    /// The policy of ``FetchOptions/perHostConnections``.
    public convenience init(_ options: FetchOptions) {
        self.init(perHostConnections: options.perHostConnections)
    }

    /// Registers a lane; the id names it in ``admit(_:lane:)``.
    func join(_ waker: LaneWaker) -> Int {
        lanes.withLock { l in
            defer { l.next += 1 }
            l.wakers[l.next] = waker
            return l.next
        }
    }

    func leave(_ lane: Int) {
        lanes.withLock { _ = $0.wakers.removeValue(forKey: lane) }
    }

    /// Asks, under one lock, to start a transfer for each of `hosts`, in order.
    func admit(_ hosts: [String], lane: Int) -> [HostAdmission] {
        table.withLock { t in hosts.map { t.admit(host: $0, waiter: lane) } }
    }

    /// A slot on `host` is free; wakes the lanes waiting for it.
    func finished(host: String) {
        let wake = table.withLock { $0.finished(host: host) }
        guard !wake.isEmpty else { return }
        let wakers = lanes.withLock { l in wake.compactMap { l.wakers[$0] } }
        for w in wakers { w.wake() }
    }

    /// Transfers running on `host` (for tests and diagnostics).
    public func running(host: String) -> Int { table.withLock { $0.running(host: host) } }
}
