// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
@testable import TrawlHTTP

/// The jar alone: Netscape lines in and out, the merge of concurrent transfers, the file.
@Suite struct CookieJarTests {
    static let now = 1_800_000_000
    static let live = "example.com\tFALSE\t/\tFALSE\t0\tsession\tone"
    static let later = ".example.com\tTRUE\t/docs\tTRUE\t1900000000\tlater\ttwo"
    static let httpOnly = "#HttpOnly_example.com\tFALSE\t/\tFALSE\t0\thidden\tthree"
    static let expired = "example.com\tFALSE\t/\tFALSE\t1700000000\told\tgone"

    @Test func parseKeepsCookiesAndCountsOtherLines() {
        let text = """
            # Netscape HTTP Cookie File
            # a comment

            \(Self.live)
            \(Self.later)\r
            \(Self.httpOnly)
            \(Self.expired)
            only\tthree\tfields
            example.com\tMAYBE\t/\tFALSE\t0\tn\tv
            example.com\tFALSE\t/\tFALSE\tsoon\tn\tv
            example.com\tFALSE\tnoslash\tFALSE\t0\tn\tv
            Set-Cookie: a=b
            """
        let (lines, skipped) = CookieJar.parse(text, now: Self.now)
        #expect(lines == [Self.live, Self.later, Self.httpOnly])
        #expect(skipped == 5)
        let jar = CookieJar(text: text, now: Self.now)
        #expect(jar.lines == [Self.httpOnly, Self.later, Self.live].sorted())
        #expect(jar.skippedLines == 5)
    }

    @Test func mergeKeepsWhatOtherTransfersChanged() {
        let jar = CookieJar(text: Self.live + "\n" + Self.later, now: Self.now)
        let before = jar.lines
        // Transfer 1 changes `session`; transfer 2, which started with the same jar, deletes
        // `session` and `later` and sets `new`: its deletion of `session` loses to the change.
        let changed = "example.com\tFALSE\t/\tFALSE\t0\tsession\tchanged"
        jar.merge(before: before, after: [changed, Self.later])
        let added = "example.com\tFALSE\t/\tFALSE\t0\tnew\tfour"
        jar.merge(before: before, after: [added])
        #expect(jar.lines == [added, changed].sorted())
        // The domain is compared without case and without the #HttpOnly_ prefix.
        jar.merge(before: [], after: ["#HttpOnly_EXAMPLE.com\tFALSE\t/\tFALSE\t0\tnew\tfive"])
        #expect(jar.lines.count == 2)
        #expect(jar.lines.contains("#HttpOnly_EXAMPLE.com\tFALSE\t/\tFALSE\t0\tnew\tfive"))
    }

    @Test func saveWritesLiveCookiesThatLoadBack() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/jar.txt"
        let jar = CookieJar(text: [Self.live, Self.later, Self.httpOnly].joined(separator: "\n"), now: Self.now)
        // `later` expires at 1900000000: saved at an earlier time it stays, later it goes.
        try jar.save(to: file, now: Self.now)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("# Netscape HTTP Cookie File\n"))
        #expect(text.hasSuffix([Self.httpOnly, Self.later, Self.live].sorted().map { $0 + "\n" }.joined()))
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try CookieJar(file: file).lines == jar.lines)
        try jar.save(to: file, now: 1_950_000_000)
        #expect(try CookieJar(file: file).lines == [Self.httpOnly, Self.live].sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["jar.txt"])
    }

    @Test func fileErrorsNameTheFile() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CookieJar(file: dir + "/missing.txt").lines.isEmpty)
        for (name, bytes, code) in [("binary.txt", [UInt8]([0x41, 0, 0x42]), ErrorCode.invalidArgument),
                                    ("latin1.txt", [0x63, 0xE9, 0x0A], .invalidArgument)] {
            let path = dir + "/" + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            #expect(throws: TrawlError.self) { try CookieJar(file: path) }
            do { _ = try CookieJar(file: path) } catch {
                #expect(error.code == code)
                #expect(error.message.contains(path), "\(error.message)")
            }
        }
        // A directory exists but cannot be read as a file.
        do {
            _ = try CookieJar(file: dir)
            Issue.record("a directory was read as a cookie file")
        } catch {
            #expect(error.code == .io && error.message.contains("cookie_file: cannot read \(dir)"), "\(error.message)")
        }
        do {
            try CookieJar().save(to: dir + "/no/such/dir/jar.txt")
            Issue.record("saved into a missing directory")
        } catch {
            #expect(error.code == .io && error.message.contains(dir + "/no/such/dir/jar.txt"))
        }
    }

    @Test func forBatchFollowsTheOptions() throws {
        var o = CrawlOptions()
        #expect(try CookieJar.forBatch(o) == nil)
        try o.set("cookie_file", .string(""))
        #expect(try CookieJar.forBatch(o) == nil)
        try o.set("cookies", .int(1))
        #expect(try CookieJar.forBatch(o)?.lines == [])
    }

    static func directory() throws -> String {
        let dir = NSTemporaryDirectory() + "trawl-cookies-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
