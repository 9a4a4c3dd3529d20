// SPDX-License-Identifier: Apache-2.0

/// WHATWG's "prescan a byte stream to determine its encoding"
/// (https://html.spec.whatwg.org/multipage/parsing.html#prescan-a-byte-stream-to-determine-its-encoding),
/// over at most the first 1024 bytes. It skips comments and reads the attributes of every
/// tag, so `<meta charset>` inside a comment or an attribute value is not taken.
struct MetaPrescan {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    private init(_ body: [UInt8]) {
        bytes = body[0..<min(body.count, Sniffing.prescanLimit)]
        position = 0
    }

    /// The encoding the first `<meta>` with a usable charset declares, or nil.
    static func encoding(of body: [UInt8]) -> WebEncoding? {
        var scanner = MetaPrescan(body)
        return scanner.run()
    }

    private func byte(at index: Int) -> UInt8? {
        index < bytes.endIndex ? bytes[index] : nil
    }

    private func matches(_ text: String, at index: Int, caseInsensitive: Bool = true) -> Bool {
        var i = index
        for unit in text.utf8 {
            guard let b = byte(at: i) else { return false }
            if (caseInsensitive ? asciiLowercased(b) : b) != unit { return false }
            i += 1
        }
        return true
    }

    private static func isSpaceOrSlash(_ b: UInt8) -> Bool {
        isASCIIWhitespace(b) || b == UInt8(ascii: "/")
    }

    private static func isASCIILetter(_ b: UInt8) -> Bool {
        (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    private mutating func run() -> WebEncoding? {
        while position < bytes.endIndex {
            if matches("<!--", at: position) {
                // To the '>' of the first "-->" that ends after "<!--" began ("<!-->" closes).
                var i = position + 2
                while i + 2 < bytes.endIndex, !(bytes[i] == 0x2D && bytes[i + 1] == 0x2D && bytes[i + 2] == 0x3E) {
                    i += 1
                }
                position = i + 3
                continue
            }
            if matches("<meta", at: position), let next = byte(at: position + 5), Self.isSpaceOrSlash(next) {
                position += 6
                if let encoding = metaElement() { return encoding }
                continue
            }
            if byte(at: position) == UInt8(ascii: "<") {
                let next = byte(at: position + 1)
                let afterSlash = byte(at: position + 2)
                if let n = next, Self.isASCIILetter(n)
                    || (n == UInt8(ascii: "/") && afterSlash.map(Self.isASCIILetter) == true) {
                    skipTag()
                    continue
                }
                if next == UInt8(ascii: "!") || next == UInt8(ascii: "/") || next == UInt8(ascii: "?") {
                    while position < bytes.endIndex, bytes[position] != UInt8(ascii: ">") { position += 1 }
                    position += 1
                    continue
                }
            }
            position += 1
        }
        return nil
    }

    /// A `<meta` tag's attributes, position just past "<meta" and its space or slash.
    private mutating func metaElement() -> WebEncoding? {
        var seen = Set<[UInt8]>()
        var gotPragma = false
        var needPragma: Bool? = nil
        var charset: WebEncoding? = nil
        while let (name, value) = attribute() {
            guard seen.insert(name).inserted else { continue }
            switch String(decoding: name, as: UTF8.self) {
            case "http-equiv":
                if value == Array("content-type".utf8) { gotPragma = true }
            case "content":
                if charset == nil, let label = Self.charsetFromContent(value),
                   let encoding = WebEncoding.forLabel(String(decoding: label, as: UTF8.self)) {
                    charset = encoding
                    needPragma = true
                }
            case "charset":
                charset = WebEncoding.forLabel(String(decoding: value, as: UTF8.self))
                needPragma = false
            default:
                break
            }
        }
        guard let need = needPragma, let found = charset else { return nil }
        if need && !gotPragma { return nil }
        switch found {
        // A document that could be read this far as ASCII is not UTF-16, whatever it says.
        case .utf16BE, .utf16LE: return .utf8
        case .xUserDefined: return .windows1252
        default: return found
        }
    }

    /// Skips a tag name and its attributes (the prescan's "<" followed by a letter step).
    private mutating func skipTag() {
        while position < bytes.endIndex, !isASCIIWhitespace(bytes[position]), bytes[position] != UInt8(ascii: ">") {
            position += 1
        }
        while attribute() != nil {}
    }

    /// WHATWG's "get an attribute": name and value lower-cased, or nil at '>' or the end
    /// (position then just past the '>').
    private mutating func attribute() -> ([UInt8], [UInt8])? {
        while let b = byte(at: position), Self.isSpaceOrSlash(b) { position += 1 }
        guard let first = byte(at: position) else { return nil }
        if first == UInt8(ascii: ">") {
            position += 1
            return nil
        }
        var name: [UInt8] = []
        var value: [UInt8] = []
        // Name.
        while true {
            guard let b = byte(at: position) else { return nil }
            if b == UInt8(ascii: "="), !name.isEmpty {
                position += 1
                break
            }
            if isASCIIWhitespace(b) {
                while let s = byte(at: position), isASCIIWhitespace(s) { position += 1 }
                guard byte(at: position) == UInt8(ascii: "=") else { return (name, value) }
                position += 1
                break
            }
            if b == UInt8(ascii: "/") || b == UInt8(ascii: ">") { return (name, value) }
            name.append(asciiLowercased(b))
            position += 1
        }
        // Value.
        while let s = byte(at: position), isASCIIWhitespace(s) { position += 1 }
        guard let b = byte(at: position) else { return nil }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
            position += 1
            while true {
                guard let c = byte(at: position) else { return nil }
                position += 1
                if c == b { return (name, value) }
                value.append(asciiLowercased(c))
            }
        }
        if b == UInt8(ascii: ">") { return (name, value) }
        while true {
            guard let c = byte(at: position) else { return nil }
            if isASCIIWhitespace(c) || c == UInt8(ascii: ">") { return (name, value) }
            value.append(asciiLowercased(c))
            position += 1
        }
    }

    /// WHATWG's "extract a character encoding from a meta element" on a `content` value
    /// (already lower-cased): the label after `charset=`, or nil.
    static func charsetFromContent(_ content: [UInt8]) -> [UInt8]? {
        let key = Array("charset".utf8)
        var i = 0
        while i + key.count <= content.count {
            guard Array(content[i..<i + key.count]) == key else {
                i += 1
                continue
            }
            var j = i + key.count
            while j < content.count, isASCIIWhitespace(content[j]) { j += 1 }
            guard j < content.count, content[j] == UInt8(ascii: "=") else {
                i += key.count
                continue
            }
            j += 1
            while j < content.count, isASCIIWhitespace(content[j]) { j += 1 }
            guard j < content.count else { return nil }
            let q = content[j]
            if q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") {
                guard let end = content[(j + 1)...].firstIndex(of: q) else { return nil }
                return Array(content[(j + 1)..<end])
            }
            var end = j
            while end < content.count, !isASCIIWhitespace(content[end]), content[end] != UInt8(ascii: ";") {
                end += 1
            }
            return Array(content[j..<end])
        }
        return nil
    }
}
