// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// The messages between the host and a `trawl worker --pipe` process. Each travels as one
/// frame: a little-endian `u32` length, then a type byte and the payload (``Wire`` encoding).
enum FrameType: UInt8 {
    // Host -> worker
    /// Wire version, batch generation, lanes, transfers in flight (the start of an adaptive
    /// limit), the most transfers in flight (the cap of an adaptive limit), flags
    /// (``WorkerFlags``), the workers that share each host's slots (``HostCap/share``), options.
    case configure = 1
    /// Batch generation, then (index, URL, HTTP attempt number) triples.
    case tasks = 2
    /// Batch generation: end the transfers of that batch as `cancelled`.
    case cancel = 3
    // Worker -> host
    /// Wire version and pid, once at start.
    case ready = 10
    /// Batch generation and one result.
    case result = 11
    /// Batch generation and a message: the configuration was refused.
    case configError = 12
    /// Batch generation, index, seconds to wait, the attempt's transfer seconds: the attempt
    /// failed transiently and the host is to run the URL again (``WorkerFlags/handsRetriesBack``).
    case retry = 13
    /// Batch generation, the worker's limit on transfers in flight, the transfers running:
    /// an adaptive worker (``WorkerFlags/adaptsConcurrency``) reports them as they move, and
    /// the host sizes the worker's window from them.
    case limit = 14
}

/// What a host asks of a pipe worker beyond its options, in the `configure` frame.
struct WorkerFlags: OptionSet {
    let rawValue: UInt32
    /// Hand transient failures back (a `retry` frame) instead of retrying in the worker: the
    /// host schedules retries, so that they take their host's turn across every worker.
    static let handsRetriesBack = WorkerFlags(rawValue: 1)
    /// Adapt the limit on transfers in flight (`concurrency` auto), from the configure frame's
    /// transfers in flight up to its most, and report it in `limit` frames.
    static let adaptsConcurrency = WorkerFlags(rawValue: 2)
}

/// A decoded frame.
struct Frame {
    var type: FrameType
    var payload: WireReader

    /// Frames larger than this are refused as corrupt: a result is small (bodies never travel).
    static let maxLength = 256 << 20

    static func encode(_ type: FrameType, _ body: (inout WireWriter) -> Void) -> [UInt8] {
        var w = WireWriter()
        w.u32(0)
        w.u8(type.rawValue)
        body(&w)
        var bytes = w.bytes
        let length = UInt32(bytes.count - 4)
        withUnsafeBytes(of: length.littleEndian) { raw in
            for i in 0..<4 { bytes[i] = raw[i] }
        }
        return bytes
    }
}

/// Splits a byte stream into frames; bytes may arrive in any pieces.
struct FrameDecoder {
    private var buffer: [UInt8] = []
    private var start = 0
    private var scratch: [UInt8] = []

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Lets `read` fill a scratch buffer kept for the decoder's life, then keeps the bytes it
    /// reports: no allocation or zeroing per read.
    mutating func fill(_ read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 64 << 10) }
        let got = scratch.withUnsafeMutableBytes { read($0) }
        if got > 0 { scratch.withUnsafeBytes { append(UnsafeRawBufferPointer(rebasing: $0[..<got])) } }
        return got
    }

    private mutating func compact() {
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// The next complete frame, `nil` if more bytes are needed.
    /// - Throws: on a frame too long or of an unknown type: the stream is corrupt.
    mutating func next() throws(TrawlError) -> Frame? {
        guard buffer.count - start >= 4 else { return nil }
        var length = 0
        for i in 0..<4 { length |= Int(buffer[start + i]) << (8 * i) }
        guard length >= 1, length <= Frame.maxLength else {
            throw TrawlError(.internalError, "corrupt frame length \(length)")
        }
        guard buffer.count - start >= 4 + length else { return nil }
        let typeByte = buffer[start + 4]
        guard let type = FrameType(rawValue: typeByte) else {
            throw TrawlError(.internalError, "unknown frame type \(typeByte)")
        }
        let payload = Array(buffer[(start + 5)..<(start + 4 + length)])
        start += 4 + length
        return Frame(type: type, payload: WireReader(payload))
    }
}
