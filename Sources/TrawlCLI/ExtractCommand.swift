// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlBackends
import TrawlCore
import TrawlDecode
import TrawlExtract
import TrawlWARC
#if canImport(Glibc)
import Glibc
#endif

/// `trawl extract`: run the patterns over local files, no network. For offline use, for
/// checking a pattern against saved pages, and for the extraction benchmark.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run the patterns over local files and print one JSON object per file.",
        discussion: "A file is decoded as `trawl crawl` decodes a page served without a charset: "
            + "BOM, then <meta charset>, else UTF-8 (--decode browser); --charset decodes it as if "
            + "served with that charset. A WARC file (.warc or .warc.gz, as `trawl crawl --warc` writes "
            + "them) gives one object per response record instead, its body decoded as the crawl "
            + "decoded it (Content-Encoding, then the served charset); a truncated record ends that "
            + "file's reading with a message (exit status 1), the records before it are kept."
    )

    @Argument(help: "Files to read.")
    var files: [String]

    @Option(help: "How to decode each file: 'browser' (BOM, <meta>, else UTF-8) or 'requests' (as Python requests' .text).")
    var decode: String = "browser"

    @Option(help: "Decode every file as if served with this charset (a WHATWG label, e.g. windows-1252).")
    var charset: String?

    @OptionGroup(title: "Patterns")
    var patterns: PatternOptions

    @Option(help: "Run the patterns over every file this many times (benchmarking).")
    var `repeat`: Int = 1

    @Flag(help: "Print bytes, seconds and MB/s of matching on standard error.")
    var stats = false

    @Flag(help: "Print no results (with --stats: measure only).")
    var noOutput = false

    mutating func run() throws {
        var options = CrawlOptions()
        try patterns.apply(to: &options)
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard let mode = DecodeMode(rawValue: decode) else {
            throw ValidationError("--decode must be one of: " + DecodeMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        // WARC records are decoded by the crawler, as a crawl decodes its pages.
        options.decode = mode
        let crawler: Crawler
        do {
            crawler = try Crawler(options: options)
        } catch {
            throw PatternOptions.error(error, patterns: options.effectivePatterns)
        }

        if files.contains(where: Self.isWARC) {
            guard files.allSatisfy(Self.isWARC) else {
                throw ValidationError("give either WARC files (.warc, .warc.gz) or other files, not both")
            }
            try Self.extractWARC(files, crawler: crawler)
            return
        }
        // The Content-Type a server would have sent: none, or one naming --charset.
        let contentType = charset.map { "text/html; charset=\($0)" }
        // Files are read and decoded before the clock starts: the figure is matching speed alone.
        let texts = try files.map { path throws(CLIError) in
            BodyDecoder.decode(try Self.readFile(path), contentType: contentType, mode: mode).utf8
        }
        let session = crawler.extractor.makeSession()
        var totalBytes = 0
        let start = MonotonicClock.threadCPU()
        let wallStart = MonotonicClock.now()
        var last: [Extraction] = []
        for _ in 0..<`repeat` {
            last = texts.map { session.extract($0) }
            totalBytes += texts.reduce(0) { $0 + $1.bytes.count }
        }
        let cpu = MonotonicClock.threadCPU() - start
        let wall = MonotonicClock.now() - wallStart
        if !noOutput {
            var out: [UInt8] = []
            for (i, e) in last.enumerated() {
                let r = CrawlResult(index: i, url: files[i], bytes: texts[i].bytes.count,
                                    error: e.error, matches: e.matches)
                out.removeAll(keepingCapacity: true)
                JSON.append(r, to: &out)
                out.append(UInt8(ascii: "\n"))
                out.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, StandardStreams.output) }
            }
            fflush(StandardStreams.output)
        }
        if stats {
            let mbps = cpu > 0 ? Double(totalBytes) / cpu / 1_000_000 : 0
            Console.error("extract: \(totalBytes) bytes in \(cpu) s = \(Int(mbps)) MB/s (cpu; wall \(wall) s)\n")
        }
    }

    static func isWARC(_ path: String) -> Bool {
        path.hasSuffix(".warc") || path.hasSuffix(".warc.gz")
    }

    /// One result per response record of every file (``Crawler/extract(warc:firstIndex:)``),
    /// indexes running on from file to file.
    static func extractWARC(_ files: [String], crawler: Crawler) throws {
        let sink = FileResultSink(descriptor: 1, format: .jsonl)
        var index = 0
        var damaged = false
        for path in files {
            do throws(TrawlError) {
                let results = try crawler.extract(warc: path, firstIndex: index)
                for r in results { try sink.write(r) }
                index = results.nextIndex
                if let e = results.error {
                    // The records before the damage are written; the next file is read.
                    damaged = true
                    Console.error("trawl extract: \(e.message)\n")
                }
            } catch {
                throw CLIError(error.message)
            }
        }
        do throws(TrawlError) { try sink.close() } catch { throw CLIError(error.message) }
        if damaged { throw ExitCode(1) }
    }

    static func readFile(_ path: String) throws(CLIError) -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            throw CLIError("cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
        }
        if ferror(f) != 0 { throw CLIError("error reading '\(path)'") }
        return bytes
    }
}
