// SPDX-License-Identifier: Apache-2.0

/// One reply from Redis (RESP2, which hiredis 0.14 speaks), copied out of hiredis's
/// `redisReply` tree so that no C memory outlives the call.
public enum RedisReply: Sendable, Equatable {
    /// A bulk string: arbitrary bytes.
    case bulk([UInt8])
    /// A status line such as `OK`.
    case status(String)
    case integer(Int)
    case array([RedisReply])
    /// The nil bulk string or nil array (a missing key, an XREAD that timed out).
    case null
    /// An error reply (`ERR ...`, `WRONGPASS ...`, `BUSYGROUP ...`). In a pipeline each
    /// command's error stays in its own reply; the connection remains usable.
    case error(String)

    /// The bytes of a bulk string, or the text of a status, as a String.
    public var string: String? {
        switch self {
        case .bulk(let b): String(decoding: b, as: UTF8.self)
        case .status(let s): s
        default: nil
        }
    }

    /// The bytes of a bulk string.
    public var bytes: [UInt8]? {
        if case .bulk(let b) = self { return b }
        return nil
    }

    /// An integer reply, or a bulk string holding a decimal integer.
    public var int: Int? {
        switch self {
        case .integer(let n): n
        case .bulk(let b): Int(String(decoding: b, as: UTF8.self))
        default: nil
        }
    }

    /// The elements of an array reply.
    public var array: [RedisReply]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The message of an error reply.
    public var errorMessage: String? {
        if case .error(let e) = self { return e }
        return nil
    }

    public var isNull: Bool { self == .null }
}

/// One argument of a command: bytes, sent as they are (hiredis's argv form is binary-safe,
/// so a URL or an encoded result never goes through a format string).
public struct RedisArgument: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The argument's bytes.
    public var bytes: [UInt8]

    /// Raw bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// UTF-8 text.
    public init(_ text: String) { self.bytes = Array(text.utf8) }
    /// A decimal integer.
    public init(_ n: Int) { self.bytes = Array(String(n).utf8) }

    public init(stringLiteral value: String) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(value) }
}
