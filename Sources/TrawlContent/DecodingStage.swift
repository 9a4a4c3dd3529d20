// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// Where a stage hands its output: the next stage, or the decoded body.
typealias StageOutput = (UnsafeRawBufferPointer) throws(TrawlError) -> Void

/// One coding's streaming decoder (zlib, brotli or zstd): input in chunks of any size,
/// output in chunks of at most ``ContentLimits/chunkSize`` bytes.
protocol DecodingStage: AnyObject {
    /// Decodes all of `input`, handing the output on as it comes.
    /// - Throws: `bad_response` for corrupt data, `too_large` when the decoder needs more
    ///   memory than its budget; and whatever `output` throws.
    func decode(_ input: UnsafeRawBufferPointer, _ output: StageOutput) throws(TrawlError)
    /// The input has ended: hands on what is left.
    /// - Throws: `bad_response` when the stream is incomplete.
    func finish(_ output: StageOutput) throws(TrawlError)
}
