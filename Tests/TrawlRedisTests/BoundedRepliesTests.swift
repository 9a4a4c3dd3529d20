// SPDX-License-Identifier: Apache-2.0
import CHiredis
import Foundation
import Testing
import TrawlCore
@testable import TrawlRedis

/// The process's virtual size (`/proc/self/statm`): a large calloc is an mmap that counts
/// here at once, although its pages are not touched. Other tests running in parallel move
/// it too, which is why the bounds below are 1 GiB against the 2.2 GB of the unbounded reader.
private func virtualSize() throws -> Int {
    let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
    let pages = try #require(statm.split(separator: " ").first.flatMap { Int($0) })
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Every complete reply in `bytes`, read by `reader` (which is freed).
private func replies(_ bytes: [UInt8], _ reader: UnsafeMutablePointer<redisReader>?) throws -> [RedisReply] {
    let reader = try #require(reader)
    defer { redisReaderFree(reader) }
    let fed = bytes.withUnsafeBytes { redisReaderFeed(reader, $0.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count) }
    try #require(fed == REDIS_OK)
    var out: [RedisReply] = []
    while true {
        var raw: UnsafeMutableRawPointer? = nil
        guard redisReaderGetReply(reader, &raw) == REDIS_OK, let raw else { return out }
        out.append(RedisConnection.convert(raw.assumingMemoryBound(to: redisReply.self)))
        freeReplyObject(raw)
    }
}

private func resp(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite struct BoundedRepliesTests {
    /// Found by FuzzRedisReplies: hiredis's own reply functions calloc the element vector an
    /// array header declares (`*277777777` is 2.2 GB) before a single element has arrived.
    @Test func declaredArrayLengthsAllocateOnlyWhatArrives() throws {
        let reader = try #require(BoundedReplies.makeReader())
        defer { redisReaderFree(reader) }
        let before = try virtualSize()
        let bytes = resp("*277777777\r\n*2147483647\r\n$3\r\nabc\r\n:1\r\n*-1\r\n")
        _ = bytes.withUnsafeBytes { redisReaderFeed(reader, $0.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count) }
        var raw: UnsafeMutableRawPointer? = nil
        #expect(redisReaderGetReply(reader, &raw) == REDIS_OK)
        #expect(raw == nil, "the arrays are incomplete")
        let grown = try virtualSize() - before
        #expect(grown < 1 << 30, "\(grown) bytes allocated for 49 bytes of replies")
        // The reader frees the partial tree (ASan and valgrind see a leak or a bad free here).
    }

    /// The replies are the ones hiredis's own functions build: arrays across the vector's
    /// growth steps (8, 16, ...), nested, with nil elements, and every scalar type.
    @Test func repliesAreTheSameAsHiredisOwn() throws {
        var stream = "+OK\r\n-ERR no\r\n:-42\r\n$0\r\n\r\n$-1\r\n*0\r\n*-1\r\n$5\r\na\u{0}b\r\n\r\n"
        for count in [1, 7, 8, 9, 16, 17, 1000] {
            stream += "*\(count)\r\n" + (0..<count).map { i in
                i % 3 == 0 ? ":\(i)\r\n" : i % 3 == 1 ? "$-1\r\n" : "*2\r\n$1\r\nx\r\n*1\r\n+in\r\n"
            }.joined()
        }
        stream += "*3\r\n*3\r\n*3\r\n:1\r\n:2\r\n:3\r\n*0\r\n$1\r\ny\r\n*1\r\n*1\r\n*1\r\n-deep\r\n:9\r\n"
        let bytes = resp(stream)
        let theirs = try replies(bytes, redisReaderCreate())
        #expect(theirs.count == 16)
        #expect(try replies(bytes, BoundedReplies.makeReader()) == theirs)
        // Fed one byte at a time, as a slow socket would.
        let reader = try #require(BoundedReplies.makeReader())
        defer { redisReaderFree(reader) }
        var mine: [RedisReply] = []
        for byte in bytes {
            var b = CChar(bitPattern: byte)
            try #require(redisReaderFeed(reader, &b, 1) == REDIS_OK)
            var raw: UnsafeMutableRawPointer? = nil
            try #require(redisReaderGetReply(reader, &raw) == REDIS_OK)
            if let raw {
                mine.append(RedisConnection.convert(raw.assumingMemoryBound(to: redisReply.self)))
                freeReplyObject(raw)
            }
        }
        #expect(mine == theirs)
    }

    /// A connection (what the cluster backend uses) reads with the bounded functions: a
    /// server answering a command with a huge array header and nothing more costs a timeout,
    /// not gigabytes.
    @Test func aConnectionReadsHugeArrayHeadersWithinBoundedMemory() throws {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", """
            import socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
            print(s.getsockname()[1], flush=True)
            c, _ = s.accept(); s.settimeout(10); c.settimeout(10)
            c.recv(4096); c.sendall(b"+PONG\\r\\n")
            c.recv(4096); c.sendall(b"*277777777\\r\\n:1\\r\\n")
            try:
                c.recv(4096)
            except OSError:
                pass
            """]
        let out = Pipe()
        server.standardOutput = out
        server.standardInput = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var line: [UInt8] = []
        while let byte = try out.fileHandleForReading.read(upToCount: 1)?.first, byte != 10 { line.append(byte) }
        let port = try #require(Int(String(decoding: line, as: UTF8.self)))

        let connection = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: port), timeout: 0.5)
        let before = try virtualSize()
        #expect(throws: TrawlError.self) { _ = try connection.command(["GET", "k"]) }
        let grown = try virtualSize() - before
        #expect(grown < 1 << 30, "\(grown) bytes allocated for a 14-byte reply")
        #expect(connection.isBroken)
    }
}
