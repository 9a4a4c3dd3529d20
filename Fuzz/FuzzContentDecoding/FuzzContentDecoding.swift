// SPDX-License-Identifier: Apache-2.0

import TrawlContent
import TrawlCore

/// The content decoders (gzip/deflate over zlib, br over libbrotli, zstd over libzstd, and
/// stacks of them) on any body, fed as a transfer feeds them: in chunks.
///
/// Input: one byte picking the `Content-Encoding` (one or two codings), one byte for the chunk
/// size, then the raw body. Checks: no crash, no sanitizer report, never more than `maxBytes`
/// decoded, errors only `too_large` or `bad_response`, and the same outcome whatever the chunk
/// size (the streaming decoder against ``ContentDecoder/decode(_:contentEncoding:limits:)``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let names = ["gzip", "deflate", "br", "zstd"]
    let pick = Int(data[0])
    let encoding = pick < 16 ? [names[pick % 4]] : [names[pick % 4] + ", " + names[(pick / 4) % 4]]
    let chunk = max(1, Int(data[1]) * 16)
    let body = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    let limits = ContentLimits(maxBytes: 1 << 20)
    let whole = ContentDecoder.decode(body, contentEncoding: encoding, limits: limits)
    let streamed = stream(body, encoding, limits, chunk: chunk)
    switch (whole, streamed) {
    case (.success(let a), .success(let b)):
        if a != b { fatalError("chunks of \(chunk) decode differently for \(encoding)") }
        if a.count > limits.maxBytes { fatalError("\(a.count) bytes decoded, limit \(limits.maxBytes)") }
    case (.failure(let a), .failure(let b)):
        for e in [a, b] where e.code != .tooLarge && e.code != .badResponse {
            fatalError("unexpected \(e.code): \(e.message)")
        }
    default:
        fatalError("whole \(whole) and chunks of \(chunk) disagree for \(encoding)")
    }
    return 0
}

private func stream(_ body: [UInt8], _ encoding: [String], _ limits: ContentLimits,
                    chunk: Int) -> Result<[UInt8], TrawlError> {
    do throws(TrawlError) {
        let decoder = try ContentDecoder(codings: try ContentCoding.parse(encoding), limits: limits)
        var out: [UInt8] = []
        let append = { (bytes: UnsafeRawBufferPointer) in out.append(contentsOf: bytes) }
        var at = 0
        while at < body.count {
            let end = min(body.count, at + chunk)
            let failed = body[at..<end].withUnsafeBytes { raw -> TrawlError? in
                do throws(TrawlError) { try decoder.decode(raw, append) } catch { return error }
                return nil
            }
            if let failed { throw failed }
            at = end
        }
        try decoder.finish(append)
        if decoder.decodedCount != out.count { fatalError("decodedCount \(decoder.decodedCount) != \(out.count)") }
        return .success(out)
    } catch {
        return .failure(error)
    }
}
