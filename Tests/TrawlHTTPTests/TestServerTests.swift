// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlTestSupport

/// The shared test server itself, checked with the curl CLI so that a broken server is told
/// apart from a broken TrawlHTTP.
@Suite struct TestServerTests {
    @Test func startsAndServesTheSite() throws {
        let server = TestServer.shared
        #expect(server.port > 0)
        let page = try #require(Site.page("013.html"))
        #expect(page.charset == "shift_jis")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", server.siteURL(page.name)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect([UInt8](data) == Site.bytes(page.name))
        #expect(Site.pages.count >= 100)
        if let ca = server.caFile { #expect(FileManager.default.fileExists(atPath: ca)) }
    }

    @Test func productsDirectoryHoldsTheBuild() {
        let dir = Products.directory
        #expect(FileManager.default.fileExists(atPath: dir + "/Modules") || FileManager.default
            .fileExists(atPath: dir + "/trawlPackageTests.xctest"), "\(dir)")
        #expect(productsDirectory == dir)
    }

    @Test func packageRootAndGeneratedSiteAreFound() {
        #expect(FileManager.default.fileExists(atPath: Corpus.packageRoot + "/Package.swift"))
        #expect(Site.pages.first?.name == "index.html")
        #expect(Site.pages.allSatisfy { Site.bytes($0.name) != nil && Site.text($0.name) != nil })
        #expect(Corpus.pages.allSatisfy { Corpus.bytes($0) != nil })
    }

    /// The generator's promises: every kind of charset declaration, pages Python cannot
    /// finish, and pages that link to each other.
    @Test func siteHasEveryKindOfPage() throws {
        let kinds = Set(Site.pages.map(\.kind))
        #expect(kinds == ["index", "utf-8", "header", "bom", "meta", "backtrack"])
        #expect(Set(Site.pages.map(\.charset)).count >= 10)
        #expect(Site.pages.filter { !$0.pythonSafe }.map(\.kind) == ["backtrack", "backtrack", "backtrack"])
        let text = try #require(Site.text("002.html"))
        #expect(text.contains(#"href="index.html""#) && text.contains(#"href="003.html""#))
    }
}
