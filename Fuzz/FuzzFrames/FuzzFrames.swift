// SPDX-License-Identifier: Apache-2.0

@testable import TrawlBackends
import TrawlCore

/// The process backend's framing (``FrameDecoder``) and the ``Wire`` payloads a worker and a
/// host read from each other (results, worker options, tasks), on any byte stream.
///
/// Input: one byte that picks how the stream is cut into reads, then the stream. Checks: no
/// crash, and a result that decodes is stable: its encoding decodes and encodes to the same
/// bytes (compared as bytes, since a NaN `elapsed` is unequal to itself).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let cut = input.first else { return 0 }
    let stream = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input.dropFirst()))
    var decoder = FrameDecoder()
    var at = 0
    let piece = max(1, Int(cut))
    while at < stream.count {
        let end = min(stream.count, at + piece)
        decoder.append(UnsafeRawBufferPointer(rebasing: stream[at..<end]))
        at = end
        do {
            while let frame = try decoder.next() {
                check(frame)
            }
        } catch {
            return 0  // a corrupt stream: the reader kills the peer
        }
    }
    return 0
}

private func check(_ frame: Frame) {
    var p = frame.payload
    do throws(TrawlError) {
        switch frame.type {
        case .result:
            _ = try p.u32()
            let result = try CrawlResult.decode(from: &p)
            try p.expectEnd()
            var w = WireWriter()
            result.encode(to: &w)
            var again = WireReader(w.bytes)
            var w2 = WireWriter()
            try CrawlResult.decode(from: &again).encode(to: &w2)
            if w2.bytes != w.bytes { fatalError("a result does not survive encode/decode: \(result)") }
        case .configure:
            // wire version, generation, lanes, transfers in flight, the most in flight, flags
            for _ in 0..<7 { _ = try p.u32() }
            _ = try CrawlOptions.decodeForWorker(from: &p)
            try p.expectEnd()
        case .tasks:
            _ = try p.u32()
            let n = Int(try p.u32())
            for _ in 0..<n { _ = try p.i64(); _ = try p.string(); _ = try p.u32() }
            try p.expectEnd()
        case .configError:
            _ = try p.u32(); _ = try p.string()
        case .ready:
            _ = try p.u32(); _ = try p.i64()
        case .cancel:
            _ = try p.u32()
        case .retry:
            _ = try p.u32(); _ = try p.i64(); _ = try p.f64(); _ = try p.f64()
            try p.expectEnd()
        case .limit:
            _ = try p.u32(); _ = try p.u32(); _ = try p.u32()
            try p.expectEnd()
        }
    } catch {
        return  // a malformed payload is an error the reader reports
    }
}
