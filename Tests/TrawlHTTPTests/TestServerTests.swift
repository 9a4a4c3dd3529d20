// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlTestSupport

/// The shared test server itself, checked with the curl CLI so that a broken server is told
/// apart from a broken TrawlHTTP.
@Suite struct TestServerTests {
    @Test func startsAndServesTheCorpus() throws {
        let server = TestServer.shared
        #expect(server.port > 0)
        let page = try #require(Corpus.pages.first)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", server.corpusURL(page)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect([UInt8](data) == Corpus.bytes(page))
        #expect(Corpus.pages.count >= 100)
        if let ca = server.caFile { #expect(FileManager.default.fileExists(atPath: ca)) }
    }
}
