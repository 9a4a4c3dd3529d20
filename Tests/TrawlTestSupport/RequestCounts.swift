// SPDX-License-Identifier: Apache-2.0
import Foundation

extension TestServer {
    /// How many requests `/counted/TAG/...` has served: the server's own count, read with a
    /// plain HTTP/1.0 request on a socket (no client under test involved).
    public func served(_ tag: String) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError(message: "socket: \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else { throw TestServerError(message: "connect: \(errno)") }
        let request = Array("GET /count/\(tag) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw TestServerError(message: "send: \(errno)")
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            reply += chunk[0..<n]
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard let body = text.split(separator: "\r\n\r\n", maxSplits: 1).last, let n = Int(body) else {
            throw TestServerError(message: "unexpected /count reply: \(text)")
        }
        return n
    }
}
