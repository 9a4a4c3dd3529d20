// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The loopback HTTP(S) server every test target fetches from: `Resources/testserver.py`
/// (Python 3, stdlib only) run as a child process. Its endpoints are listed in
/// `Resources/README.md`.
///
/// The server exits when its stdin reaches EOF; this process holds the write end and never
/// writes to it, so the server dies with the test process however that ends.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`; the script's
/// ``ScriptChild`` is only kept alive (and killed by ``stop()``).
public final class TestServer: @unchecked Sendable {
    /// One server per test process, started on first use. Traps with the reason when the
    /// server cannot start: no test that needs it could run.
    public static let shared: TestServer = {
        do {
            return try TestServer(corpus: Corpus.directory, tls: true)
        } catch {
            fatalError("TestServer could not start: \(error)")
        }
    }()

    /// The misbehaving server of the hostile-server suite (`Resources/hostileserver.py`, HTTP
    /// only), started on first use.
    public static let hostile: TestServer = {
        do {
            return try TestServer(script: resource("hostileserver.py"), corpus: "", tls: false)
        } catch {
            fatalError("hostileserver.py could not start: \(error)")
        }
    }()

    /// The address both listeners are bound to: 127.0.0.1 unless `init(bind:)` said otherwise.
    public let host: String
    /// The HTTP port on ``host``.
    public let port: Int
    /// The HTTPS port on ``host`` (self-signed certificate), nil when `openssl` failed.
    public let httpsPort: Int?
    /// The PEM file of the HTTPS listener's self-signed certificate: the CA bundle that makes
    /// verification succeed.
    public let caFile: String?
    /// The private key of that certificate, for other loopback servers (nginx for HTTP/2).
    public var keyFile: String? {
        caFile.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("key.pem").path }
    }

    private let child: ScriptChild

    /// The server script inside this module's resource bundle.
    public static var scriptPath: String { resource("testserver.py") }

    /// A file of `Resources` (in this module's resource bundle, else beside this source).
    public static func resource(_ name: String) -> String {
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        if let url = Bundle.module.url(forResource: String(name[..<dot]),
                                       withExtension: dot < name.endIndex ? String(name[name.index(after: dot)...]) : nil,
                                       subdirectory: "Resources") {
            return url.path
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/" + name).path
    }

    /// Starts a new server (most tests use ``shared`` or ``hostile``).
    /// - Parameter bind: the address to listen on (`--bind`); another one than loopback is
    ///   for tests that reach the server from network namespaces they create, and must be
    ///   an address of that test network.
    /// - Parameter script: the server to run, `testserver.py` unless another one (which must
    ///   print the same two lines) is given.
    public init(script: String = TestServer.scriptPath, corpus: String, tls: Bool,
                bind: String = "127.0.0.1") throws {
        child = try ScriptChild(script, ["--corpus", corpus, "--bind", bind] + (tls ? [] : ["--no-tls"]), lines: 2)
        self.host = bind

        let lines = child.lines
        guard lines.count == 2, let port = Int(lines[0]) else {
            throw TestServerError(message: "unexpected first lines from testserver.py: \(lines)")
        }
        self.port = port
        let tlsFields = lines[1].split(separator: " ").map(String.init)
        if tlsFields.count == 3, tlsFields[0] == "https", let tlsPort = Int(tlsFields[1]) {
            self.httpsPort = tlsPort
            self.caFile = tlsFields[2]
        } else {
            self.httpsPort = nil
            self.caFile = nil
        }
    }

    /// `"http://HOST:PORT" + path`; `path` starts with `/`.
    public func url(_ path: String) -> String {
        "http://\(host):\(port)" + path
    }

    /// `"https://HOST:HTTPSPORT" + path`, nil without the TLS listener.
    public func httpsURL(_ path: String) -> String? {
        httpsPort.map { "https://\(host):\($0)" + path }
    }

    /// Ends the server now (SIGKILL) instead of when this test process exits, for tests
    /// that start their own instance and must not leave it behind.
    public func stop() { child.stop() }

    /// The URL of a corpus page: `/corpus/NAME`.
    public func corpusURL(_ page: String) -> String {
        url("/corpus/" + page)
    }

    /// A loopback port nothing listens on (bound, then closed), for "connection refused".
    public static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return 9 }
        defer { close(fd) }
        return bindLoopback(fd, listening: false) ?? 9
    }

    /// Binds `fd` to a free port on 127.0.0.1, listening when asked.
    /// - Returns: the port, nil when a call failed.
    static func bindLoopback(_ fd: Int32, listening: Bool) -> Int? {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && (!listening || listen(fd, 128) == 0) && getsockname(fd, sa, &len) == 0
            }
        }
        return ok ? Int(UInt16(bigEndian: addr.sin_port)) : nil
    }

    /// Reads `count` newline-terminated lines from `fd`, byte by byte so that nothing after
    /// them is consumed.
    static func readLines(_ count: Int, from fd: Int32) throws -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        var byte: UInt8 = 0
        while lines.count < count {
            let n = read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 {
                throw TestServerError(message: "the server script exited early (lines so far: \(lines))")
            }
            if byte == UInt8(ascii: "\n") {
                lines.append(String(decoding: current, as: UTF8.self))
                current.removeAll()
            } else {
                current.append(byte)
            }
        }
        return lines
    }
}

/// Why the test server could not start.
public struct TestServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// An error saying `message`.
    public init(message: String) { self.message = message }
    public var description: String { message }
}
