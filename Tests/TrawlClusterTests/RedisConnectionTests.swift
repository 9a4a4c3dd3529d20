// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
import TrawlRedis

/// TrawlRedis against a real `redis-server` started by each test.
@Suite struct RedisURLTests {
    @Test func parsesEveryPart() throws {
        let u = try RedisURL(parsing: "redis://alice:s%40cret:x@10.0.0.5:6380/3")
        #expect(u.host == "10.0.0.5")
        #expect(u.port == 6380)
        #expect(u.user == "alice")
        #expect(u.password == "s@cret:x")
        #expect(u.db == 3)
        let d = try RedisURL(parsing: "redis://localhost")
        #expect(d == RedisURL(host: "localhost", port: 6379, user: nil, password: nil, db: 0))
        let p = try RedisURL(parsing: "redis://:pw@[::1]:7000/")
        #expect(p.host == "::1" && p.port == 7000 && p.user == nil && p.password == "pw" && p.db == 0)
        #expect(try RedisURL(parsing: "redis://pw@h").password == "pw")
    }

    @Test func rejectsBadURLsWithoutEchoingThePassword() {
        for bad in ["http://h", "rediss://h", "redis://", "redis://h:0", "redis://h:70000",
                    "redis://h:port", "redis://h/x", "redis://[::1", "redis://:p%zz@h"] {
            #expect(throws: TrawlError.self, "\(bad)") { try RedisURL(parsing: bad) }
        }
        do {
            _ = try RedisURL(parsing: "redis://:topsecret@h:notaport")
            Issue.record("accepted a bad port")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(!error.message.contains("topsecret"))
        }
    }

    @Test func descriptionHidesThePassword() throws {
        let u = try RedisURL(parsing: "redis://bob:hunter2@h:1/2")
        #expect(u.description == "redis://bob:***@h:1/2")
        #expect(!u.description.contains("hunter2"))
        #expect(u.redact("x hunter2 y hunter2") == "x *** y ***")
    }
}

@Suite(.serialized) struct RedisConnectionTests {
    @Test func commandsAreBinarySafeAndRepliesTyped() throws {
        let server = try RedisServer()
        let c = try RedisConnection(url: try RedisURL(parsing: server.url), timeout: 5)
        let blob: [UInt8] = [0, 13, 10, 255, 36, 42, 0, 1]
        #expect(try c.command(["SET", RedisArgument([0, 1, 2]), RedisArgument(blob)]) == .status("OK"))
        #expect(try c.command(["GET", RedisArgument([0, 1, 2])]) == .bulk(blob))
        #expect(try c.command(["GET", "missing"]) == .null)
        #expect(try c.command(["INCRBY", "n", 41]) == .integer(41))
        #expect(try c.command(["SET", "e", ""]) == .status("OK"))
        #expect(try c.command(["GET", "e"]) == .bulk([]))
        #expect(try c.command(["RPUSH", "l", "a", "b"]) == .integer(2))
        #expect(try c.command(["LRANGE", "l", 0, -1]) == .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8))]))
        let err = try c.command(["INCR", "l"])
        #expect(err.errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(try c.command(["PING"]) == .status("PONG"), "an error reply leaves the connection usable")
        #expect(server.cli("GET", "e") == "")
    }

    @Test func pipelineKeepsOrderAndPerCommandErrors() throws {
        let server = try RedisServer()
        let c = try RedisConnection(url: try RedisURL(parsing: server.url), timeout: 5)
        var cmds: [[RedisArgument]] = (0..<2000).map { ["RPUSH", "q", RedisArgument($0)] }
        cmds.insert(["BOGUSCOMMAND"], at: 1000)
        let replies = try c.pipeline(cmds)
        #expect(replies.count == 2001)
        #expect(replies[0] == .integer(1))
        #expect(replies[1000].errorMessage?.contains("unknown command") == true)
        #expect(replies[2000] == .integer(2000))
        #expect(server.cli("LLEN", "q") == "2000")
        #expect(throws: TrawlError.self) { try c.pipeline([[]]) }
    }

    @Test func streamsRoundTrip() throws {
        let server = try RedisServer()
        let c = try RedisConnection(url: try RedisURL(parsing: server.url), timeout: 5)
        #expect(try c.command(["XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"]) == .status("OK"))
        #expect(try c.command(["XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"]).errorMessage?.hasPrefix("BUSYGROUP") == true)
        let id = try c.command(["XADD", "s", "*", "u", RedisArgument([0xff, 0])])
        #expect(id.string?.contains("-") == true)
        let read = try c.command(["XREADGROUP", "GROUP", "g", "w1", "COUNT", 10, "BLOCK", 100, "STREAMS", "s", ">"])
        let entry = read.array?.first?.array?[1].array?.first?.array
        #expect(entry?[0] == id)
        #expect(entry?[1] == .array([.bulk(Array("u".utf8)), .bulk([0xff, 0])]))
        // Nothing new: a blocking read ends with nil after its block time.
        #expect(try c.command(["XREADGROUP", "GROUP", "g", "w1", "COUNT", 10, "BLOCK", 50, "STREAMS", "s", ">"]) == .null)
    }

    @Test func selectsTheDatabase() throws {
        let server = try RedisServer()
        let c = try RedisConnection(url: try RedisURL(parsing: server.url + "/2"), timeout: 5)
        _ = try c.command(["SET", "k", "in-db-2"])
        #expect(server.cli("-n", "2", "GET", "k") == "in-db-2")
        #expect(server.cli("GET", "k") == "")
        #expect(throws: TrawlError.self) { try RedisConnection(url: try RedisURL(parsing: server.url + "/99"), timeout: 5) }
    }

    @Test func passwordsAndACLUsers() throws {
        let server = try RedisServer(password: "right-pass")
        let good = try RedisConnection(url: try RedisURL(parsing: server.url), timeout: 5)
        #expect(try good.command(["PING"]) == .status("PONG"))
        _ = try good.command(["ACL", "SETUSER", "crawler", "on", ">user-pass", "~*", "+@all"])
        let user = try RedisConnection(url: try RedisURL(parsing: "redis://crawler:user-pass@127.0.0.1:\(server.port)"), timeout: 5)
        #expect(try user.command(["PING"]) == .status("PONG"))

        for (url, hint) in [("redis://:wrong-pass@127.0.0.1:\(server.port)", "WRONGPASS"),
                            ("redis://crawler:wrong-pass@127.0.0.1:\(server.port)", "WRONGPASS"),
                            ("redis://127.0.0.1:\(server.port)", "NOAUTH")] {
            do {
                _ = try RedisConnection(url: try RedisURL(parsing: url), timeout: 5)
                Issue.record("connected to \(url)")
            } catch {
                #expect(error.code == .backendUnavailable)
                #expect(error.message.contains(hint), "\(error.message)")
                #expect(!error.message.contains("wrong-pass") && !error.message.contains("right-pass"))
            }
        }
    }

    @Test func unreachableAndSilentServersFailWithinTheTimeout() throws {
        let port = try RedisServer.freePort()
        let start = Date()
        do {
            _ = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: port), timeout: 2)
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.code == .backendUnavailable)
            #expect(error.message.contains("127.0.0.1:\(port)"), "\(error.message)")
        }
        // A listener that accepts (the kernel does, from the backlog) but never answers.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len); return getsockname(fd, $0, &len) }
        }
        listen(fd, 4)
        let silent = Int(UInt16(bigEndian: addr.sin_port))
        do {
            _ = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: silent), timeout: 0.5)
            Issue.record("a silent server answered")
        } catch {
            #expect(error.code == .backendUnavailable)
            #expect(error.message.contains("no reply within 0.5 s"), "\(error.message)")
        }
        #expect(Date().timeIntervalSince(start) < 30, "neither attempt hung")
    }

    @Test func aServerThatGoesAwayGivesErrorsThenReconnects() throws {
        let server = try RedisServer(password: "pw-123")
        let c = try RedisConnection(url: try RedisURL(parsing: server.url), timeout: 2)
        _ = try c.command(["SET", "a", "1"])
        server.stop()
        // Two writes: the first may only provoke a reset, the second meets EPIPE (SIGPIPE
        // must not end the test process).
        for _ in 0..<2 {
            do {
                _ = try c.command(["GET", "a"])
                Issue.record("a dead server answered")
            } catch {
                #expect(error.code == .backendUnavailable)
                #expect(!error.message.contains("pw-123"))
            }
        }
        #expect(c.isBroken)
        #expect(throws: TrawlError.self) { try c.reconnect() }
        try server.start()
        try c.reconnect()
        #expect(!c.isBroken)
        #expect(try c.command(["PING"]) == .status("PONG"))
    }
}
