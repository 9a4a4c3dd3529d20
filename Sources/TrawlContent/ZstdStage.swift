// SPDX-License-Identifier: Apache-2.0

import CZstd
import TrawlCore

/// zstd over libzstd's streaming decoder, windows capped at 8 MiB (RFC 9659), its window
/// and buffers drawn from the body's ``DecoderMemory`` budget.
final class ZstdStage: DecodingStage {
    private let memory: DecoderMemory
    private let context: OpaquePointer
    private let out: UnsafeMutableRawBufferPointer
    /// Between frames: the next bytes start a frame, whose magic number is checked first.
    private var atFrameStart = true
    /// The next frame's header, held until it is whole, then given to libzstd in one call.
    private var header: [UInt8] = []
    private var sawInput = false

    init(memory: DecoderMemory) throws(TrawlError) {
        self.memory = memory
        let allocator = ZSTD_customMem(customAlloc: DecoderMemory.allocate, customFree: DecoderMemory.release,
                                       opaque: memory.opaque)
        guard let context = ZSTD_createDCtx_advanced(allocator) else {
            throw TrawlError(.tooLarge, "zstd decoder needs more than its \(memory.limit) bytes of memory")
        }
        self.context = context
        out = .allocate(byteCount: ContentLimits.chunkSize, alignment: 16)
        let set = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, ContentLimits.zstdWindowLogMax)
        if ZSTD_isError(set) != 0 {
            ZSTD_freeDCtx(context)
            out.deallocate()
            throw TrawlError(.internalError, "ZSTD_d_windowLogMax: \(String(cString: ZSTD_getErrorName(set)))")
        }
    }

    deinit {
        ZSTD_freeDCtx(context)
        out.deallocate()
    }

    func decode(_ input: UnsafeRawBufferPointer, _ output: StageOutput) throws(TrawlError) {
        guard input.count > 0, let base = input.baseAddress else { return }
        sawInput = true
        var at = 0
        while at < input.count {
            if atFrameStart {
                // Hold a frame's header until it is whole and give it to libzstd in one call,
                // so that the same body decodes the same however it is cut:
                // - libzstd recognises its legacy (pre-RFC 8878) formats only when all four
                //   bytes of the magic number arrive in one call;
                // - libzstd 1.5.4, given a frame's magic number alone and then the rest of
                //   its header with more bytes, read the header's bytes as a skippable
                //   frame's magic number (FuzzContentDecoding: 13 bytes decoded as one frame
                //   whole, as a frame and two stray bytes byte by byte).
                var size = try Self.headerSize(header)
                while at < input.count && header.count < size {
                    header.append(input.load(fromByteOffset: at, as: UInt8.self))
                    at += 1
                    size = try Self.headerSize(header)
                }
                guard header.count == size else { return }
                atFrameStart = false
                let held = header
                header = []
                var fed: Result<Int, TrawlError> = .success(0)
                held.withUnsafeBytes { raw in
                    do throws(TrawlError) { fed = .success(try run(raw, output)) } catch { fed = .failure(error) }
                }
                let used = try fed.get()
                if used < held.count {
                    throw TrawlError(.internalError, "zstd: \(held.count - used) bytes of a frame header left unread")
                }
                continue
            }
            at += try run(UnsafeRawBufferPointer(start: base + at, count: input.count - at), output)
        }
    }

    func finish(_ output: StageOutput) throws(TrawlError) {
        if sawInput && (!header.isEmpty || !atFrameStart) {
            throw TrawlError(.badResponse, "zstd body ends before its compressed stream does")
        }
    }

    /// Feeds `input` to libzstd up to the end of the current frame.
    /// - Returns: the bytes consumed: all of them, or fewer when a frame ended first (the rest
    ///   starts the next frame, whose magic number must be checked first).
    private func run(_ input: UnsafeRawBufferPointer, _ output: StageOutput) throws(TrawlError) -> Int {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
            if ZSTD_isError(result) != 0 { throw failure(result) }
            if outBuffer.pos > 0 { try output(UnsafeRawBufferPointer(rebasing: out[0..<outBuffer.pos])) }
            // 0: the frame is decoded and flushed, and ZSTD_decompressStream stops there.
            if result == 0 {
                atFrameStart = true
                return inBuffer.pos
            }
            // Done with this input once it is consumed and the decoder did not fill the
            // buffer (a full buffer may mean more output is waiting).
            if inBuffer.pos == inBuffer.size && outBuffer.pos < outBuffer.size { return inBuffer.pos }
        }
    }

    /// The bytes of the header of the frame that `held` starts, as far as they tell: 4 until
    /// the magic number is whole (which must then be RFC 8878's), 5 until a Zstandard frame's
    /// descriptor is known, 8 for a skippable frame (magic number and size).
    static func headerSize(_ held: [UInt8]) throws(TrawlError) -> Int {
        guard held.count >= 4 else { return 4 }
        if held.count == 4 { try checkMagic(held) }
        if held[0] & 0xF0 == 0x50 && held[1] == 0x2A { return 8 }
        guard held.count >= 5 else { return 5 }
        let size = held.withUnsafeBytes { ZSTD_frameHeaderSize($0.baseAddress, 5) }
        if ZSTD_isError(size) != 0 {
            throw TrawlError(.badResponse, "zstd body is not valid Zstandard data: \(String(cString: ZSTD_getErrorName(size)))")
        }
        return size
    }

    /// RFC 8878: a Zstandard frame (0xFD2FB528) or a skippable frame (0x184D2A50-5F), little
    /// endian; anything else, libzstd's legacy formats included, is not HTTP's `zstd`.
    private static func checkMagic(_ bytes: [UInt8]) throws(TrawlError) {
        let value = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        guard value == 0xFD2F_B528 || value & 0xFFFF_FFF0 == 0x184D_2A50 else {
            throw TrawlError(.badResponse, "zstd body is not valid Zstandard data: a frame starts with "
                             + "0x\(String(value, radix: 16, uppercase: true)), not Zstandard's magic number")
        }
    }

    private func failure(_ result: Int) -> TrawlError {
        let code = ZSTD_getErrorCode(result)
        if code == ZSTD_error_frameParameter_windowTooLarge {
            return TrawlError(.badResponse, "zstd body needs a window above 8 MiB, "
                              + "which HTTP does not allow (RFC 9659)")
        }
        if code == ZSTD_error_memory_allocation {
            return memory.refused
                ? TrawlError(.tooLarge, "zstd decoder needs more than its \(memory.limit) bytes of memory")
                : TrawlError(.outOfMemory, "zstd decoder: out of memory")
        }
        return TrawlError(.badResponse, "zstd body is not valid Zstandard data: \(String(cString: ZSTD_getErrorName(result)))")
    }
}
