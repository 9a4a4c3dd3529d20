// SPDX-License-Identifier: Apache-2.0

import Foundation
import TrawlTestSupport

/// A real `redis-server` (Debian's, from PATH) on a free loopback port, in a temporary
/// directory of its own, for one test. It is stopped by ``stop()`` or when the object goes
/// away; ``restart()`` starts it again on the same port and directory (so an AOF file
/// survives).
///
/// `@unchecked Sendable`: the mutable `process` is only touched by the test that owns the
/// server, one call at a time.
final class RedisServer: @unchecked Sendable {
    let port: Int
    let directory: String
    let password: String?
    let aof: Bool
    /// Addresses it listens on besides 127.0.0.1 (the multi-host tests' own veth addresses).
    let extraBind: [String]
    private var process: Process?

    init(password: String? = nil, aof: Bool = false, bind extraBind: [String] = []) throws {
        self.port = try Self.freePort()
        self.directory = NSTemporaryDirectory() + "trawl-redis-\(UUID().uuidString)"
        self.password = password
        self.aof = aof
        self.extraBind = extraBind
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `redis://[:password@]127.0.0.1:port`.
    var url: String {
        "redis://" + (password.map { ":\($0)@" } ?? "") + "127.0.0.1:\(port)"
    }

    var isRunning: Bool { process?.isRunning ?? false }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable)
        // redis-server takes every word up to the next `--option` as the bind list.
        var args = ["--port", "\(port)", "--bind", "127.0.0.1"] + extraBind + ["--dir", directory,
                    "--save", "", "--logfile", "redis.log", "--daemonize", "no"]
        if aof {
            args += ["--appendonly", "yes", "--appendfsync", "everysec"]
        } else {
            args += ["--appendonly", "no"]
        }
        if let password { args += ["--requirepass", password] }
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Ready when it accepts a connection (up to 10 s; it usually takes milliseconds).
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.canConnect(port: port) { return }
            guard p.isRunning else { break }
            usleep(20_000)
        }
        throw NSError(domain: "RedisServer", code: 1, userInfo: [
            NSLocalizedDescriptionKey: "redis-server did not start on port \(port): "
                + ((try? String(contentsOfFile: directory + "/redis.log", encoding: .utf8)) ?? "no log"),
        ])
    }

    /// Stops the server: SIGKILL by default (nothing flushed: the harshest restart), or
    /// SIGTERM (Redis flushes its AOF and exits cleanly).
    func stop(graceful: Bool = false) {
        guard let p = process else { return }
        process = nil
        if p.isRunning { kill(p.processIdentifier, graceful ? SIGTERM : SIGKILL) }
        p.waitUntilExit()
    }

    /// Stops the server and starts it again on the same port and directory.
    func restart(graceful: Bool = false) throws {
        stop(graceful: graceful)
        try start()
    }

    /// Runs `redis-cli` against this server and returns its output, for checks that should
    /// not go through the code under test.
    func cli(_ args: String...) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        var a = ["-h", "127.0.0.1", "-p", "\(port)", "--no-auth-warning"]
        if let password { a += ["-a", password] }
        p.arguments = a + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var executable: String {
        for dir in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: dir + "/redis-server") {
            return dir + "/redis-server"
        }
        return "/usr/bin/redis-server"
    }

    /// A loopback port that was free a moment ago (bound to port 0, then closed).
    static func freePort() throws -> Int {
        let port = TestServer.closedPort()
        guard port > 1024 else { throw POSIXError(.EADDRINUSE) }
        return port
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
