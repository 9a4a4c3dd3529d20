// SPDX-License-Identifier: Apache-2.0

/// Python `requests`' `Response.text` (requests 2.32-2.34): the encoding comes from the
/// Content-Type header alone, and Python's codec decodes with `errors='replace'`.
enum RequestsDecoding {
    /// `requests.utils.get_encoding_from_headers`: the `charset` parameter stripped of
    /// quotes; else "ISO-8859-1" if the media type contains "text" (case-sensitive, as in
    /// requests); else "utf-8" for application/json; else nil (requests then guesses with
    /// charset_normalizer, which trawl replaces by UTF-8).
    static func encodingFromHeaders(_ contentType: String?) -> String? {
        guard let contentType, !contentType.isEmpty else { return nil }
        let tokens = contentType.split(separator: ";", omittingEmptySubsequences: false)
        let mediaType = pythonStrip(tokens[0], [])
        var params: [String: Substring] = [:]
        for token in tokens.dropFirst() {
            let param = pythonStrip(token, [])
            guard !param.isEmpty, let equals = param.firstIndex(of: "=") else { continue }
            let quotesAndSpace: Set<Character> = ["\"", "'", " "]
            let key = pythonStrip(param[..<equals], quotesAndSpace)
            let value = pythonStrip(param[param.index(after: equals)...], quotesAndSpace)
            params[String(key).lowercased()] = value
        }
        if let charset = params["charset"] {
            return String(pythonStrip(charset, ["\"", "'"]))
        }
        if mediaType.contains("text") { return "ISO-8859-1" }
        if mediaType.contains("application/json") { return "utf-8" }
        return nil
    }

    /// `str.strip()` (whitespace when `chars` is empty) or `str.strip(chars)`.
    private static func pythonStrip(_ s: Substring, _ chars: Set<Character>) -> Substring {
        let drop: (Character) -> Bool = chars.isEmpty ? { $0.unicodeScalars.allSatisfy(isPythonSpace) } : { chars.contains($0) }
        var result = s
        while let first = result.first, drop(first) { result = result.dropFirst() }
        while let last = result.last, drop(last) { result = result.dropLast() }
        return result
    }

    /// `str.isspace()` for one code point: Unicode White_Space plus the separators
    /// U+001C...U+001F that Python also counts.
    private static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(scalar.value) || scalar.properties.isWhitespace
    }

    /// `Response.text`.
    static func decode(_ body: [UInt8], contentType: String?) -> DecodedText {
        let label = encodingFromHeaders(contentType)
        // An unknown codec makes requests fall back to `str(content, errors='replace')`,
        // which is UTF-8; so does trawl for the codecs it does not reproduce.
        let codec = label.flatMap(PythonCodec.lookup) ?? .utf_8
        if body.isEmpty { return DecodedText(text: "", charset: codec.pythonName) }
        if let text = decode(body, codec: codec) {
            return DecodedText(text: text, charset: codec.pythonName)
        }
        return DecodedText(text: UnicodeDecoding.utf8(body), charset: PythonCodec.utf_8.pythonName)
    }

    /// `str(body, codec, errors='replace')`; nil when glibc lacks the converter.
    static func decode(_ body: [UInt8], codec: PythonCodec) -> String? {
        switch codec {
        case .utf_8:
            return UnicodeDecoding.utf8(body)
        case .utf_8_sig:
            let bom = body.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            return UnicodeDecoding.utf8(body, from: bom)
        case .utf_16:
            if body.starts(with: [0xFE, 0xFF]) { return UnicodeDecoding.utf16(body, from: 2, bigEndian: true) }
            let bom = body.starts(with: [0xFF, 0xFE]) ? 2 : 0
            return UnicodeDecoding.utf16(body, from: bom, bigEndian: false)
        case .utf_16_le:
            return UnicodeDecoding.utf16(body, bigEndian: false)
        case .utf_16_be:
            return UnicodeDecoding.utf16(body, bigEndian: true)
        case .latin_1:
            return latin1Table.decode(body)
        case .ascii:
            return asciiTable.decode(body)
        default:
            guard let source = codec.iconvSource else { return nil }
            if source.singleByte {
                let table = SingleByteTable.cached("py:" + codec.rawValue) {
                    SingleByteTable.build(iconvName: source.name, fillC1: false, fixes: source.fixes)
                }
                return table?.decode(body)
            }
            return IconvDecoding.decode(body, iconvName: source.name, leads: [])
        }
    }

    private static let latin1Table = SingleByteTable(scalars: (0..<256).map { Unicode.Scalar(UInt8($0)) })
    private static let asciiTable = SingleByteTable(scalars: (0..<256).map { $0 < 0x80 ? Unicode.Scalar(UInt8($0)) : nil })
}
