// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// Removes a body's content codings as its bytes arrive, within ``ContentLimits``.
///
/// The codings are undone in the reverse of the order they were applied (`Content-Encoding:
/// gzip, br` is brotli of gzip: brotli is undone first), each stage streaming into the next.
/// Not `Sendable`: one body, decoded by one thread.
public final class ContentDecoder {
    private let limits: ContentLimits
    private let memory: DecoderMemory
    /// In decoding order: stages[0] gets the raw bytes.
    private var stages: [any DecodingStage] = []
    /// Decoded bytes handed to the caller so far.
    public private(set) var decodedCount = 0

    /// A decoder for a body with `codings` (in the order they were applied, as
    /// ``ContentCoding/parse(_:)`` returns them).
    /// - Throws: `too_large` when even the decoders' initial state does not fit the budget.
    public init(codings: [ContentCoding], limits: ContentLimits) throws(TrawlError) {
        self.limits = limits
        memory = DecoderMemory(limit: limits.decoderMemory)
        for coding in codings.reversed() {
            switch coding {
            case .gzip, .deflate: stages.append(ZlibStage(coding, memory: memory))
            case .br: stages.append(try BrotliStage(memory: memory))
            case .zstd: stages.append(try ZstdStage(memory: memory))
            }
        }
    }

    /// Decodes one chunk of the raw body, handing decoded bytes to `output` as they come
    /// (in pieces of at most 64 KiB; several or none per chunk).
    /// - Throws: `bad_response` (corrupt data, a zstd window above 8 MiB), `too_large`
    ///   (more than ``ContentLimits/maxBytes`` decoded bytes, or decoder state beyond
    ///   ``ContentLimits/decoderMemory``). The decoder is unusable after an error.
    public func decode(_ chunk: UnsafeRawBufferPointer,
                       _ output: (UnsafeRawBufferPointer) -> Void) throws(TrawlError) {
        try feed(0, chunk, output)
    }

    /// The raw body has ended: flushes every stage.
    /// - Throws: `bad_response` when a compressed stream is incomplete; as ``decode(_:_:)``.
    public func finish(_ output: (UnsafeRawBufferPointer) -> Void) throws(TrawlError) {
        for level in stages.indices {
            try stages[level].finish { (bytes) throws(TrawlError) in try self.feed(level + 1, bytes, output) }
        }
    }

    private func feed(_ level: Int, _ bytes: UnsafeRawBufferPointer,
                      _ output: (UnsafeRawBufferPointer) -> Void) throws(TrawlError) {
        guard level < stages.count else {
            guard bytes.count <= limits.maxBytes - decodedCount else {
                throw TrawlError(.tooLarge, "response body exceeds the limit of \(limits.maxBytes) bytes "
                                 + "once decoded (maxBytes)")
            }
            decodedCount += bytes.count
            output(bytes)
            return
        }
        try stages[level].decode(bytes) { (next) throws(TrawlError) in try self.feed(level + 1, next, output) }
    }

    /// The whole of `body` decoded at once: a pure function of its arguments, for tests and
    /// fuzzing.
    /// - Parameters:
    ///   - body: the raw body.
    ///   - contentEncoding: the `Content-Encoding` header values, as ``ContentCoding/parse(_:)``
    ///     takes them.
    ///   - limits: the bounds, as for a transfer.
    /// - Returns: the decoded bytes, or the error a transfer of this body would end with.
    public static func decode(_ body: [UInt8], contentEncoding: [String],
                              limits: ContentLimits) -> Result<[UInt8], TrawlError> {
        do throws(TrawlError) {
            let decoder = try ContentDecoder(codings: try ContentCoding.parse(contentEncoding), limits: limits)
            var out: [UInt8] = []
            let append = { (bytes: UnsafeRawBufferPointer) in out.append(contentsOf: bytes) }
            let failed = body.withUnsafeBytes { raw -> TrawlError? in
                do throws(TrawlError) { try decoder.decode(raw, append) } catch { return error }
                return nil
            }
            if let failed { throw failed }
            try decoder.finish(append)
            return .success(out)
        } catch {
            return .failure(error)
        }
    }
}
