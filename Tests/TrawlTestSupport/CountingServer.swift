// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// A loopback HTTP/1.1 server of its own that counts how many requests it is serving at
/// once: the measure of a per-host connection limit. Each request is held `delay` seconds
/// before its small answer, sent with `Connection: close` so that every request is also a
/// connection of its own (or, with `keepAlive`, on connections kept open). With `http10` it
/// answers as an HTTP/1.0 server does: no `Connection` header when it closes (1.0's default),
/// `Connection: keep-alive` when it keeps the connection.
///
/// One thread accepts, one thread per connection answers; ``stop()`` ends them.
public final class CountingServer: Sendable {
    /// The port on 127.0.0.1.
    public var port: Int { listener.port }
    private let listener: LoopbackListener
    private let state: State

    /// What the connection threads share with the server.
    private final class State: Sendable {
        let delay: Double
        let robots: String?
        let overloadAbove: Int?
        let keepAlive: Bool
        let http10: Bool
        let counts = Mutex<(now: Int, peak: Int, served: Int, refused: Int)>((0, 0, 0, 0))
        /// When each request other than /robots.txt arrived (seconds, monotonic).
        let starts = Mutex<[Double]>([])
        init(delay: Double, robots: String?, overloadAbove: Int?, keepAlive: Bool, http10: Bool) {
            self.keepAlive = keepAlive
            self.http10 = http10
            self.delay = delay
            self.robots = robots
            self.overloadAbove = overloadAbove
        }
    }

    /// Starts listening on a free loopback port.
    /// - Parameters:
    ///   - robots: the body of `/robots.txt` (answered at once, not counted); nil answers it
    ///     like any other path.
    ///   - overloadAbove: a request that arrives while this many are being served is answered
    ///     503 at once (counted in ``refused``, not in ``peak``): a server that gives way above N.
    ///   - keepAlive: the 200s keep their connection open for the next request.
    ///   - http10: the 200s are HTTP/1.0 responses.
    public init(delay: Double, robots: String? = nil, overloadAbove: Int? = nil, keepAlive: Bool = false,
                http10: Bool = false) throws {
        let state = State(delay: delay, robots: robots, overloadAbove: overloadAbove, keepAlive: keepAlive,
                          http10: http10)
        self.state = state
        listener = try LoopbackListener { c in
            let thread = Thread { CountingServer.serve(c, state) }
            thread.start()
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)" + path }

    /// The most requests served at once so far.
    public var peak: Int { state.counts.withLock { $0.peak } }
    /// Requests answered so far (200s; the 503s of `overloadAbove` are in ``refused``).
    public var served: Int { state.counts.withLock { $0.served } }
    /// Requests answered 503 because `overloadAbove` were being served.
    public var refused: Int { state.counts.withLock { $0.refused } }
    /// When each counted request arrived (monotonic seconds), in order.
    public var starts: [Double] { state.starts.withLock { $0 } }

    /// Stops accepting (connections being served finish).
    public func stop() { listener.stop() }

    private static func serve(_ fd: Int32, _ state: State) {
        defer { close(fd) }
        while answer(fd, state) && state.keepAlive {}
    }

    /// Reads one request on `fd` and answers it; whether the connection may take another.
    private static func answer(_ fd: Int32, _ state: State) -> Bool {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while !request.ends(with: end) && request.count < 65536 {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            request += buffer[0..<n]
            if let r = request.firstRange(of: end) { request = Array(request[..<r.upperBound]) }
        }
        if let robots = state.robots, request.starts(with: Array("GET /robots.txt ".utf8)) {
            let answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(robots.utf8.count)\r\n"
                + "Connection: close\r\n\r\n" + robots
            _ = answer.withCString { write(fd, $0, strlen($0)) }
            return false
        }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        state.starts.withLock { $0.append(Double(now.tv_sec) + Double(now.tv_nsec) / 1e9) }
        let admitted = state.counts.withLock { c in
            if let n = state.overloadAbove, c.now >= n {
                c.refused += 1
                return false
            }
            c.now += 1
            c.peak = max(c.peak, c.now)
            return true
        }
        guard admitted else {
            let answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = answer.withCString { write(fd, $0, strlen($0)) }
            return false
        }
        usleep(UInt32(state.delay * 1_000_000))
        // Counted as done before the answer leaves: the client can start its next request
        // only after reading it, so no overlap is ever miscounted.
        state.counts.withLock { c in
            c.now -= 1
            c.served += 1
        }
        let body = "<a href=\"/x\">counted</a>"
        let connection = switch (state.http10, state.keepAlive) {
        case (false, false): "Connection: close\r\n"
        case (true, true): "Connection: keep-alive\r\n"
        default: ""
        }
        let answer = "HTTP/1.\(state.http10 ? 0 : 1) 200 OK\r\nContent-Type: text/html\r\n"
            + "Content-Length: \(body.utf8.count)\r\n" + connection + "\r\n" + body
        return answer.withCString { write(fd, $0, strlen($0)) } == answer.utf8.count
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
