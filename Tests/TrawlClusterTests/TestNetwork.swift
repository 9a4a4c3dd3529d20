// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A small multi-host network made of Linux network namespaces, for the cluster tests that
/// need workers on "other machines". Needs root and `ip(8)`.
///
/// Every address is in one /24 of 10.231.0.0/16 that no interface or route of this machine
/// uses; the test only ever contacts addresses it assigned itself:
///
/// ```
///  root namespace (submitter, redis-server, test HTTP server)
///   ├─ <tag>r0  10.231.N.1/30  ══veth══  <tag>r0n 10.231.N.2/30  ─┐ namespace trawl-PID-h0
///   ├─ <tag>r1  10.231.N.5/30  ══veth══  <tag>r1n 10.231.N.6/30  ─┤ namespace trawl-PID-h1
///   └─ bridge <tag>wb 10.231.N.65/26                              │
///        ├─ <tag>w0  ══veth══  <tag>w0n 10.231.N.66/26  ───────────┘ (h0)
///        └─ <tag>w1  ══veth══  <tag>w1n 10.231.N.67/26  ───────────  (h1)
/// ```
///
/// Each host has two links: a point-to-point one to Redis and one to the shared "web"
/// bridge where the HTTP server listens. Taking a host's Redis link down cuts it off from
/// Redis only, the way a partition between a worker and its queue looks, while it can
/// still finish the pages it holds. `tag` is `tr<pid>`, so link names stay within the
/// kernel's 15 characters and leftovers of a crashed run can be recognised.
///
/// ``teardown()`` (idempotent, also run by `deinit`) deletes the namespaces, the veths and
/// the bridge. Processes started in a namespace must be ended first: a namespace lives on
/// while a process is in it.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`; teardown only
/// runs commands.
final class TestNetwork: @unchecked Sendable {
    struct Host {
        /// `trawl-<pid>-h<k>`.
        let namespace: String
        /// Root side of the Redis link (taken down to cut the host off).
        let redisLink: String
        /// Redis's address on that link, as the host sees it.
        let redisAddress: String
        /// Root side of the host's port on the web bridge: its transmit counter is what
        /// the host received from the HTTP server.
        let webLink: String
        /// The host's own address on the web bridge.
        let webAddress: String
    }

    let tag: String
    let subnet: Int
    let hosts: [Host]
    /// The root namespace's address on the web bridge: where the HTTP server listens.
    let webAddress: String
    private let bridge: String

    /// `ip(8)`, when installed.
    static let ip: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Root can create namespaces; anyone else cannot, so the tests needing them are off.
    static var available: Bool { getuid() == 0 && ip != nil }

    init(hosts count: Int) throws {
        precondition(count >= 1 && count <= 8, "the address plan holds 8 hosts")
        let pid = Int(getpid())
        tag = "tr\(pid)"
        bridge = tag + "wb"
        Self.removeLeftovers(ofOtherRunsThan: pid)
        let n = try Self.freeSubnet(preferred: pid % 200 + 20)
        let tag = self.tag
        subnet = n
        webAddress = "10.231.\(n).65"
        hosts = (0..<count).map { k in
            Host(namespace: "trawl-\(pid)-h\(k)", redisLink: "\(tag)r\(k)", redisAddress: "10.231.\(n).\(4 * k + 1)",
                 webLink: "\(tag)w\(k)", webAddress: "10.231.\(n).\(66 + k)")
        }
        teardown()  // a previous test of this run that failed half way
        do {
            try build()
        } catch {
            teardown()
            throw error
        }
    }

    deinit { teardown() }

    private func build() throws {
        try Self.ip("link", "add", bridge, "type", "bridge")
        try Self.ip("addr", "add", webAddress + "/26", "dev", bridge)
        try Self.ip("link", "set", bridge, "up")
        for (k, h) in hosts.enumerated() {
            try Self.ip("netns", "add", h.namespace)
            try Self.ip("-n", h.namespace, "link", "set", "lo", "up")
            // Redis link: point to point.
            try Self.ip("link", "add", h.redisLink, "type", "veth", "peer", "name", h.redisLink + "n", "netns", h.namespace)
            try Self.ip("addr", "add", h.redisAddress + "/30", "dev", h.redisLink)
            try Self.ip("link", "set", h.redisLink, "up")
            try Self.ip("-n", h.namespace, "addr", "add", "10.231.\(subnet).\(4 * k + 2)/30", "dev", h.redisLink + "n")
            try Self.ip("-n", h.namespace, "link", "set", h.redisLink + "n", "up")
            // Web link: a port on the bridge.
            try Self.ip("link", "add", h.webLink, "type", "veth", "peer", "name", h.webLink + "n", "netns", h.namespace)
            try Self.ip("link", "set", h.webLink, "master", bridge)
            try Self.ip("link", "set", h.webLink, "up")
            try Self.ip("-n", h.namespace, "addr", "add", h.webAddress + "/26", "dev", h.webLink + "n")
            try Self.ip("-n", h.namespace, "link", "set", h.webLink + "n", "up")
        }
    }

    /// Deletes the namespaces (which takes their veths, and so both ends, with them), any
    /// root-side link left, and the bridge. Errors are ignored: parts may not exist.
    func teardown() {
        for h in hosts {
            _ = Self.run(["netns", "del", h.namespace])
            _ = Self.run(["link", "del", h.redisLink])
            _ = Self.run(["link", "del", h.webLink])
        }
        _ = Self.run(["link", "del", bridge])
    }

    /// Takes the root side of a host's Redis link down (the host sees no carrier and its
    /// packets to Redis go nowhere) or up again; with `web`, its web link too: the whole
    /// host is off the network.
    func setLinks(_ host: Int, up: Bool, web: Bool = false) throws {
        try Self.ip("link", "set", hosts[host].redisLink, up ? "up" : "down")
        if web { try Self.ip("link", "set", hosts[host].webLink, up ? "up" : "down") }
    }

    /// Bytes the host has received over the web bridge so far (mostly HTTP responses).
    func webBytesReceived(_ host: Int) -> Int {
        let path = "/sys/class/net/\(hosts[host].webLink)/statistics/tx_bytes"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The command prefix that runs a program in a host's namespace (`ip netns exec` execs
    /// it, so the process id stays the program's).
    func launcher(_ host: Int) -> [String] {
        [Self.ip ?? "ip", "netns", "exec", hosts[host].namespace]
    }

    // MARK: - Commands

    /// Runs `ip ARGS`, returning its exit status and combined output.
    @discardableResult
    static func run(_ args: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ip ?? "/usr/sbin/ip")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func ip(_ args: String...) throws {
        let (status, output) = run(args)
        guard status == 0 else {
            throw NSError(domain: "TestNetwork", code: Int(status), userInfo: [
                NSLocalizedDescriptionKey: "ip \(args.joined(separator: " ")) failed: \(output)",
            ])
        }
    }

    /// A /24 of 10.231.0.0/16 that no address or route of the root namespace touches.
    private static func freeSubnet(preferred: Int) throws -> Int {
        let used = run(["-4", "addr"]).output + run(["-4", "route", "show", "table", "all"]).output
        for offset in 0..<200 {
            let n = (preferred - 20 + offset) % 200 + 20
            if !used.contains("10.231.\(n).") && !used.contains("10.231.0.0/16") && !used.contains("10.0.0.0/8") {
                return n
            }
        }
        throw NSError(domain: "TestNetwork", code: 1, userInfo: [NSLocalizedDescriptionKey: "no free 10.231.N.0/24"])
    }

    /// Namespaces `trawl-<pid>-h<k>` and bridges `tr<pid>wb` of test processes that no
    /// longer run (a crash skips teardown); only names of this scheme are touched.
    private static func removeLeftovers(ofOtherRunsThan me: Int) {
        var dead: Set<Int> = []
        for line in run(["netns", "list"]).output.split(separator: "\n") {
            let name = line.split(separator: " ").first.map(String.init) ?? ""
            let parts = name.split(separator: "-")
            guard parts.count == 3, parts[0] == "trawl", let pid = Int(parts[1]), pid != me,
                  parts[2].hasPrefix("h"), kill(pid_t(pid), 0) != 0, errno == ESRCH else { continue }
            // Workers that outlived their test process: ours by the namespace they run in.
            for p in run(["netns", "pids", name]).output.split(separator: "\n").compactMap({ Int32($0) }) {
                kill(p, SIGKILL)
            }
            _ = run(["netns", "del", name])
            dead.insert(pid)
        }
        for pid in dead { _ = run(["link", "del", "tr\(pid)wb"]) }
    }
}
