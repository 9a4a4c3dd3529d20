// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// The SSRF guard's rule (`block_private_addresses`, `allow_hosts`): which addresses a
/// crawler handed arbitrary URLs must not connect to. Pure: the lane applies it to the
/// address libcurl is about to connect to (`CURLOPT_OPENSOCKETFUNCTION`), after DNS and for
/// every redirect, so that no spelling of a URL (`127.1`, `2130706433`, `0x7f.0.0.1`,
/// `[::ffff:127.0.0.1]`, a name that resolves to 10.0.0.1, a rebinding name) gets past it.
public struct AddressGuard: Sendable {
    /// A range the guard refuses and why.
    public struct Blocked: Sendable {
        public let range: IPRange
        public let reason: String
    }

    /// Host names (lowercase, exact) that may connect anywhere.
    public let allowedNames: Set<String>
    /// Ranges that may be connected to although a blocked range holds them.
    public let allowedRanges: [IPRange]

    /// - Parameter allowHosts: `allow_hosts` items: host names, addresses or CIDR ranges.
    public init(allowHosts: [String]) {
        var names: Set<String> = []
        var ranges: [IPRange] = []
        for item in allowHosts where !item.isEmpty {
            if let range = IPRange(item) { ranges.append(range) } else { names.insert(Self.normalize(item)) }
        }
        allowedNames = names
        allowedRanges = ranges
    }

    private static func range(_ cidr: String, _ reason: String) -> Blocked {
        // The table below is literal; a typo there would leave a range matching only
        // 255.255.255.255, which the guard tests would show.
        Blocked(range: IPRange(cidr) ?? IPRange(clamping: IPAddress(v4: [255, 255, 255, 255]), prefix: 32),
                reason: reason)
    }

    /// Every IPv4 range refused, with its name (RFC 6890 and the list).
    public static let blockedIPv4: [Blocked] = [
        range("0.0.0.0/8", "this network"),
        range("10.0.0.0/8", "private"),
        range("100.64.0.0/10", "shared address space"),
        range("127.0.0.0/8", "loopback"),
        range("169.254.0.0/16", "link-local"),
        range("172.16.0.0/12", "private"),
        range("192.0.0.0/24", "IETF protocol assignments"),
        range("192.168.0.0/16", "private"),
        range("198.18.0.0/15", "benchmarking"),
        range("224.0.0.0/4", "multicast"),
        range("240.0.0.0/4", "reserved"),
        range("255.255.255.255/32", "broadcast"),
    ]

    /// Every IPv6 range refused outright (those embedding an IPv4 address are checked by the
    /// address they embed, ``embeddedIPv4(_:)``).
    public static let blockedIPv6: [Blocked] = [
        range("::/128", "unspecified"),
        range("::1/128", "loopback"),
        range("fc00::/7", "unique local"),
        range("fe80::/10", "link-local"),
        range("fec0::/10", "site-local"),
        range("ff00::/8", "multicast"),
    ]

    /// The IPv4 address an IPv6 address carries where the network would reach it:
    /// IPv4-mapped `::ffff:0:0/96`, IPv4-compatible `::/96`, NAT64 `64:ff9b::/96` and 6to4
    /// `2002::/16`.
    public static func embeddedIPv4(_ a: IPAddress) -> (IPAddress, String)? {
        let b = a.bytes
        guard b.count == 16 else { return nil }
        let zeros10 = b[0..<10].allSatisfy { $0 == 0 }
        if zeros10, b[10] == 0xFF, b[11] == 0xFF { return (IPAddress(v4: b[12...]), "IPv4-mapped") }
        if zeros10, b[10] == 0, b[11] == 0, b[12...].contains(where: { $0 != 0 }) {
            return (IPAddress(v4: b[12...]), "IPv4-compatible")
        }
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B, b[4..<12].allSatisfy({ $0 == 0 }) {
            return (IPAddress(v4: b[12...]), "NAT64")
        }
        if b[0] == 0x20, b[1] == 0x02 { return (IPAddress(v4: b[2..<6]), "6to4") }
        return nil
    }

    /// Why `address` is in a refused range ("loopback 127.0.0.0/8"), nil for a public address.
    public static func blockedRange(_ address: IPAddress) -> String? {
        if address.isIPv4 {
            return blockedIPv4.first { $0.range.contains(address) }.map { "\($0.reason) \($0.range)" }
        }
        if let (v4, how) = embeddedIPv4(address), let inner = blockedRange(v4) {
            return "\(how) \(v4), \(inner)"
        }
        return blockedIPv6.first { $0.range.contains(address) }.map { "\($0.reason) \($0.range)" }
    }

    /// nil when `host` (the URL's host name, nil when unknown) may connect to `address`,
    /// else the message of the `blocked_address` error, which names the address.
    public func refusal(host: String?, address: IPAddress) -> String? {
        guard let why = Self.blockedRange(address) else { return nil }
        if let host, allowedNames.contains(Self.normalize(host)) { return nil }
        if allowedRanges.contains(where: { $0.contains(address) }) { return nil }
        let name = host.map { " for host '\($0)'" } ?? ""
        return "connection to \(address)\(name) refused: \(why) is blocked (block_private_addresses; "
            + "allow_hosts exempts a host or range)"
    }

    /// Lowercase, without IPv6 brackets or a trailing dot.
    static func normalize(_ host: String) -> String {
        var h = Substring(host.lowercased())
        if h.hasPrefix("["), h.hasSuffix("]") { h = h.dropFirst().dropLast() }
        if h.hasSuffix(".") { h = h.dropLast() }
        return String(h)
    }
}
