// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Compressed fixtures: bodies compressed by Debian's own tools (`gzip`, `brotli`, `zstd`,
/// installed by `make deps`), so that trawl's decoders are checked against other encoders,
/// and the decompression bombs in `Resources/bombs`.
public enum Compression {
    /// `bytes` piped through `command` (e.g. `["brotli", "-c"]`), its standard output.
    public static func run(_ command: [String], _ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Written from another thread: the tool's output pipe would fill while we write.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(message: "\(command) exited with \(process.terminationStatus)")
        }
        return [UInt8](data)
    }

    /// A bomb from `Resources/bombs`: `bomb-1g.br` (841 bytes, 1 GiB of zeros, brotli),
    /// `bomb-1g-w27.zst` (1 GiB, a 128 MiB zstd window), `bomb-1g-w23.zst` (1 GiB, an
    /// 8 MiB window: allowed).
    public static func bomb(_ name: String) throws -> [UInt8] {
        let path = URL(fileURLWithPath: TestServer.scriptPath).deletingLastPathComponent()
            .appendingPathComponent("bombs/" + name).path
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Deterministic text-like bytes (words from a small vocabulary), which compress well but
    /// not trivially.
    public static func sample(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        let words = ["<p>", "trawl", "crawl", "</p>\n", "the", "link", "<a href=\"/x\">", "é", "naïve", " "]
        var rng = SplitMix64(state: seed)
        var out: [UInt8] = []
        out.reserveCapacity(count + 16)
        while out.count < count {
            out.append(contentsOf: words[Int(rng.next() % UInt64(words.count))].utf8)
            out.append(0x20)
        }
        return Array(out.prefix(count))
    }
}
