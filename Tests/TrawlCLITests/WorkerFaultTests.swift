// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlTestSupport

/// Worker executables that are broken from the start, and workers whose host goes away.
extension CLITests {
    /// Writes an executable shell script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = NSTemporaryDirectory() + "trawl-\(name)-\(UUID().uuidString)"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test(arguments: [("exit0", "exit 0", "exited with status 0"),
                      ("segv", "kill -SEGV $$", "killed by signal 11 (SIGSEGV)"),
                      ("garbage", "printf 'not a frame'; sleep 1", "after sending a corrupt frame")])
    func aBrokenWorkerIsAlwaysBackendUnavailable(name: String, body: String, how: String) throws {
        let worker = try script(name, body)
        defer { try? FileManager.default.removeItem(atPath: worker) }
        let urls = (0..<24).map { server.url("/corpus/x\($0).html") }
        for _ in 0..<3 {
            let run = try trawl(["crawl", "--backend", "process", "-j", "4"] + urls,
                                environment: ["TRAWL_WORKER": worker])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.lines.count == urls.count)
            for line in run.lines {
                let error = line["error"] as? [String: Any]
                #expect(error?["code"] as? String == "backend_unavailable", "\(line)")
                let message = error?["message"] as? String ?? ""
                #expect(message.contains(how) && message.contains("before it was ready"), "\(message)")
            }
        }
    }

    @Test func aWorkerStaysQuietWhenItsHostEndsWithFramesUnread() throws {
        var fds: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Products.path("trawl-cli"))
        p.arguments = ["worker", "--pipe"]
        let end = FileHandle(fileDescriptor: fds[1], closeOnDealloc: false)
        p.standardInput = end
        p.standardOutput = end
        let err = Pipe()
        p.standardError = err
        try p.run()
        close(fds[1])
        // The worker's ready frame arrives and is left unread: closing now resets the socket.
        var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 10_000) == 1)
        close(fds[0])
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.isEmpty, "\(stderr)")
        #expect(p.terminationStatus == 0)
    }
}
