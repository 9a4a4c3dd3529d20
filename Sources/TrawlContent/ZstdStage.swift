// SPDX-License-Identifier: Apache-2.0

import CZstd
import TrawlCore

/// zstd over libzstd's streaming decoder, windows capped at 8 MiB (RFC 9659), its window
/// and buffers drawn from the body's ``DecoderMemory`` budget.
final class ZstdStage: DecodingStage {
    private let memory: DecoderMemory
    private let context: OpaquePointer
    private let out: UnsafeMutableRawBufferPointer
    /// ZSTD_decompressStream's last hint: 0 when a frame has just ended.
    private var hint = 0
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
        var inBuffer = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        while true {
            var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
            if ZSTD_isError(result) != 0 { throw failure(result) }
            hint = result
            if outBuffer.pos > 0 { try output(UnsafeRawBufferPointer(rebasing: out[0..<outBuffer.pos])) }
            // Done with this input once it is consumed and the decoder did not fill the
            // buffer (a full buffer may mean more output is waiting).
            if inBuffer.pos == inBuffer.size && outBuffer.pos < outBuffer.size { return }
        }
    }

    func finish(_ output: StageOutput) throws(TrawlError) {
        if sawInput && hint != 0 {
            throw TrawlError(.badResponse, "zstd body ends before its compressed stream does")
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
