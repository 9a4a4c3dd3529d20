// SPDX-License-Identifier: Apache-2.0

import CBrotli
import TrawlCore

/// br over libbrotli's streaming decoder. Its ring buffer (the window, up to 16 MiB by the
/// format) grows only as far as the stream's output needs and comes out of the body's
/// ``DecoderMemory`` budget, as do its Huffman tables.
final class BrotliStage: DecodingStage {
    private let memory: DecoderMemory
    private let state: OpaquePointer
    private let out: UnsafeMutableRawBufferPointer
    private var ended = false
    private var sawInput = false

    init(memory: DecoderMemory) throws(TrawlError) {
        self.memory = memory
        guard let state = BrotliDecoderCreateInstance(DecoderMemory.allocate, DecoderMemory.release,
                                                      memory.opaque) else {
            throw TrawlError(.tooLarge, "br decoder needs more than its \(memory.limit) bytes of memory")
        }
        self.state = state
        out = .allocate(byteCount: ContentLimits.chunkSize, alignment: 16)
    }

    deinit {
        BrotliDecoderDestroyInstance(state)
        out.deallocate()
    }

    func decode(_ input: UnsafeRawBufferPointer, _ output: StageOutput) throws(TrawlError) {
        guard input.count > 0, let base = input.baseAddress else { return }
        sawInput = true
        // Bytes after the end of the stream are ignored, as after a gzip stream.
        guard !ended else { return }
        var nextIn: UnsafePointer<UInt8>? = base.assumingMemoryBound(to: UInt8.self)
        var availIn = input.count
        while true {
            var nextOut: UnsafeMutablePointer<UInt8>? = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var availOut = out.count
            let result = BrotliDecoderDecompressStream(state, &availIn, &nextIn, &availOut, &nextOut, nil)
            let produced = out.count - availOut
            if produced > 0 { try output(UnsafeRawBufferPointer(rebasing: out[0..<produced])) }
            switch result {
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                continue
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
                return
            case BROTLI_DECODER_RESULT_SUCCESS:
                ended = true
                return
            default:
                throw failure()
            }
        }
    }

    func finish(_ output: StageOutput) throws(TrawlError) {
        if sawInput && !ended {
            throw TrawlError(.badResponse, "br body ends before its compressed stream does")
        }
    }

    private func failure() -> TrawlError {
        let code = BrotliDecoderGetErrorCode(state)
        if memory.refused {
            return TrawlError(.tooLarge, "br decoder needs more than its \(memory.limit) bytes of memory "
                              + "(the stream decodes to more than the body limit)")
        }
        let text = BrotliDecoderErrorString(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
        return TrawlError(.badResponse, "br body is not valid Brotli data: \(text)")
    }
}
