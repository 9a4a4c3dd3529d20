// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// Runs python3 as the oracle: `script` reads `input` on stdin and writes its answer to stdout.
func runPython(_ script: String, input: [UInt8] = []) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Write on another thread so that a large answer cannot deadlock against a large input.
    let writer = Thread {
        stdin.fileHandleForWriting.write(Data(input))
        try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw OracleError(message: String(decoding: errors, as: UTF8.self))
    }
    return [UInt8](output)
}

struct OracleError: Error, CustomStringConvertible {
    var message: String
    var description: String { "python3 failed: \(message)" }
}

/// Many byte strings in one python3 run: they go in as hex lines, and `expression` (over the
/// bytes `b`) must give a str; its UTF-8 comes back as hex lines.
func pythonDecodeAll(_ inputs: [[UInt8]], expression: String, prelude: String = "") throws -> [String] {
    let script = """
    import sys
    \(prelude)
    for line in sys.stdin.read().split('\\n')[:-1]:
        b = bytes.fromhex(line)
        sys.stdout.write((\(expression)).encode('utf-8').hex() + '\\n')
    """
    let input = inputs.map { hex($0) + "\n" }.joined()
    let lines = String(decoding: try runPython(script, input: Array(input.utf8)), as: UTF8.self)
        .split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    return lines.map { String(decoding: unhex($0), as: UTF8.self) }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

func unhex(_ text: Substring) -> [UInt8] {
    var out: [UInt8] = []
    var iterator = text.utf8.makeIterator()
    while let hi = iterator.next(), let lo = iterator.next() {
        func v(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        out.append(v(hi) << 4 | v(lo))
    }
    return out
}

/// The text's code points as hex, for readable failure messages.
func codePoints(_ s: String) -> String {
    s.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
}

/// The corpus directory: env TRAWL_CORPUS, else `<package root>/../shared/corpus/readability`.
func corpusDirectory() -> URL {
    if let path = ProcessInfo.processInfo.environment["TRAWL_CORPUS"] {
        return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/corpus/readability").standardized
}
