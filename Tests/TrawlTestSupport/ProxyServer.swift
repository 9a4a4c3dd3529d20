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
    private let process: Process
    private let stdinHandle: FileHandle

    /// Starts both proxies; with `auth` ("user:password") they require those credentials.
    public init(auth: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestServer.resource("proxyserver.py")] + (auth.map { ["--auth", $0] } ?? [])
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        stdinHandle = input.fileHandleForWriting
        let ports = try TestServer.readLines(3, from: output.fileHandleForReading.fileDescriptor).compactMap { Int($0) }
        guard ports.count == 3 else { throw TestServerError(message: "proxyserver.py printed \(ports)") }
        (httpPort, socksPort, controlPort) = (ports[0], ports[1], ports[2])
    }

    /// `GET /` on the control port: the proxies' counts (`http`, `connect`, `socks`,
    /// `refused`, `targets`), read with a plain socket so the test needs no HTTP client.
    public func counts() throws -> [String: Any] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(controlPort).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard ok else { throw TestServerError(message: "control port: \(errno)") }
        _ = "GET / HTTP/1.0\r\n\r\n".withCString { write(fd, $0, strlen($0)) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        guard let split = data.firstRange(of: Array("\r\n\r\n".utf8)),
              let json = try JSONSerialization.jsonObject(with: Data(data[split.upperBound...])) as? [String: Any] else {
            throw TestServerError(message: "control port answered \(String(decoding: data, as: UTF8.self))")
        }
        return json
    }

    /// Ends the proxies now.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
