// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// A loopback HTTP/1.1 server of its own that fails on purpose and writes down when every
/// request arrived: the measure of retries, back-off, `Retry-After`, per-host delays and rates,
/// and statistics. One server is one host (`127.0.0.1:PORT`); each answer closes its
/// connection, so every request is a connection of its own.
///
/// Paths (`KEY` names a counter of its own, so tests do not disturb each other):
/// - `/fail/N/STATUS/KEY` answers STATUS to the first N requests for KEY, then 200;
///   `?ra=VALUE` adds `Retry-After: VALUE` to the failures.
/// - `/reset/N/KEY` resets the connection (RST) of the first N requests for KEY, then 200.
/// - `/slow/MS/KEY` answers 200 after MS milliseconds.
/// - anything else: 200 with a small page.
public final class FlakyServer: Sendable {
    /// The port on 127.0.0.1.
    public var port: Int { listener.port }
    private let listener: LoopbackListener
    /// Per key: the arrival time of every request (seconds on the monotonic clock).
    private let log: Log

    final class Log: Sendable {
        let times = Mutex<[String: [Double]]>([:])
    }

    /// Starts listening on a free loopback port.
    public init() throws {
        let log = Log()
        self.log = log
        listener = try LoopbackListener { c in
            let thread = Thread { FlakyServer.serve(c, log) }
            thread.start()
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)" + path }

    /// When the requests for `key` arrived, in order (seconds on the monotonic clock).
    public func times(_ key: String) -> [Double] { log.times.withLock { $0[key] ?? [] } }

    /// When every request arrived, whatever its key, in order.
    public var allTimes: [Double] { log.times.withLock { $0.values.flatMap { $0 }.sorted() } }

    /// Requests received so far.
    public var requests: Int { log.times.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Stops accepting.
    public func stop() { listener.stop() }

    /// Seconds on the monotonic clock, the same clock as trawl's.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1_000_000_000
    }

    private static func serve(_ fd: Int32, _ log: Log) {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while request.firstRange(of: end) == nil && request.count < 65536 {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { close(fd); return }
            request += buffer[0..<n]
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let target = line.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let pathPart = target.split(separator: "?", maxSplits: 1)
        let parts = pathPart[0].split(separator: "/").map(String.init)
        let query = pathPart.count > 1 ? String(pathPart[1]) : ""
        let key = parts.last ?? "/"
        let seen: Int = log.times.withLock { l in
            l[key, default: []].append(Self.now())
            return l[key]?.count ?? 1
        }
        var status = 200
        var extra = ""
        if parts.count == 4, parts[0] == "fail", let n = Int(parts[1]), let code = Int(parts[2]), seen <= n {
            status = code
            if query.hasPrefix("ra=") {
                extra = "Retry-After: \(String(query.dropFirst(3)).removingPercentEncoding ?? "")\r\n"
            }
        } else if parts.count == 3, parts[0] == "reset", let n = Int(parts[1]), seen <= n {
            // SO_LINGER 0: close() sends RST, the client sees "connection reset".
            var linger = Foundation.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Foundation.linger>.size))
            close(fd)
            return
        } else if parts.count == 3, parts[0] == "slow", let ms = Int(parts[1]) {
            usleep(UInt32(ms * 1000))
        }
        let body = "<a href=\"/x\">\(key) \(seen)</a>"
        let answer = "HTTP/1.1 \(status) X\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\n"
            + extra + "Connection: close\r\n\r\n" + body
        _ = answer.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
}
