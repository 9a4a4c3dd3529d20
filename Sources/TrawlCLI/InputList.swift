// SPDX-License-Identifier: Apache-2.0

import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the CLI's inputs: URLs given as arguments, files of URLs, or `-` for stdin.
enum InputList {
    /// The URLs named by `arguments`, in order.
    ///
    /// An argument containing `://` is a URL; `-` is standard input; anything else is a file
    /// with one URL per line. In files, blank lines and lines starting with `#` are skipped;
    /// every other line is an input and will get a result, even if it is not a valid URL. A
    /// UTF-8 byte order mark at the start of a file or of standard input (Windows Notepad
    /// writes one) is skipped.
    static func read(_ arguments: [String]) throws(CLIError) -> [String] {
        var urls: [String] = []
        for arg in arguments {
            if arg.contains("://") {
                urls.append(arg)
            } else if arg == "-" {
                try readLines(from: StandardStreams.input, name: "standard input", into: &urls)
            } else {
                guard let f = fopen(arg, "r") else {
                    throw CLIError("cannot read URL list '\(arg)': \(String(cString: strerror(errno)))")
                }
                defer { fclose(f) }
                try readLines(from: f, name: arg, into: &urls)
            }
        }
        return urls
    }

    private static func readLines(from f: UnsafeMutablePointer<FILE>, name: String,
                                  into urls: inout [String]) throws(CLIError) {
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        var first = true
        while true {
            let n = getline(&line, &capacity, f)
            if n < 0 { break }
            guard let line else { break }
            var bytes = UnsafeRawBufferPointer(start: line, count: n)
            if first {
                first = false
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let trimmed = trim(text)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            urls.append(trimmed)
        }
        if ferror(f) != 0 {
            throw CLIError("error reading \(name): \(String(cString: strerror(errno)))")
        }
    }

    static func trim(_ s: String) -> String {
        var sub = Substring(s)
        while let c = sub.first, c.isWhitespace { sub.removeFirst() }
        while let c = sub.last, c.isWhitespace { sub.removeLast() }
        return String(sub)
    }
}

/// An error the CLI reports with a one-line message and a non-zero exit status.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// stdio streams over file descriptors 0 and 1 for the CLI's buffered I/O. The C globals
/// `stdin`/`stdout` are shared mutable state Swift 6 will not touch; these are opened once and
/// used only by the command's own thread.
enum StandardStreams {
    nonisolated(unsafe) static let input: UnsafeMutablePointer<FILE> = open(0, "r")
    nonisolated(unsafe) static let output: UnsafeMutablePointer<FILE> = open(1, "w")

    private static func open(_ fd: Int32, _ mode: String) -> UnsafeMutablePointer<FILE> {
        if let f = fdopen(fd, mode) { return f }
        // fd closed by the parent: read nothing, write nowhere, rather than crash.
        let null = Glibc.open("/dev/null", mode == "r" ? O_RDONLY : O_WRONLY)
        if let f = fdopen(null, mode) { return f }
        Console.error("trawl: cannot open standard stream \(fd)\n")
        exit(70)
    }
}
