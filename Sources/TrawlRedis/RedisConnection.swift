// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// A blocking connection to one Redis server: hiredis's `redisContext`, with `AUTH` and
/// `SELECT` done on connect, argv commands and pipelines, and errors turned into
/// ``TrawlError``s (`backend_unavailable`) whose messages never contain the password.
///
/// This is the only type in trawl that touches hiredis memory. Like the context it wraps, a
/// connection belongs to one thread at a time (it is deliberately not `Sendable`).
///
/// After an I/O error (the server went away, a reply took longer than the timeout) hiredis
/// marks the context unusable: every later call throws until ``reconnect()`` succeeds.
public final class RedisConnection {
    /// Where this connection goes.
    public let url: RedisURL
    /// Seconds allowed for connecting and for each reply.
    public private(set) var timeout: Double
    /// The hiredis context; nil after a failed reconnect. Owned: freed with `redisFree`.
    private var context: UnsafeMutablePointer<redisContext>?
    private var broken = false

    /// Connects (`redisConnectWithTimeout`), sets the reply timeout (`redisSetTimeout`),
    /// authenticates (`AUTH [user] password`) and selects the database (`SELECT db`).
    /// - Parameters:
    ///   - url: the server; its password is sent only in `AUTH`.
    ///   - timeout: seconds for connecting and for every reply (> 0).
    /// - Throws: `backend_unavailable` when the server cannot be reached, refuses the
    ///   password or the database, or does not answer in time.
    public init(url: RedisURL, timeout: Double) throws(TrawlError) {
        self.url = url
        self.timeout = timeout > 0 && timeout.isFinite ? timeout : 5
        try open()
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Whether the last call failed at the connection level; calls throw until
    /// ``reconnect()`` succeeds.
    public var isBroken: Bool { broken || context == nil }

    /// Drops the current connection and opens a new one, with `AUTH` and `SELECT` again.
    /// - Throws: as ``init(url:timeout:)``.
    public func reconnect() throws(TrawlError) {
        if let context { redisFree(context) }
        context = nil
        try open()
    }

    /// Changes the reply timeout (`redisSetTimeout`); a blocking command such as
    /// `XREAD BLOCK ms` needs a timeout longer than its block time.
    /// - Throws: `invalid_argument` for a non-positive value, `backend_unavailable` if the
    ///   socket refuses it.
    public func setTimeout(_ seconds: Double) throws(TrawlError) {
        guard seconds > 0, seconds.isFinite else {
            throw TrawlError(.invalidArgument, "a Redis timeout must be a positive number of seconds")
        }
        timeout = seconds
        guard let context else { throw notConnected() }
        guard redisSetTimeout(context, Self.timeval(seconds)) == REDIS_OK else {
            throw failure("cannot set the reply timeout")
        }
    }

    /// Sends one command and waits for its reply (`redisCommandArgv`).
    /// - Returns: the reply; an error reply is returned as ``RedisReply/error(_:)``, not thrown.
    /// - Throws: `backend_unavailable` on a connection error or a reply later than ``timeout``.
    public func command(_ args: [RedisArgument]) throws(TrawlError) -> RedisReply {
        let replies = try pipeline([args])
        return replies.first ?? .null
    }

    /// Sends several commands in one write and reads their replies in order
    /// (`redisAppendCommandArgv` for each, then `redisGetReply` for each): one round trip
    /// for the lot, which is what keeps Redis overhead per URL small.
    /// - Returns: one reply per command, error replies included.
    /// - Throws: `backend_unavailable` on a connection error; the replies of that pipeline
    ///   are then unknown (some commands may have run).
    public func pipeline(_ commands: [[RedisArgument]]) throws(TrawlError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        guard let context, !broken else { throw notConnected() }
        guard !commands.contains(where: \.isEmpty) else {
            throw TrawlError(.invalidArgument, "a Redis command needs at least its name")
        }
        for args in commands {
            let rc = Self.withArgv(args) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard rc == REDIS_OK else { throw failure("cannot queue a command") }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer? = nil
            // redisGetReply flushes the output buffer first: that write is where a vanished
            // server raises SIGPIPE, which must not kill the host process.
            let rc = SigpipeGuard.run { redisGetReply(context, &raw) }
            guard rc == REDIS_OK, let raw else { throw failure("no reply") }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.convert(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    // MARK: - Private

    private func open() throws(TrawlError) {
        broken = false
        // hiredis resolves and connects itself; connect() is bounded by the timeout, the
        // name lookup (getaddrinfo) is not, which is why a numeric address is preferable.
        guard let c = redisConnectWithTimeout(url.host, Int32(url.port), Self.timeval(timeout)) else {
            throw TrawlError(.outOfMemory, "cannot allocate a Redis context")
        }
        context = c
        if trawl_redis_err(c) != 0 {
            let reason = String(cString: trawl_redis_errstr(c))
            redisFree(c)
            context = nil
            throw TrawlError(.backendUnavailable, url.redact("cannot connect to Redis at \(url.address) within \(Self.seconds(timeout)): \(reason)"))
        }
        // Before the first reply: array headers must not allocate what they merely declare.
        BoundedReplies.install(on: c)
        _ = redisEnableKeepAlive(c)
        try setTimeout(timeout)
        if let password = url.password {
            var args: [RedisArgument] = ["AUTH"]
            if let user = url.user { args.append(RedisArgument(user)) }
            args.append(RedisArgument(password))
            if let e = try command(args).errorMessage {
                let who = url.user.map { " for user '\($0)'" } ?? ""
                throw TrawlError(.backendUnavailable, url.redact("Redis at \(url.address) refused AUTH\(who): \(e)"))
            }
        }
        // PING tells a server that wants a password apart from one that does not, at
        // connect time rather than at the first real command.
        if let e = try command(["PING"]).errorMessage {
            throw TrawlError(.backendUnavailable, url.redact("Redis at \(url.address) refused PING: \(e)"
                + (e.hasPrefix("NOAUTH") ? " (give the password in the URL: redis://:PASSWORD@host:port)" : "")))
        }
        if url.db != 0, let e = try command(["SELECT", RedisArgument(url.db)]).errorMessage {
            throw TrawlError(.backendUnavailable, url.redact("Redis at \(url.address) refused SELECT \(url.db): \(e)"))
        }
    }

    private func notConnected() -> TrawlError {
        TrawlError(.backendUnavailable, "not connected to Redis at \(url.address) (a previous call failed)")
    }

    /// The error for a failed hiredis call; the context is unusable afterwards.
    private func failure(_ what: String) -> TrawlError {
        broken = true
        let code = trawl_redis_err(context)
        var reason = String(cString: trawl_redis_errstr(context))
        if code == REDIS_ERR_IO && (reason.contains("temporarily unavailable") || reason.contains("timed out")) {
            reason = "no reply within \(Self.seconds(timeout))"
        } else if code == REDIS_ERR_EOF {
            reason = "the server closed the connection"
        }
        return TrawlError(.backendUnavailable, url.redact("Redis at \(url.address): \(what): \(reason)"))
    }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }

    private static func timeval(_ seconds: Double) -> Glibc.timeval {
        let whole = seconds.rounded(.down)
        return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }

    /// Lays the arguments out in one buffer and calls `body` with hiredis's
    /// `(argc, argv, argvlen)`. The pointers are valid only inside `body`, which is why the
    /// buffer is never stored.
    private static func withArgv<R>(
        _ args: [RedisArgument],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R? {
        var flat: [UInt8] = []
        flat.reserveCapacity(args.reduce(1) { $0 + $1.bytes.count })
        var offsets: [Int] = []
        offsets.reserveCapacity(args.count)
        for a in args {
            offsets.append(flat.count)
            flat.append(contentsOf: a.bytes)
        }
        flat.append(0)  // never empty, so the base address exists even for empty arguments
        let lengths = args.map(\.bytes.count)
        return flat.withUnsafeBufferPointer { buf -> R? in
            guard let raw = buf.baseAddress else { return nil }
            let base = UnsafeRawPointer(raw).assumingMemoryBound(to: CChar.self)
            var argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return lengths.withUnsafeBufferPointer { lens -> R? in
                argv.withUnsafeMutableBufferPointer { av -> R? in
                    guard let a = av.baseAddress, let l = lens.baseAddress else { return nil }
                    return body(Int32(args.count), a, l)
                }
            }
        }
    }

    /// Copies a hiredis reply tree into a ``RedisReply``.
    static func convert(_ r: UnsafePointer<redisReply>) -> RedisReply {
        let reply = r.pointee
        switch reply.type {
        case REDIS_REPLY_STRING:
            guard let str = reply.str else { return .bulk([]) }
            return .bulk(Array(UnsafeRawBufferPointer(start: str, count: reply.len)))
        case REDIS_REPLY_STATUS, REDIS_REPLY_ERROR:
            let text = reply.str.map {
                String(decoding: UnsafeRawBufferPointer(start: $0, count: reply.len), as: UTF8.self)
            } ?? ""
            return reply.type == REDIS_REPLY_STATUS ? .status(text) : .error(text)
        case REDIS_REPLY_INTEGER:
            return .integer(Int(reply.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = reply.element else { return .array([]) }
            var out: [RedisReply] = []
            out.reserveCapacity(reply.elements)
            for i in 0..<reply.elements {
                if let e = elements[i] { out.append(convert(e)) } else { out.append(.null) }
            }
            return .array(out)
        default:
            return .null
        }
    }
}
