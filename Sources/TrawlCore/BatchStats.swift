// SPDX-License-Identifier: Apache-2.0

/// What a batch did, summed from its results as they are produced: the numbers of `--stats`,
/// `--stats-json`, `Batch.stats`, `trawl_batch_stats_json` and the bindings' stats. Every
/// backend's results pass through the batch's ``ResultCollector``, which adds each accepted
/// result here exactly once, so the numbers add up to the batch.
public struct BatchStats: Sendable, Equatable {
    /// Results so far (one per URL once the batch is done).
    public private(set) var results = 0
    /// Results with a response (an HTTP status), whatever the status.
    public private(set) var pages = 0
    /// Decoded body bytes of every page.
    public private(set) var bytes = 0
    /// Results by HTTP status; results without a response are not in it.
    public private(set) var statuses: [Int: Int] = [:]
    /// Results with an error, by its code's name (`"timeout"`); `"ok"` is never a key.
    public private(set) var errors: [String: Int] = [:]
    /// HTTP attempts in all, and attempts beyond each URL's first (the retries).
    public private(set) var attempts = 0
    public private(set) var retries = 0
    /// URLs refused by robots.txt (results with `robots_disallowed`).
    public private(set) var robotsRefusals = 0
    /// Seconds spent fetching (every attempt's transfer), decoding and extracting, summed over
    /// URLs (so with transfers in parallel they exceed the wall time).
    public private(set) var fetchSeconds = 0.0
    public private(set) var decodeSeconds = 0.0
    public private(set) var extractSeconds = 0.0
    /// Per host (`host:port` as the URL names it): results and their summed ``CrawlResult/elapsed``.
    public private(set) var hosts: [String: (results: Int, seconds: Double)] = [:]
    /// Seconds from the batch's start to this snapshot (set by ``ResultCollector/stats``).
    public var wallSeconds = 0.0
    /// The limit on transfers in flight (set by the batch when it takes the snapshot), nil on
    /// the cluster backend, whose workers report to no one.
    public var concurrency: ConcurrencySnapshot?

    public init() {}

    /// Counts one result.
    public mutating func add(_ r: CrawlResult) {
        results += 1
        if let s = r.status {
            pages += 1
            statuses[s, default: 0] += 1
        }
        bytes += r.bytes
        if let e = r.error {
            errors[e.code.name, default: 0] += 1
            if e.code == .robotsDisallowed { robotsRefusals += 1 }
        }
        attempts += r.attempts
        retries += max(0, r.attempts - 1)
        fetchSeconds += r.timing.fetch
        decodeSeconds += r.timing.decode
        extractSeconds += r.timing.extract
        let host = Self.host(of: r.url)
        let h = hosts[host] ?? (0, 0)
        hosts[host] = (h.results + 1, h.seconds + r.elapsed)
    }

    /// Pages per second of wall time.
    public var pagesPerSecond: Double { wallSeconds > 0 ? Double(pages) / wallSeconds : 0 }

    /// The `limit` hosts with the most summed time, most first (ties by name).
    public func topHosts(_ limit: Int = 10) -> [(host: String, results: Int, seconds: Double)] {
        hosts.map { ($0.key, $0.value.results, $0.value.seconds) }
            .sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }
            .prefix(max(0, limit)).map { $0 }
    }

    public static func == (a: BatchStats, b: BatchStats) -> Bool { a.json == b.json }

    /// `host:port` as `url` names it (lowercased, without user info), `""` when it has none.
    static func host(of url: String) -> String {
        let chars = Array(url.utf8)
        guard let k = chars.indices.first(where: { chars[$0...].starts(with: Array("://".utf8)) }) else { return "" }
        var rest = Substring(String(decoding: chars[(k + 3)...], as: UTF8.self))
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return rest.lowercased()
    }

    // MARK: Rendering

    /// One JSON object (docs/politeness.md lists its keys).
    public var json: String {
        var out = "{"
        func key(_ k: String) { out += (out.count > 1 ? "," : "") + "\"\(k)\":" }
        func number(_ d: Double) -> String { String(Double(Int((d * 1000).rounded())) / 1000) }
        key("results"); out += String(results)
        key("pages"); out += String(pages)
        key("wall_seconds"); out += number(wallSeconds)
        key("pages_per_second"); out += number(pagesPerSecond)
        key("bytes"); out += String(bytes)
        key("statuses"); out += "{" + statuses.keys.sorted().map { "\"\($0)\":\(statuses[$0] ?? 0)" }.joined(separator: ",") + "}"
        key("errors"); out += "{" + errors.keys.sorted().map { "\"\($0)\":\(errors[$0] ?? 0)" }.joined(separator: ",") + "}"
        key("attempts"); out += String(attempts)
        key("retries"); out += String(retries)
        key("robots_refusals"); out += String(robotsRefusals)
        if let concurrency { key("concurrency"); out += concurrency.json }
        key("seconds"); out += "{\"fetch\":\(number(fetchSeconds)),\"decode\":\(number(decodeSeconds)),\"extract\":\(number(extractSeconds))}"
        key("top_hosts")
        var hostsOut: [UInt8] = []
        hostsOut.append(UInt8(ascii: "["))
        for (i, h) in topHosts().enumerated() {
            if i > 0 { hostsOut.append(UInt8(ascii: ",")) }
            hostsOut += Array("{\"host\":".utf8)
            JSON.appendString(h.host, to: &hostsOut)
            hostsOut += Array(",\"results\":\(h.results),\"seconds\":\(number(h.seconds))}".utf8)
        }
        hostsOut.append(UInt8(ascii: "]"))
        out += String(decoding: hostsOut, as: UTF8.self)
        return out + "}"
    }

    /// Lines for a person (`--stats` on stderr).
    public var text: String {
        func f(_ d: Double) -> String { String(Double(Int((d * 100).rounded())) / 100) }
        var lines = [
            "trawl stats: \(results) results, \(pages) pages in \(f(wallSeconds)) s (\(f(pagesPerSecond)) pages/s), \(bytes) bytes",
            "  statuses: " + (statuses.isEmpty ? "none" : statuses.keys.sorted().map { "\($0): \(statuses[$0] ?? 0)" }.joined(separator: ", ")),
            "  errors: " + (errors.isEmpty ? "none" : errors.keys.sorted().map { "\($0): \(errors[$0] ?? 0)" }.joined(separator: ", ")),
            "  attempts: \(attempts) (retries: \(retries)), robots.txt refusals: \(robotsRefusals)",
        ]
        if let c = concurrency {
            let mode = c.adaptive ? "auto" : "fixed"
            lines.append("  concurrency: \(mode), limit \(c.limit) (peak \(c.peak), max \(c.max))")
        }
        lines.append("  time: fetch \(f(fetchSeconds)) s, decode \(f(decodeSeconds)) s, extract \(f(extractSeconds)) s (summed over URLs)")
        lines.append("  hosts by time:")
        lines += topHosts().map { "    \($0.host): \($0.results) results, \(f($0.seconds)) s" }
        return lines.joined(separator: "\n") + "\n"
    }
}
