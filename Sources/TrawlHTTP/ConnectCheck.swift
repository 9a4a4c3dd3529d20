// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// The SSRF guard at connect time: libcurl asks ``CurlEasy`` for every socket it opens
/// (`CURLOPT_OPENSOCKETFUNCTION`), with the address it resolved and is about to connect to,
/// for the first request, each redirect, and each address of a name (happy eyeballs). A
/// refused address gets no socket, so no packet leaves for it; libcurl then tries the next
/// address or ends the transfer with CURLE_COULDNT_CONNECT, which the lane reports as
/// `blocked_address` with ``refusal``.
final class ConnectCheck {
    let rule: AddressGuard
    /// Addresses always allowed: the configured proxy's (the guard checks the targets
    /// behind it by name instead).
    var exempt: Set<IPAddress> = []
    /// Why the current transfer's last connection was refused; nil when none was.
    var refusal: String?

    init(_ rule: AddressGuard) {
        self.rule = rule
    }

    /// A socket for `address`, or `CURL_SOCKET_BAD` when the guard refuses it.
    /// - Parameter host: the host name of the URL being connected to, for `allow_hosts`.
    func open(_ address: UnsafeMutablePointer<curl_sockaddr>, host: String?) -> curl_socket_t {
        let a = address.pointee
        guard let ip = Self.address(of: address) else {
            refusal = "connection refused: address family \(a.family) is not IPv4 or IPv6 (block_private_addresses)"
            return CURL_SOCKET_BAD
        }
        if !exempt.contains(ip), let why = rule.refusal(host: host, address: ip) {
            refusal = why
            return CURL_SOCKET_BAD
        }
        return socket(a.family, a.socktype, a.protocol)
    }

    /// The IP address in libcurl's `curl_sockaddr`, whose `addr` may be a `sockaddr_in6`
    /// running past the declared `struct sockaddr`.
    static func address(of address: UnsafeMutablePointer<curl_sockaddr>) -> IPAddress? {
        guard let offset = MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr) else { return nil }
        let raw = UnsafeRawPointer(address) + offset
        let length = Int(address.pointee.addrlen)
        switch address.pointee.family {
        case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
            var sin = raw.loadUnaligned(as: sockaddr_in.self)
            return IPAddress(v4: withUnsafeBytes(of: &sin.sin_addr) { Array($0) })
        case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
            var sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
            return IPAddress(bytes: withUnsafeBytes(of: &sin6.sin6_addr) { Array($0) })
        default:
            return nil
        }
    }

    /// The host of `url` (`http://user@HOST:port/...`), without brackets; nil when it has none.
    static func host(of url: String) -> String? {
        guard let start = url.firstRange(of: "://")?.upperBound else { return nil }
        var authority = url[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.prefix { $0 != ":" })
    }
}
