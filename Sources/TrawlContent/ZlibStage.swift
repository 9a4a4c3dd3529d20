// SPDX-License-Identifier: Apache-2.0

import CZlib
import TrawlCore

/// gzip and deflate over zlib's `inflate`: about 45 KB of state (a 32 KiB window).
final class ZlibStage: DecodingStage {
    private let coding: ContentCoding
    private let memory: DecoderMemory
    /// Heap-allocated: zlib's state points back at its `z_stream`, which must not move.
    private let stream: UnsafeMutablePointer<z_stream>
    private let out: UnsafeMutableRawBufferPointer
    private var initialized = false
    /// Set at Z_STREAM_END; cleared when another gzip member starts.
    private var ended = false
    /// Set when bytes that start no gzip member follow the end: everything after them is
    /// ignored too, however the body is cut into chunks (a later chunk starting with 0x1F
    /// must not start a member that the whole body would never have started).
    private var ignoringRest = false
    private var sawInput = false
    /// deflate: the first byte, kept until the second tells a zlib header from raw deflate.
    private var pending: UInt8?

    init(_ coding: ContentCoding, memory: DecoderMemory) {
        self.coding = coding
        self.memory = memory
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        out = .allocate(byteCount: ContentLimits.chunkSize, alignment: 16)
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deallocate()
        out.deallocate()
    }

    private var name: String { coding.rawValue }

    /// inflateInit2: gzip only for gzip; for deflate a zlib stream when the first two bytes
    /// are a zlib header (RFC 1950: method 8, window <= 32 KiB, check bits), else raw deflate.
    private func start(zlibHeader: Bool) throws(TrawlError) {
        stream.pointee.zalloc = DecoderMemory.zlibAllocate
        stream.pointee.zfree = DecoderMemory.release
        stream.pointee.opaque = memory.opaque
        let bits: Int32 = coding == .gzip ? 15 + 16 : (zlibHeader ? 15 : -15)
        let status = trawl_inflate_init2(stream, bits)
        guard status == Z_OK else { throw failure(status) }
        initialized = true
    }

    private static func isZlibHeader(_ b0: UInt8, _ b1: UInt8) -> Bool {
        b0 & 0x0F == 8 && b0 >> 4 <= 7 && (UInt16(b0) << 8 | UInt16(b1)) % 31 == 0
    }

    func decode(_ input: UnsafeRawBufferPointer, _ output: StageOutput) throws(TrawlError) {
        guard input.count > 0, let base = input.baseAddress else { return }
        sawInput = true
        if !initialized {
            if coding == .gzip {
                try start(zlibHeader: false)
            } else if let first = pending {
                pending = nil
                try start(zlibHeader: Self.isZlibHeader(first, input[0]))
                var byte = first
                try inflate(&byte, 1, output)
            } else if input.count == 1 {
                pending = input[0]
                return
            } else {
                try start(zlibHeader: Self.isZlibHeader(input[0], input[1]))
            }
        }
        try inflate(base, input.count, output)
    }

    private func inflate(_ input: UnsafeRawPointer, _ count: Int, _ output: StageOutput) throws(TrawlError) {
        var next = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: UInt8.self))
        var left = count
        while left > 0 && !ignoringRest {
            if ended {
                // Another gzip member follows (RFC 1952 allows several); anything else after
                // the end of the stream is ignored, as gzip(1) and browsers do.
                guard coding == .gzip, next.pointee == 0x1F else { ignoringRest = true; return }
                guard CZlib.inflateReset(stream) == Z_OK else { throw failure(Z_STREAM_ERROR) }
                ended = false
            }
            stream.pointee.next_in = next
            stream.pointee.avail_in = UInt32(min(left, Int(UInt32.max)))
            let offered = Int(stream.pointee.avail_in)
            var status: Int32 = Z_OK
            repeat {
                stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(out.count)
                status = CZlib.inflate(stream, Z_NO_FLUSH)
                let produced = out.count - Int(stream.pointee.avail_out)
                if produced > 0 { try output(UnsafeRawBufferPointer(rebasing: out[0..<produced])) }
                if status == Z_STREAM_END { ended = true; break }
                if status == Z_BUF_ERROR { break }
                guard status == Z_OK else { throw failure(status) }
            } while stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
            let consumed = offered - Int(stream.pointee.avail_in)
            next += consumed
            left -= consumed
            if consumed == 0 && !ended { break }
        }
    }

    func finish(_ output: StageOutput) throws(TrawlError) {
        if let first = pending {
            pending = nil
            try start(zlibHeader: false)
            var byte = first
            try inflate(&byte, 1, output)
        }
        if sawInput && !ended {
            throw TrawlError(.badResponse, "\(name) body ends before its compressed stream does")
        }
    }

    private func failure(_ status: Int32) -> TrawlError {
        if status == Z_MEM_ERROR {
            return memory.refused
                ? TrawlError(.tooLarge, "\(name) decoder needs more than its \(memory.limit) bytes of memory")
                : TrawlError(.outOfMemory, "\(name) decoder: out of memory")
        }
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        return TrawlError(.badResponse, "\(name) body is not valid \(name) data: \(message)")
    }
}
