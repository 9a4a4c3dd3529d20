// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore
@testable import TrawlDecode

/// The oracle is requests itself: its header parsing, and `Response.text` on a Response
/// built by hand, with the one change trawl documents (no charset guessing: UTF-8).
private let requestsOracle = """
import sys, codecs
import requests.models, requests.utils
from requests.structures import CaseInsensitiveDict
def name(enc):
    try:
        info = codecs.lookup(enc)
        return info.name if getattr(info, '_is_text_encoding', True) else 'utf-8'
    except LookupError:
        return 'utf-8'
for line in sys.stdin.read().split('\\n')[:-1]:
    ct_hex, body_hex = line.split(' ')
    ct = bytes.fromhex(ct_hex).decode('utf-8') if ct_hex != '-' else None
    r = requests.models.Response()
    r.headers = CaseInsensitiveDict({'content-type': ct} if ct is not None else {})
    r._content = bytes.fromhex(body_hex) if body_hex != '-' else b''
    r.encoding = requests.utils.get_encoding_from_headers(r.headers)
    charset = name(r.encoding) if r.encoding is not None else 'utf-8'
    if r.encoding is None:
        r.encoding = 'utf-8'
    sys.stdout.write(charset + ' ' + r.text.encode('utf-8', 'surrogatepass').hex() + '\\n')
"""

private func compareWithRequests(_ cases: [(String?, [UInt8])]) throws {
    let input = cases.map { ct, body in
        (ct.map { hex(Array($0.utf8)) } ?? "-") + " " + (body.isEmpty ? "-" : hex(body)) + "\n"
    }.joined()
    let lines = String(decoding: try runPython(requestsOracle, input: Array(input.utf8)), as: UTF8.self)
        .split(separator: "\n")
    try #require(lines.count == cases.count)
    for ((contentType, body), line) in zip(cases, lines) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        let charset = String(parts[0])
        let text = String(decoding: unhex(parts[1]), as: UTF8.self)
        let got = BodyDecoder.decode(body, contentType: contentType, mode: .requests)
        #expect(got.charset == charset, "\(contentType ?? "nil")")
        #expect(got.text == text, "\(contentType ?? "nil") \(hex(Array(body.prefix(16))))")
    }
}

@Suite struct RequestsMode {
    static let allBytes = (0..<256).map(UInt8.init)

    @Test func headerParsingAndFallbacks() throws {
        let body = Array("<p>caf\u{E9} \u{20AC}</p>".utf8) + [0x80, 0xE9, 0x9D, 0xFF]
        let contentTypes: [String?] = [
            nil, "", "text/html", "text/plain", "TEXT/HTML", "Text/Html; foo=bar", "application/json",
            "application/json; charset=iso-8859-1", "application/xml", "image/png", "application/xhtml+xml",
            "text/html; charset=utf-8", "text/html; charset=\"UTF-8\"", "text/html; charset='latin-1'",
            "text/html;charset=windows-1252 ", "text/html; CHARSET=cp1252", "text/html; charset = \"cp1252\" ",
            "text/html; charset=utf8mb4", "text/html; charset=", "text/html; charset", "text/html; charset=UTF 8",
            "text/html; charset=x-user-defined", "text/html; charset=rot13", "text/html; charset=base64",
            "text/html; charset=utf-8; charset=latin1", "text/html; Charset=ISO_8859-1:1987",
            "text/html; charset=\"'koi8-r'\"", "text/html; charset=us-ascii", "text/html; charset=ascii",
            "text/html; charset=utf-8-sig", "text/html; charset=iso-8859-15", "text/html; charset=latin_1",
            "text/html; charset=windows-874", "text/html; charset=tis-620", "text/html; charset=iso-2022-kr",
            "application/json; charset=utf-16", "text/html; charset=utf-16le", "text/html; charset=UTF-16-BE",
        ]
        try compareWithRequests(contentTypes.map { ($0, body) } + [("text/html", []), (nil, [])])
    }

    @Test func everySingleByteCodecOnEveryByte() throws {
        let names = PythonCodec.allCases.filter { $0.iconvSource?.singleByte ?? false }.map(\.rawValue)
            + ["latin-1", "ascii", "iso-8859-1", "Windows-1252", "mac-roman", "macintosh", "KOI8-U", "cp866"]
        try compareWithRequests(names.map { ("text/html; charset=\($0)", Self.allBytes) })
    }

    @Test func utfCodecsKeepOrStripTheBOMAsPythonDoes() throws {
        let bodies: [[UInt8]] = [
            [0xEF, 0xBB, 0xBF, 0x41, 0xC3, 0xA9], [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8], [0xFE, 0xFF, 0x00, 0x41],
            [0x41, 0x00, 0x42], [0xED, 0xA0, 0x80, 0x41],
        ]
        let charsets = ["utf-8", "utf8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16be", "U16"]
        try compareWithRequests(charsets.flatMap { cs in bodies.map { ("text/html; charset=\(cs)", $0) } })
    }

    @Test func cjkCodecsOnValidText() throws {
        let samples: [(String, String)] = [
            ("shift_jis", "日本語のテキスト、ｶﾀｶﾅ"), ("cp932", "日本語①Ⅹ～"), ("euc-jp", "日本語のテキスト"),
            ("iso-2022-jp", "日本語のテキスト ASCII"), ("euc-kr", "한국어 웹 페이지"), ("cp949", "똠방각하"),
            ("gb2312", "中华人民共和国"), ("gbk", "中文网页"), ("gb18030", "中文 𠀀"), ("big5", "繁體中文"),
            ("big5hkscs", "繁體中文嘅"), ("iso2022_kr", "한국어 웹"), ("johab", "한국어"),
        ]
        var cases: [(String?, [UInt8])] = []
        for (codec, text) in samples {
            let body = try runPython(
                "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('\(codec)'))",
                input: Array(text.utf8))
            cases.append(("text/html; charset=\(codec)", Array("<p>".utf8) + body))
        }
        try compareWithRequests(cases)
    }

    /// The embedded alias table is CPython's, restricted to the codecs trawl reproduces.
    @Test func aliasTableMatchesPython() throws {
        let script = """
        import encodings.aliases
        for alias, module in sorted(encodings.aliases.aliases.items()): print(alias, module)
        """
        let supported = Set(PythonCodec.allCases.map(\.rawValue))
        var expected: [String: String] = [:]
        for line in String(decoding: try runPython(script), as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if supported.contains(String(parts[1])) { expected[String(parts[0])] = String(parts[1]) }
        }
        #expect(pythonAliases.mapValues(\.rawValue) == expected)
    }

    @Test func lookupNormalisesAsPython() throws {
        let names = [
            "UTF-8", "utf_8", " Utf 8 ", "utf--8", "U8", "latin-1", "Latin 1", "ISO_8859-1", "iso8859-1", "iso 8859 1",
            "ISO-8859-1:1987", "windows 1252", "Windows_1252", "CP-1252", "ms-kanji", "Shift-JIS", "SJIS", "s-jis",
            "euc-kr", "EUC_KR", "ks_c_5601-1987", "iso-2022-jp", "gb_2312-80", "GB2312", "big5-hkscs", "hkscs",
            "ansi_x3.4-1968", "iso_646.irv:1991", "x-mac-japanese", "utf-8.", "koi8-r", "KOI8_U", "mac-cyrillic",
            "cp874", "thai", "latin10", "l9", "cp819", "unicodebigunmarked",
        ] + PythonCodec.allCases.map(\.rawValue)
        let script = """
        import sys, codecs
        for n in sys.stdin.read().split('\\n')[:-1]:
            try: print(codecs.lookup(n).name)
            except LookupError: print('-')
        """
        let lines = String(decoding: try runPython(script, input: Array(names.map { $0 + "\n" }.joined().utf8)), as: UTF8.self)
            .split(separator: "\n")
        try #require(lines.count == names.count)
        for (name, want) in zip(names, lines) {
            #expect((PythonCodec.lookup(name)?.pythonName ?? "-") == String(want), "\(name)")
        }
    }
}
