// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Plain sockets to a server of the tests on 127.0.0.1, for asking a test server about
/// itself (its counts) without any HTTP client under test.
public enum LoopbackSocket {
    /// A socket connected to 127.0.0.1:`port`, nil when nothing accepts there; the caller
    /// closes it.
    public static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        if !ok { close(fd) }
        return ok ? fd : nil
    }

    /// The body of `GET path` on 127.0.0.1:`port`, sent as HTTP/1.0 (the server closes the
    /// connection after its answer, which ends the body).
    public static func get(port: Int, _ path: String) throws -> [UInt8] {
        guard let fd = connect(port: port) else { throw TestServerError(message: "connect to port \(port): \(errno)") }
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw TestServerError(message: "send to port \(port): \(errno)")
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            reply += chunk[0..<n]
        }
        guard let split = reply.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw TestServerError(message: "port \(port) answered \(String(decoding: reply, as: UTF8.self))")
        }
        return Array(reply[split.upperBound...])
    }
}
