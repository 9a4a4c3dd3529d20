// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// The SSRF guard at connect time: libcurl asks `CurlEasy` for every socket it opens
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
    /// With a proxy the connection goes to the proxy, so the target's name is resolved here
    /// and its addresses checked before each request (``checkTarget(url:)``); `resolve`
    /// entries (`host:port` -> addresses) are consulted first, as libcurl would.
    var checksNames = false
    var pinned: [String: [IPAddress]] = [:]

    init(_ rule: AddressGuard) {
        self.rule = rule
    }

    /// A socket for `address`, or `CURL_SOCKET_BAD` when the guard refuses it.
    /// - Parameter host: the host name of the URL being connected to, for `allow_hosts`.
    /// - Parameter url: that URL, for the target check behind a proxy.
    func open(_ address: UnsafeMutablePointer<curl_sockaddr>, host: String?, url: String?) -> curl_socket_t {
        let a = address.pointee
        guard let ip = Self.address(of: address) else {
            refusal = "connection refused: address family \(a.family) is not IPv4 or IPv6 (block_private_addresses)"
            return CURL_SOCKET_BAD
        }
        if exempt.contains(ip) {
            // A connection to the proxy: a SOCKS handshake or a CONNECT tunnel made on it
            // reaches the target before any request, so the target is checked now.
            if let url, checkTarget(url: url) != nil { return CURL_SOCKET_BAD }
        } else if let why = rule.refusal(host: host, address: ip) {
            refusal = why
            return CURL_SOCKET_BAD
        }
        return socket(a.family, a.socktype, a.protocol)
    }

    /// The request to `url` is about to be sent through the proxy: nil when every address
    /// its host has (here) is allowed, else the refusal (also kept in ``refusal``).
    func checkTarget(url: String) -> String? {
        guard checksNames, let host = Self.host(of: url) else { return nil }
        var addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            let port = Self.port(of: url)
            addresses = pinned["\(host.lowercased()):\(port)"] ?? Self.lookUp(host)
        }
        if addresses.isEmpty {
            // The proxy might resolve it, to anywhere: refused rather than unchecked.
            refusal = "host '\(host)' could not be resolved here to check its address before sending it to the proxy "
                + "(block_private_addresses)"
            return refusal
        }
        for a in addresses {
            if let why = rule.refusal(host: host, address: a) {
                refusal = why
                return why
            }
        }
        return nil
    }

    /// The addresses `host` resolves to (`getaddrinfo`), none when it does not.
    static func lookUp(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var out: [IPAddress] = []
        var node = list
        while let n = node {
            if let sa = n.pointee.ai_addr {
                if n.pointee.ai_family == AF_INET {
                    var sin = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in.self)
                    out.append(IPAddress(v4: withUnsafeBytes(of: &sin.sin_addr) { Array($0) }))
                } else if n.pointee.ai_family == AF_INET6 {
                    var sin6 = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in6.self)
                    if let a = IPAddress(bytes: withUnsafeBytes(of: &sin6.sin6_addr) { Array($0) }) { out.append(a) }
                }
            }
            node = n.pointee.ai_next
        }
        return out
    }

    /// The port of `url`, the scheme's default when it names none.
    static func port(of url: String) -> Int {
        guard let start = url.firstRange(of: "://")?.upperBound else { return 80 }
        var authority = url[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let close = authority.lastIndex(of: "]") { authority = authority[authority.index(after: close)...] }
        if let colon = authority.lastIndex(of: ":"), let p = Int(authority[authority.index(after: colon)...]) { return p }
        return url.lowercased().hasPrefix("https:") ? 443 : 80
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
