// SPDX-License-Identifier: Apache-2.0

/// A parsed JSON value: what the journal reads back. Numbers keep their text, so that an
/// integer never passes through a `Double` and a millisecond count re-renders as written.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order (JSON allows repeated names; the first one wins in lookups).
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member called `name` of an object.
    public subscript(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var int: Int? { if case .number(let n) = self { Int(n) } else { nil } }
    public var double: Double? { if case .number(let n) = self { Double(n) } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var isNull: Bool { self == .null }

    /// Parses one complete JSON text (RFC 8259), nothing but white space around it.
    /// - Returns: nil for anything that is not exactly one JSON value (a torn line, say).
    public static func parse(_ bytes: ArraySlice<UInt8>) -> JSONValue? {
        var p = JSONParser(bytes)
        guard let v = p.value(depth: 0) else { return nil }
        p.skipSpace()
        return p.atEnd ? v : nil
    }
}

/// A recursive-descent parser over UTF-8 bytes; nesting is bounded so that a hostile file
/// cannot exhaust the stack.
private struct JSONParser {
    let bytes: ArraySlice<UInt8>
    var i: Int
    static let maxDepth = 64

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        i = bytes.startIndex
    }

    var atEnd: Bool { i >= bytes.endIndex }

    mutating func skipSpace() {
        while i < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    mutating func literal(_ word: String) -> Bool {
        for b in word.utf8 {
            guard i < bytes.endIndex, bytes[i] == b else { return false }
            i += 1
        }
        return true
    }

    mutating func value(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth else { return nil }
        skipSpace()
        guard i < bytes.endIndex else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                guard let v = value(depth: depth + 1) else { return nil }
                items.append(v)
                skipSpace()
                guard i < bytes.endIndex else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard bytes[i] == UInt8(ascii: "]") else { return nil }
                i += 1
                return .array(items)
            }
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\""), let name = string() else { return nil }
                skipSpace()
                guard i < bytes.endIndex, bytes[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let v = value(depth: depth + 1) else { return nil }
                members.append((name, v))
                skipSpace()
                guard i < bytes.endIndex else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard bytes[i] == UInt8(ascii: "}") else { return nil }
                i += 1
                return .object(members)
            }
        default:
            return number()
        }
    }

    mutating func number() -> JSONValue? {
        let start = i
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < bytes.endIndex, let b = Optional(bytes[i]),
              (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
            i += 1
            digits += 1
        }
        guard digits > 0 else { return nil }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        return Double(text) == nil ? nil : .number(text)
    }

    /// A string literal; `i` is at its opening quote.
    mutating func string() -> String? {
        i += 1
        var out: [UInt8] = []
        var runStart = i
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[runStart..<i])
                i += 1
                return String(validating: out, as: UTF8.self)
            }
            if b < 0x20 { return nil }
            guard b == UInt8(ascii: "\\") else { i += 1; continue }
            out.append(contentsOf: bytes[runStart..<i])
            i += 1
            guard i < bytes.endIndex else { return nil }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by its low half.
                    guard literal("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: String(Character(u)).utf8)
            default: return nil
            }
            runStart = i
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.endIndex else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
