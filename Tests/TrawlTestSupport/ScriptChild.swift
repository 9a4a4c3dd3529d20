// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A Python server script of the tests run as a child process that dies with this process:
/// its stdin is a pipe whose write end this process holds and never writes, so the script
/// sees EOF however this process ends; its first stdout lines say where it listens.
///
/// `@unchecked Sendable`: immutable after `init`; `process` and `stdin` are only kept alive
/// (and `process` killed by ``stop()``).
final class ScriptChild: @unchecked Sendable {
    let process: Process
    private let stdin: FileHandle
    /// The first `lines` lines the script printed.
    let lines: [String]

    /// Runs `python3 script arguments...` and reads its first `lines` lines.
    init(_ script: String, _ arguments: [String], lines count: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        stdin = input.fileHandleForWriting
        lines = try TestServer.readLines(count, from: output.fileHandleForReading.fileDescriptor)
    }

    /// Ends the script now.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
