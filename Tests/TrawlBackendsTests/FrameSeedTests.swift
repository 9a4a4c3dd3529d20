// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
import TrawlTestSupport
@testable import TrawlBackends

/// The FuzzFrames seeds (Fuzz/corpus/FuzzFrames, written by Fuzz/make_seeds.py) are frames of
/// the wire version spoken today, each payload read to its end. Seeds of an older version
/// still run, but the fuzzer then starts from frames that fail at their first field and
/// rarely reaches the decoders behind them: a wire change must come with new seeds.
@Suite struct FrameSeedTests {
    static var seeds: [URL] {
        let dir = URL(fileURLWithPath: Corpus.packageRoot).appendingPathComponent("Fuzz/corpus/FuzzFrames")
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func everyFrameTypeHasASeed() throws {
        var seen = Set<UInt8>()
        for file in Self.seeds {
            for frame in try frames(of: file) { seen.insert(frame.type.rawValue) }
        }
        let all: [FrameType] = [.configure, .tasks, .cancel, .ready, .result, .configError, .retry, .limit]
        #expect(Set(all.map(\.rawValue)) == seen, "regenerate with Fuzz/make_seeds.py FuzzFrames")
    }

    @Test(arguments: seeds) func seedIsOfTheCurrentWire(_ file: URL) throws {
        for frame in try frames(of: file) {
            var p = frame.payload
            switch frame.type {
            case .configure:
                #expect(try p.u32() == Wire.version, "\(file.lastPathComponent): regenerate with Fuzz/make_seeds.py FuzzFrames")
                // generation, lanes, transfers in flight, the most in flight, flags, host share
                for _ in 0..<6 { _ = try p.u32() }
                _ = try CrawlOptions.decodeForWorker(from: &p)
            case .ready:
                #expect(try p.u32() == Wire.version, "\(file.lastPathComponent): regenerate with Fuzz/make_seeds.py FuzzFrames")
                _ = try p.i64()
            case .result:
                _ = try p.u32()
                let result = try CrawlResult.decode(from: &p)
                #expect(result.url.hasPrefix("http://") || result.error != nil)
            case .tasks:
                _ = try p.u32()
                for _ in 0..<Int(try p.u32()) { _ = try p.i64(); _ = try p.string(); _ = try p.u32() }
            case .retry:
                _ = try p.u32(); _ = try p.i64(); _ = try p.f64(); _ = try p.f64()
            case .configError:
                _ = try p.u32(); _ = try p.string()
            case .cancel:
                _ = try p.u32()
            case .limit:
                _ = try p.u32(); _ = try p.u32(); _ = try p.u32()
            }
            try p.expectEnd()
        }
    }

    /// The frames of a seed: its first byte is the fuzzer's read size, the rest the stream.
    private func frames(of file: URL) throws -> [Frame] {
        let bytes = [UInt8](try Data(contentsOf: file).dropFirst())
        var decoder = FrameDecoder()
        bytes.withUnsafeBytes { decoder.append($0) }
        var out: [Frame] = []
        while let f = try decoder.next() { out.append(f) }
        #expect(!out.isEmpty, "\(file.lastPathComponent) holds no whole frame")
        return out
    }
}
