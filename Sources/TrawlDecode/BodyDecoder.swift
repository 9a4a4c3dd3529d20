// SPDX-License-Identifier: Apache-2.0
public import TrawlCore

/// Turns a response body into text, as a browser does or as Python `requests` does.
///
/// Thread-safe: every call is independent (glibc iconv descriptors are opened per call and
/// the single-byte tables, built at first use, are shared read-only).
public enum BodyDecoder {
    /// Decodes `body` as `mode` (TrawlCore.DecodeMode: .browser default, .requests).
    ///
    /// - Parameters:
    ///   - body: The (content-decoded) response body.
    ///   - contentType: The Content-Type header value, if any.
    ///   - mode: `.browser`: BOM, then the header's charset, then a `<meta>` charset in the
    ///     first 1024 bytes, else UTF-8, with WHATWG labels and decoders. `.requests`: what
    ///     Python `requests`' `Response.text` returns (see docs/decoding.md).
    ///   - validated: `body` itself as ``UTF8Text`` when the caller already knows it is valid
    ///     UTF-8 (checked as it arrived): a UTF-8 page then needs no second pass. A value that
    ///     is not `body` (another length) is ignored and `body` is checked instead: a wrong
    ///     hint costs a pass, never a trap or wrong text.
    /// - Returns: The text, invalid bytes replaced by U+FFFD, and the name of the encoding.
    ///   Transcoding uses glibc `iconv_open`/`iconv` for the legacy encodings.
    public static func decode(_ body: [UInt8], contentType: String?, mode: DecodeMode,
                              validated: UTF8Text? = nil) -> DecodedText {
        let validated = validated.flatMap { $0.bytes.count == body.count ? $0 : nil }
        switch mode {
        case .browser: return browser(body, contentType: contentType, validated: validated)
        case .requests: return RequestsDecoding.decode(body, contentType: contentType)
        }
    }

    // MARK: - Browser mode

    static func browser(_ body: [UInt8], contentType: String?, validated: UTF8Text? = nil) -> DecodedText {
        if let (encoding, bomLength) = Sniffing.bom(body) {
            return decode(body, from: bomLength, as: encoding)
        }
        if let contentType, let label = Sniffing.contentTypeCharset(contentType),
           let encoding = WebEncoding.forLabel(label) {
            return decode(body, from: 0, as: encoding, validated: validated)
        }
        if let encoding = MetaPrescan.encoding(of: body) {
            return decode(body, from: 0, as: encoding, validated: validated)
        }
        return DecodedText(utf8: UnicodeDecoding.utf8Text(body, validated: validated), charset: WebEncoding.utf8.rawValue)
    }

    /// Decodes `body[start...]` with a WHATWG encoding; falls back to UTF-8 (and says so in
    /// `charset`) if glibc lacks the converter, which a stock glibc never does.
    static func decode(_ body: [UInt8], from start: Int, as encoding: WebEncoding,
                       validated: UTF8Text? = nil) -> DecodedText {
        let text: String?
        switch encoding.decoder {
        case .utf8:
            let utf8 = UnicodeDecoding.utf8Text(body, from: start, validated: start == 0 ? validated : nil)
            return DecodedText(utf8: utf8, charset: encoding.rawValue)
        case .utf16(let bigEndian):
            text = UnicodeDecoding.utf16(body, from: start, bigEndian: bigEndian)
        case .replacement:
            // WHATWG's guard against encodings that smuggle markup: one U+FFFD for the lot.
            text = body.count > start ? "\u{FFFD}" : ""
        case .xUserDefined:
            text = UnicodeDecoding.xUserDefined(body)
        case .singleByte:
            text = SingleByteTable.web(encoding)?.decode(body, from: start)
        case .iconv(let name, let leads):
            let euroAt0x80 = encoding == .gbk || encoding == .gb18030
            text = IconvDecoding.decode(body, from: start, iconvName: name, leads: leads) { byte in
                // WHATWG's gb18030 decoder maps a lone 0x80 to U+20AC; glibc rejects it.
                euroAt0x80 && byte == 0x80 ? "\u{20AC}" : nil
            }
        }
        guard let text else {
            return DecodedText(utf8: UnicodeDecoding.utf8Text(body, from: start), charset: WebEncoding.utf8.rawValue)
        }
        return DecodedText(text: text, charset: encoding.rawValue)
    }
}
