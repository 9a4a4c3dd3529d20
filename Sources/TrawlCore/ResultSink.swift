// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif

/// How results are written out.
public enum ResultFormat: String, Sendable, CaseIterable {
    /// One JSON object per line (docs/json.md), written as each result is.
    case jsonl
    /// One JSON array of those objects.
    case json
}

/// Where finished results go, in the order they are written: a file or descriptor as JSON
/// lines or JSON (``FileResultSink``), and the place for CSV or a journal. Used from one
/// thread at a time.
public protocol ResultSink: AnyObject {
    /// Writes one result (possibly into a buffer).
    func write(_ result: CrawlResult) throws(TrawlError)
    /// Hands everything written so far to the operating system.
    func flush() throws(TrawlError)
    /// Ends the document (a JSON array's `]`) and flushes; nothing may be written after.
    func close() throws(TrawlError)
}

/// The bytes of results in a ``ResultFormat``: the one formatting every sink shares.
public struct ResultEncoder: Sendable {
    public let format: ResultFormat
    /// Results encoded so far.
    public private(set) var count = 0

    public init(format: ResultFormat) { self.format = format }

    /// What comes before the first result.
    public func begin(into out: inout [UInt8]) {
        if format == .json { out.append(UInt8(ascii: "[")) }
    }

    /// Appends one result.
    public mutating func append(_ result: CrawlResult, into out: inout [UInt8]) {
        if format == .json { out.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8) }
        JSON.append(result, to: &out)
        if format == .jsonl { out.append(UInt8(ascii: "\n")) }
        count += 1
    }

    /// What comes after the last result.
    public func end(into out: inout [UInt8]) {
        if format == .json { out.append(contentsOf: (count == 0 ? "]\n" : "\n]\n").utf8) }
    }
}

/// Writes results to a file or a file descriptor, through a buffer of its own that goes out
/// with one `write(2)` when full or on ``flush()``.
public final class FileResultSink: ResultSink {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var encoder: ResultEncoder
    private var buffer: [UInt8] = []
    private var closed = false

    /// A write(2) per result made the CLI's output a system call per line; results pause
    /// often enough (the caller flushes then) that a large buffer adds no latency.
    public static let bufferSize = 256 << 10

    /// Creates (or truncates) `path` and writes there; the file is closed by ``close()``.
    /// - Throws: `io` when the file cannot be opened, with the system's reason.
    public convenience init(path: String, format: ResultFormat) throws(TrawlError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TrawlError(.io, "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        self.init(fd: fd, owns: true, format: format)
    }

    /// Writes to the caller's open descriptor `descriptor` (standard output is 1); it is
    /// borrowed: never closed here.
    public convenience init(descriptor: Int32, format: ResultFormat) {
        self.init(fd: descriptor, owns: false, format: format)
    }

    private init(fd: Int32, owns: Bool, format: ResultFormat) {
        self.fd = fd
        ownsDescriptor = owns
        encoder = ResultEncoder(format: format)
        buffer.reserveCapacity(Self.bufferSize)
        encoder.begin(into: &buffer)
    }

    deinit {
        if ownsDescriptor && !closed { _ = Glibc.close(fd) }
    }

    /// Results written so far.
    public var count: Int { encoder.count }

    public func write(_ result: CrawlResult) throws(TrawlError) {
        guard !closed else { throw TrawlError(.invalidState, "the result sink is closed") }
        encoder.append(result, into: &buffer)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// - Throws: `io` when the data could not be written (disk full, closed pipe), so that a
    ///   truncated output is never mistaken for a whole one.
    public func flush() throws(TrawlError) {
        var done = 0
        defer { buffer.removeFirst(done) }
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + done }, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw TrawlError(.io, "error writing output: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    public func close() throws(TrawlError) {
        guard !closed else { return }
        encoder.end(into: &buffer)
        defer {
            closed = true
            if ownsDescriptor { _ = Glibc.close(fd) }
        }
        try flush()
    }
}
