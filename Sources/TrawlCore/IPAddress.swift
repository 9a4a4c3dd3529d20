// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its network-order bytes (4 or 16), parsed and printed by the C
/// library (`inet_pton`, `inet_ntop`) so that trawl reads addresses exactly as the system does.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// The address of 4 or 16 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The IPv4 address of the first 4 bytes of `v4` (zeros for missing ones).
    public init(v4: some Collection<UInt8>) {
        bytes = Array((Array(v4) + [0, 0, 0, 0]).prefix(4))
    }

    /// Parses a dotted-quad IPv4 address or an IPv6 address (brackets allowed). Only the
    /// canonical spellings pass: `127.1` or `0x7f.0.0.1` are not addresses here (libcurl
    /// may still read them as one in a URL: the guard checks the address it connects to).
    public init?(_ text: String) {
        var s = Substring(text)
        if s.hasPrefix("["), s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        guard !s.isEmpty, !s.utf8.contains(0) else { return nil }
        if s.contains(":") {
            var a = in6_addr()
            guard inet_pton(AF_INET6, String(s), &a) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &a) { Array($0) }
        } else {
            var a = in_addr()
            guard inet_pton(AF_INET, String(s), &a) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &a) { Array($0) }
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// `127.0.0.1`, `::1` (`inet_ntop`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(isIPv4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address range in CIDR notation: `10.0.0.0/8`, `fc00::/7`; a bare address is its own
/// range (`/32`, `/128`).
public struct IPRange: Sendable, Hashable, CustomStringConvertible {
    public let base: IPAddress
    public let prefix: Int

    public init?(_ base: IPAddress, prefix: Int) {
        guard prefix >= 0, prefix <= base.bytes.count * 8 else { return nil }
        self.base = base
        self.prefix = prefix
    }

    /// The range of `base` with `prefix` clamped to the address's bits.
    public init(clamping base: IPAddress, prefix: Int) {
        self.base = base
        self.prefix = max(0, min(prefix, base.bytes.count * 8))
    }

    /// Parses `ADDRESS` or `ADDRESS/BITS`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        var bits = address.bytes.count * 8
        if parts.count == 2 {
            guard let n = Int(parts[1]), parts[1].allSatisfy(\.isASCII), n >= 0, n <= bits else { return nil }
            bits = n
        }
        self.init(address, prefix: bits)
    }

    /// Whether `address` (of the same family) lies in the range.
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == base.bytes.count else { return false }
        var left = prefix
        for (a, b) in zip(address.bytes, base.bytes) where left > 0 {
            let bits = min(8, left)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            left -= bits
        }
        return true
    }

    public var description: String { "\(base)/\(prefix)" }
}
