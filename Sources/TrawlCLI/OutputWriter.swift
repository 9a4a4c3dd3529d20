// SPDX-License-Identifier: Apache-2.0

import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes results as JSON lines or as one JSON array, through stdio's buffer.
final class OutputWriter {
    enum Format: String, CaseIterable { case jsonl, json }

    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private let format: Format
    private var count = 0
    private var buffer: [UInt8] = []
    /// The stdio buffer of an owned file, freed once the file is closed.
    private var streamBuffer: UnsafeMutablePointer<CChar>?

    /// Opens `path` for writing (`nil` or `-`: standard output).
    init(path: String?, format: Format) throws(CLIError) {
        if let path, path != "-" {
            guard let f = fopen(path, "w") else {
                throw CLIError("cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            file = f
            ownsFile = true
        } else {
            file = StandardStreams.output
            ownsFile = false
        }
        self.format = format
        // stdio's default buffer (4 KiB for a file or pipe) made one write(2) per result;
        // the caller flushes whenever results pause, so a large one adds no latency. glibc
        // ignores the size unless given the memory, which must outlive the stream: freed
        // after fclose for a file, never for standard output.
        if isatty(fileno(file)) == 0 {
            let memory = UnsafeMutablePointer<CChar>.allocate(capacity: Self.bufferSize)
            setvbuf(file, memory, _IOFBF, Self.bufferSize)
            streamBuffer = ownsFile ? memory : nil
        }
        buffer.reserveCapacity(64 << 10)
        if format == .json { put("[") }
    }

    func write(_ result: CrawlResult) {
        buffer.removeAll(keepingCapacity: true)
        if format == .json { buffer.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8) }
        JSON.append(result, to: &buffer)
        if format == .jsonl { buffer.append(UInt8(ascii: "\n")) }
        buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
        count += 1
    }

    /// stdio's buffer for a file or pipe.
    static let bufferSize = 256 << 10

    /// Hands what was written so far to the operating system.
    func flush() {
        fflush(file)
    }

    /// Ends the document and flushes. Throws when the data could not be written (disk full,
    /// closed pipe), so that a truncated output never exits 0.
    func close() throws(CLIError) {
        if format == .json { put(count == 0 ? "]\n" : "\n]\n") }
        let failed = fflush(file) != 0 || ferror(file) != 0
        if ownsFile {
            fclose(file)
            streamBuffer?.deallocate()
            streamBuffer = nil
        }
        if failed { throw CLIError("error writing output: \(String(cString: strerror(errno)))") }
    }

    private func put(_ s: String) { fputs(s, file) }
}
