// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The loopback proxies of `Resources/proxyserver.py` (an HTTP proxy with CONNECT, and a
/// SOCKS5 proxy), run as a child process that exits with this process (stdin EOF).
///
/// `@unchecked Sendable`: every stored property is immutable after `init`.
public final class ProxyServer: @unchecked Sendable {
    public let httpPort: Int
    public let socksPort: Int
    private let controlPort: Int
    private let child: ScriptChild

    /// Starts both proxies; with `auth` ("user:password") they require those credentials.
    public init(auth: String? = nil) throws {
        child = try ScriptChild(TestServer.resource("proxyserver.py"), auth.map { ["--auth", $0] } ?? [], lines: 3)
        let ports = child.lines.compactMap { Int($0) }
        guard ports.count == 3 else { throw TestServerError(message: "proxyserver.py printed \(child.lines)") }
        (httpPort, socksPort, controlPort) = (ports[0], ports[1], ports[2])
    }

    /// `GET /` on the control port: the proxies' counts (`http`, `connect`, `socks`,
    /// `refused`, `targets`), read with a plain socket so the test needs no HTTP client.
    public func counts() throws -> [String: Any] {
        let body = try LoopbackSocket.get(port: controlPort, "/")
        guard let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestServerError(message: "control port answered \(String(decoding: body, as: UTF8.self))")
        }
        return json
    }

    /// Ends the proxies now.
    public func stop() { child.stop() }
}
