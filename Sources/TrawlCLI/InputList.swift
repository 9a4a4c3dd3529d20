// SPDX-License-Identifier: Apache-2.0

import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// The CLI's inputs, read as the batch has room for them: URLs given as arguments, files of
/// URLs, or `-` for standard input, so a list of any length is never held whole and results
/// are printed while standard input is still open.
///
/// An argument containing `://` is a URL; `-` is standard input; anything else is a file
/// with one URL per line. In files, blank lines and lines starting with `#` are skipped;
/// every other line is an input and will get a result, even if it is not a valid URL. A
/// UTF-8 byte order mark at the start of a file or of standard input (Windows Notepad
/// writes one) is skipped. A read error ends the input as `input_error`.
///
/// `@unchecked Sendable`: the batch's intake thread is the only caller of ``next()`` (one
/// call at a time, never after `.end` or `.failed`); the `FILE` handles are opened in `init`
/// and closed in `deinit`, when no call can be running.
final class InputList: URLSource, @unchecked Sendable {
    private enum Input {
        case url(String)
        case file(UnsafeMutablePointer<FILE>, name: String, owned: Bool)
    }
    private var inputs: [Input]
    private var current = 0
    private var first = true
    private var line: UnsafeMutablePointer<CChar>? = nil
    private var capacity = 0

    /// Opens every file named in `arguments` now, so that a missing one is a usage error
    /// before anything is crawled.
    init(_ arguments: [String]) throws(CLIError) {
        var inputs: [Input] = []
        for arg in arguments {
            if arg.contains("://") {
                inputs.append(.url(arg))
            } else if arg == "-" {
                inputs.append(.file(StandardStreams.input, name: "standard input", owned: false))
            } else {
                guard let f = fopen(arg, "r") else {
                    let message = "cannot read URL list '\(arg)': \(String(cString: strerror(errno)))"
                    for case .file(let f, _, true) in inputs { fclose(f) }
                    throw CLIError(message)
                }
                inputs.append(.file(f, name: arg, owned: true))
            }
        }
        self.inputs = inputs
        drainsOnCancel = inputs.allSatisfy { input in
            guard case .file(let f, _, _) = input else { return true }
            var st = stat()
            return fstat(fileno(f), &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        }
    }

    /// Arguments and regular files are the batch's whole input, read to the end on a cancel
    /// (a journal on a full disk, Ctrl-C) so that every URL they name gets its line; standard
    /// input or a pipe may block, and is not.
    let drainsOnCancel: Bool

    deinit {
        for case .file(let f, _, true) in inputs { fclose(f) }
        free(line)
    }

    func next() -> URLSourceItem {
        while current < inputs.count {
            switch inputs[current] {
            case .url(let u):
                current += 1
                return .url(u)
            case .file(let f, let name, _):
                while true {
                    let n = getline(&line, &capacity, f)
                    if n < 0 { break }
                    guard let line else { break }
                    var bytes = UnsafeRawBufferPointer(start: line, count: n)
                    if first {
                        first = false
                        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
                    }
                    let trimmed = Self.trim(String(decoding: bytes, as: UTF8.self))
                    if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                    return .url(trimmed)
                }
                if ferror(f) != 0 {
                    return .failed(TrawlError(.io, "error reading \(name): \(String(cString: strerror(errno)))"))
                }
                current += 1
                first = true
            }
        }
        return .end
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
