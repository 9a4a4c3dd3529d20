// SPDX-License-Identifier: Apache-2.0

/// The per-host connection limit, kept by the lane rather than by libcurl.
///
/// libcurl 7.88 holds a transfer over `CURLMOPT_MAX_HOST_CONNECTIONS` inside the multi handle,
/// and its total timeout runs while it waits there (measured: with a limit of 1 and a 1 s
/// timeout, the third of five 0.4 s responses on one host failed with "Failed to resolve host
/// ... with timeout after 0 ms"). So requests wait here instead, and a transfer (and its
/// timeout) starts only when its host has room.
///
/// Pure state, no I/O: one per lane, used by the lane's thread.
struct HostQueue {
    /// Transfers at once per host key; `Int.max` for no limit.
    let limit: Int
    private var waiting: [(request: FetchRequest, host: String)] = []
    private var running: [String: Int] = [:]

    init(limit: Int) {
        self.limit = limit > 0 ? limit : Int.max
    }

    /// Requests waiting for their host.
    var count: Int { waiting.count }

    /// Queues `request` for `host` (a `host:port` key).
    mutating func enqueue(_ request: FetchRequest, host: String) {
        waiting.append((request, host))
    }

    /// The oldest waiting request whose host has room, now counted as running on it.
    mutating func nextReady() -> (request: FetchRequest, host: String)? {
        guard let i = waiting.firstIndex(where: { running[$0.host, default: 0] < limit }) else {
            return nil
        }
        let entry = waiting.remove(at: i)
        running[entry.host, default: 0] += 1
        return entry
    }

    /// A transfer on `host` ended (or never started): its slot is free.
    mutating func finished(host: String) {
        guard let n = running[host] else { return }
        running[host] = n > 1 ? n - 1 : nil
    }

    /// Removes and returns every waiting request, oldest first.
    mutating func drain() -> [FetchRequest] {
        defer { waiting.removeAll() }
        return waiting.map(\.request)
    }

    /// Transfers running on `host`.
    func runningCount(host: String) -> Int { running[host, default: 0] }
}
