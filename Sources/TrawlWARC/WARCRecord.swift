// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// One WARC record (ISO 28500, WARC/1.1): its named fields and its block.
public struct WARCRecord: Sendable {
    /// The header fields in order, `WARC-Type`, `WARC-Record-ID`, … (`Content-Length` is
    /// computed from ``block`` when written).
    public var fields: [(name: String, value: String)]
    /// The content block: for `response` and `request` records the HTTP message.
    public var block: [UInt8]

    public init(fields: [(name: String, value: String)], block: [UInt8]) {
        self.fields = fields
        self.block = block
    }

    /// The value of field `name` (case-insensitive), the first if repeated.
    public subscript(_ name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// `WARC-Type`.
    public var type: String? { self["WARC-Type"] }

    /// The record as bytes: version line, fields, `Content-Length`, a blank line, the block,
    /// and the two line ends that end a record.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = Array("WARC/1.1\r\n".utf8)
        for (name, value) in fields {
            out.append(contentsOf: "\(name): \(value)\r\n".utf8)
        }
        out.append(contentsOf: "Content-Length: \(block.count)\r\n\r\n".utf8)
        out.append(contentsOf: block)
        out.append(contentsOf: "\r\n\r\n".utf8)
        return out
    }
}

/// An HTTP/1.x message in a WARC block, split into its head and its payload.
public struct HTTPMessage: Sendable {
    /// The start line: `GET /x HTTP/1.1`, `HTTP/1.1 200 OK`.
    public var startLine: String
    public var headers: [(name: String, value: String)]
    /// The bytes after the head: the entity as it was received (content coding kept).
    public var payload: ArraySlice<UInt8>

    /// Splits `block` at the blank line that ends the head.
    /// - Returns: nil when there is no such line.
    public init?(block: [UInt8]) {
        guard let end = HTTPMessage.headEnd(block) else { return nil }
        let head = String(decoding: block[..<end.head], as: UTF8.self)
        // "\r\n" is one Character: split on either line end.
        var lines = head.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { return nil }
        startLine = lines.removeFirst()
        headers = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingSpaces())
        }
        payload = block[end.payload...]
    }

    /// The status code of a response's start line.
    public var status: Int? {
        let parts = startLine.split(separator: " ")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }

    /// Every value of header `name` (case-insensitive), in order.
    public func values(_ name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// Where the head ends (before its blank line) and the payload starts.
    static func headEnd(_ b: [UInt8]) -> (head: Int, payload: Int)? {
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x0A && b[i + 1] == 0x0A { return (i, i + 2) }
            if i + 3 < b.count && b[i] == 0x0D && b[i + 1] == 0x0A && b[i + 2] == 0x0D && b[i + 3] == 0x0A {
                return (i, i + 4)
            }
            i += 1
        }
        return nil
    }
}
