// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP exchange as it went over the wire, for a WARC `request` and `response` record.
public struct WARCExchange: Sendable {
    /// The URL the response is for (after redirects: the one whose response this is).
    public var targetURI: String
    /// Seconds since 1970 when the response arrived.
    public var date: Double
    /// The request head as sent (request line, headers, blank line); empty for none.
    public var requestHead: [UInt8]
    /// The response head as received (status line, headers, blank line).
    public var responseHead: [UInt8]
    /// The body as received: content coding kept, transfer coding (chunks) removed.
    public var payload: [UInt8]
    /// Whether the body is not all there (a redirect's, which libcurl drops): the response
    /// record then says `WARC-Truncated: unspecified`.
    public var truncated: Bool

    public init(targetURI: String, date: Double, requestHead: [UInt8], responseHead: [UInt8], payload: [UInt8],
                truncated: Bool = false) {
        self.targetURI = targetURI
        self.date = date
        self.requestHead = requestHead
        self.responseHead = responseHead
        self.payload = payload
        self.truncated = truncated
    }
}

/// Writes WARC/1.1 files (ISO 28500): `PREFIX-00000.warc.gz`, `PREFIX-00001.warc.gz`, …, each
/// starting with a `warcinfo` record, then a `request` and a `response` record per exchange,
/// every record its own gzip member. A file is closed once it holds `maxBytes` and the next
/// one started; serial numbers already taken (an earlier run) are skipped, never overwritten.
///
/// Thread-safe: lanes write at once (records are compressed outside the lock).
public final class WARCWriter: Sendable {
    /// The path of every file, up to the serial number.
    public let prefix: String
    public let maxBytes: Int
    private let info: [String]
    private let state = Mutex<State>(State())

    private struct State {
        var fd: Int32 = -1
        var serial = 0
        var written = 0
        var files: [String] = []
        var failure: TrawlError? = nil
        var closed = false
    }

    /// - Parameters:
    ///   - prefix: files are `prefix-NNNNN.warc.gz`; the directory must exist.
    ///   - maxBytes: size at which a file is closed and the next one started.
    ///   - info: extra `name: value` lines for each file's `warcinfo` record.
    public init(prefix: String, maxBytes: Int, info: [String] = []) {
        self.prefix = prefix
        self.maxBytes = max(1, maxBytes)
        self.info = info
    }

    /// The files written so far, in order.
    public var files: [String] { state.withLock { $0.files } }

    /// The first failure (a full disk, a missing directory); writing stops after it.
    public var error: TrawlError? { state.withLock { $0.failure } }

    /// Appends the exchange's request (when there is one) and response records.
    /// - Throws: `io` when the file cannot be created or written; the writer then stops.
    public func write(_ exchange: WARCExchange) throws(TrawlError) {
        let date = Self.timestamp(exchange.date)
        let responseID = Self.recordID()
        let responseBlock = exchange.responseHead + exchange.payload
        var response = WARCRecord(fields: [
            ("WARC-Type", "response"), ("WARC-Record-ID", responseID), ("WARC-Date", date),
            ("WARC-Target-URI", exchange.targetURI), ("Content-Type", "application/http;msgtype=response"),
            ("WARC-Payload-Digest", SHA1.warcDigest([exchange.payload[...]])),
            ("WARC-Block-Digest", SHA1.warcDigest([exchange.responseHead[...], exchange.payload[...]])),
        ], block: [])
        if exchange.truncated { response.fields.append(("WARC-Truncated", "unspecified")) }
        response.block = responseBlock
        var bytes: [UInt8] = []
        if !exchange.requestHead.isEmpty {
            let request = WARCRecord(fields: [
                ("WARC-Type", "request"), ("WARC-Record-ID", Self.recordID()), ("WARC-Date", date),
                ("WARC-Target-URI", exchange.targetURI), ("WARC-Concurrent-To", responseID),
                ("Content-Type", "application/http;msgtype=request"),
                ("WARC-Block-Digest", SHA1.warcDigest([exchange.requestHead[...]])),
            ], block: exchange.requestHead)
            bytes += try GzipMembers.compress(request.serialized())
        }
        bytes += try GzipMembers.compress(response.serialized())
        try append(bytes, date: date)
    }

    /// Closes the current file.
    /// - Throws: the first failure, if writing ever failed.
    public func close() throws(TrawlError) {
        try state.withLock { (s) throws(TrawlError) in
            if s.fd >= 0 { _ = Glibc.close(s.fd) }
            s.fd = -1
            s.closed = true
            if let f = s.failure { throw f }
        }
    }

    deinit {
        state.withLock { if $0.fd >= 0 { _ = Glibc.close($0.fd) } }
    }

    private func append(_ bytes: [UInt8], date: String) throws(TrawlError) {
        try state.withLock { (s) throws(TrawlError) in
            if let f = s.failure { throw f }
            guard !s.closed else { throw TrawlError(.invalidState, "WARC writer '\(prefix)' is closed") }
            do throws(TrawlError) {
                if s.fd < 0 { try open(&s, date: date) }
                try Self.writeAll(s.fd, bytes, path: s.files.last ?? prefix)
                s.written += bytes.count
                if s.written >= maxBytes {
                    _ = Glibc.close(s.fd)
                    s.fd = -1
                }
            } catch {
                s.failure = error
                if s.fd >= 0 { _ = Glibc.close(s.fd) }
                s.fd = -1
                throw error
            }
        }
    }

    /// Creates the next file that does not exist yet and writes its `warcinfo` record.
    private func open(_ s: inout State, date: String) throws(TrawlError) {
        while true {
            let digits = String(s.serial)
            let path = "\(prefix)-\(String(repeating: "0", count: max(0, 5 - digits.count)))\(digits).warc.gz"
            s.serial += 1
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0 && errno == EEXIST { continue }
            guard fd >= 0 else {
                throw TrawlError(.io, "cannot create WARC file '\(path)': \(String(cString: strerror(errno)))")
            }
            s.fd = fd
            s.files.append(path)
            s.written = 0
            let name = path.split(separator: "/").last.map(String.init) ?? path
            var fields = "software: trawl/\(Version.string)\r\nformat: WARC File Format 1.1\r\n"
            fields += "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
            for line in info { fields += line + "\r\n" }
            let record = WARCRecord(fields: [
                ("WARC-Type", "warcinfo"), ("WARC-Record-ID", Self.recordID()), ("WARC-Date", date),
                ("WARC-Filename", name), ("Content-Type", "application/warc-fields"),
            ], block: Array(fields.utf8))
            let bytes = try GzipMembers.compress(record.serialized())
            try Self.writeAll(fd, bytes, path: path)
            s.written = bytes.count
            return
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(TrawlError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + done }, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw TrawlError(.io, "cannot write WARC file '\(path)': \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// `<urn:uuid:…>` of a random (version 4) UUID.
    static func recordID() -> String {
        var g = SystemRandomNumberGenerator()
        var b = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        b[6] = b[6] & 0x0F | 0x40
        b[8] = b[8] & 0x3F | 0x80
        let hex = b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        let groups = [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }
        return "<urn:uuid:\(groups.joined(separator: "-"))>"
    }

    /// `2026-12-01T23:30:05Z` (WARC-Date, UTC, W3C-ISO8601).
    static func timestamp(_ seconds: Double) -> String {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }
}
