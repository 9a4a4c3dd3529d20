// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore
@testable import TrawlDecode
import TrawlTestSupport

@Suite struct UTF8Replacement {
    /// Hand-picked ill-formed sequences: truncations, overlongs, surrogates, > U+10FFFF,
    /// stray continuation bytes, 5- and 6-byte forms, and mixes with valid text.
    static let handPicked: [[UInt8]] = [
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xE2, 0x82, 0x41], [0xF0, 0x9F, 0x98],
        [0xF0, 0x9F, 0x98, 0x41], [0xC0, 0xAF], [0xC1, 0xBF], [0xC2], [0xC2, 0xC2, 0xA9], [0x80], [0xBF, 0x80, 0x41],
        [0xFE], [0xFF, 0xFE], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80],
        [0xE1, 0x80, 0xE2, 0x82, 0xAC], [0xEF, 0xBB, 0xBF, 0x41], [0xF1, 0x80, 0x80], [0xF1, 0x80, 0x80, 0xE1],
        [0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64],
    ]

    @Test func handPickedSequencesMatchPython() throws {
        try compareWithPython(Self.handPicked)
    }

    @Test func fuzzedSequencesMatchPython() throws {
        // Bytes drawn mostly from the interesting ranges so that nearly every case is invalid.
        var rng = SplitMix64(state: 0x7472_6177_6C)
        let pool: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                             0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFB, 0xFC, 0xFE, 0xFF]
        let cases: [[UInt8]] = (0..<3000).map { _ in
            (0..<Int.random(in: 1...12, using: &rng)).map { _ in
                Bool.random(using: &rng) ? pool.randomElement(using: &rng) ?? 0 : UInt8.random(in: 0x80...0xBF, using: &rng)
            }
        }
        try compareWithPython(cases)
    }

    private func compareWithPython(_ cases: [[UInt8]]) throws {
        let expected = try pythonDecodeAll(cases, expression: "b.decode('utf-8', 'replace')")
        // In browser mode a BOM decides the encoding and is dropped (WHATWG "decode");
        // Python's utf-8 codec keeps it, so browser mode gets its own oracle.
        let browserExpected = try pythonDecodeAll(cases, expression: """
            b[3:].decode('utf-8', 'replace') if b[:3] == b'\\xef\\xbb\\xbf' else \
            b[2:].decode('utf-16-le', 'replace') if b[:2] == b'\\xff\\xfe' else \
            b[2:].decode('utf-16-be', 'replace') if b[:2] == b'\\xfe\\xff' else b.decode('utf-8', 'replace')
            """)
        try #require(expected.count == cases.count && browserExpected.count == cases.count)
        var mismatches = 0
        for ((body, want), wantBrowser) in zip(zip(cases, expected), browserExpected) {
            let browser = BodyDecoder.decode(body, contentType: "text/html; charset=utf-8", mode: .browser).text
            let requests = BodyDecoder.decode(body, contentType: "text/html; charset=utf-8", mode: .requests).text
            if browser != wantBrowser || requests != want {
                mismatches += 1
                if mismatches < 5 {
                    Issue.record("\(hex(body)): python \(codePoints(want)) / \(codePoints(wantBrowser)), trawl \(codePoints(requests)) / \(codePoints(browser))")
                }
            }
        }
        #expect(mismatches == 0)
    }
}

@Suite struct SingleByteEncodings {
    static let pythonCodecForWeb: [(String, String)] = [
        ("ibm866", "cp866"), ("iso-8859-2", "iso8859_2"), ("iso-8859-3", "iso8859_3"), ("iso-8859-4", "iso8859_4"),
        ("iso-8859-5", "iso8859_5"), ("iso-8859-6", "iso8859_6"), ("iso-8859-7", "iso8859_7"),
        ("iso-8859-8", "iso8859_8"), ("iso-8859-8-i", "iso8859_8"), ("iso-8859-10", "iso8859_10"),
        ("iso-8859-13", "iso8859_13"), ("iso-8859-14", "iso8859_14"), ("iso-8859-15", "iso8859_15"),
        ("iso-8859-16", "iso8859_16"), ("koi8-r", "koi8_r"), ("koi8-u", "koi8_u"), ("macintosh", "mac_roman"),
        ("windows-874", "cp874"), ("windows-1250", "cp1250"), ("windows-1251", "cp1251"),
        ("windows-1252", "cp1252"), ("windows-1253", "cp1253"), ("windows-1254", "cp1254"),
        ("windows-1255", "cp1255"), ("windows-1256", "cp1256"), ("windows-1257", "cp1257"),
        ("windows-1258", "cp1258"), ("x-mac-cyrillic", "mac_cyrillic"),
    ]

    /// Every byte of every single-byte encoding against an oracle built independently of
    /// glibc: Python's codec, with WHATWG's differences from it (C1 fill of windows-*, and
    /// the three index entries where WHATWG follows a newer table than Python).
    @Test func everyByteMatchesPythonPlusWHATWGDifferences() throws {
        let script = """
        import sys
        fixes = {'windows-1255': {0xCA: 0x05BA}, 'koi8-u': {0xAE: 0x045E, 0xBE: 0x040E}}
        for line in sys.stdin.read().split():
            web, py = line.split(',')
            out = []
            for b in range(256):
                try: c = bytes([b]).decode(py)
                except UnicodeDecodeError: c = chr(b) if web.startswith('windows-') and 0x80 <= b <= 0x9F else '\\ufffd'
                out.append(chr(fixes.get(web, {}).get(b, ord(c))))
            sys.stdout.write(''.join(out).encode('utf-8').hex() + '\\n')
        """
        let input = Self.pythonCodecForWeb.map { "\($0.0),\($0.1)\n" }.joined()
        let lines = String(decoding: try runPython(script, input: Array(input.utf8)), as: UTF8.self).split(separator: "\n")
        try #require(lines.count == Self.pythonCodecForWeb.count)
        let allBytes = (0..<256).map(UInt8.init)
        for ((web, _), line) in zip(Self.pythonCodecForWeb, lines) {
            let want = String(decoding: unhex(line), as: UTF8.self)
            let got = BodyDecoder.decode(allBytes, contentType: "text/plain; charset=\(web)", mode: .browser)
            #expect(got.charset == web)
            #expect(Array(got.text.unicodeScalars) == Array(want.unicodeScalars), "\(web)")
        }
    }

    /// Known WHATWG index values, straight from the Encoding Standard's index files.
    @Test(arguments: [
        ("windows-1252", [0x80, 0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x9F, 0xE9], "\u{20AC}\u{81}\u{8D}\u{8F}\u{90}\u{9D}\u{178}\u{E9}"),
        ("iso-8859-1", [0x80, 0x93, 0xA4], "\u{20AC}\u{201C}\u{A4}"),
        ("us-ascii", [0x41, 0x92], "A\u{2019}"),
        ("windows-1255", [0xCA, 0xD9, 0xA4], "\u{5BA}\u{FFFD}\u{20AA}"),
        ("windows-1253", [0x81, 0xAA, 0xD2, 0xFF, 0xE1], "\u{81}\u{FFFD}\u{FFFD}\u{FFFD}\u{3B1}"),
        ("windows-1257", [0x8D, 0xA1, 0xA5, 0x81], "\u{A8}\u{FFFD}\u{FFFD}\u{81}"),
        ("windows-874", [0x80, 0x81, 0xDB, 0xA1], "\u{20AC}\u{81}\u{FFFD}\u{E01}"),
        ("koi8-u", [0xAE, 0xBE, 0xA4], "\u{45E}\u{40E}\u{454}"),
        ("macintosh", [0xC6, 0xF0, 0xDB], "\u{2206}\u{F8FF}\u{20AC}"),
        ("x-mac-cyrillic", [0xFF, 0xA2, 0xB6], "\u{20AC}\u{490}\u{491}"),
        ("iso-8859-8", [0xDF, 0xFD, 0xFE, 0xBF], "\u{2017}\u{200E}\u{200F}\u{FFFD}"),
        ("windows-1258", [0xD2, 0xDE], "\u{309}\u{303}"),
    ] as [(String, [UInt8], String)])
    func knownIndexValues(_ label: String, _ body: [UInt8], _ expected: String) {
        let got = BodyDecoder.decode(body, contentType: "text/html; charset=\(label)", mode: .browser).text
        #expect(codePoints(got) == codePoints(expected), "\(label)")
    }
}

@Suite struct MultiByteEncodings {
    static let japanese = "日本語のテキスト、ｶﾀｶﾅ。漢字①Ⅹ"
    static let samples: [(label: String, python: String, text: String)] = [
        ("gbk", "gbk", "中文网页，简体字。"),
        ("gb2312", "gb2312", "中华人民共和国"),
        ("gb18030", "gb18030", "中文 \u{20AC} 𠀀 \u{E5E5}ÿ"),
        ("big5", "big5hkscs", "繁體中文網頁。香港增補字符集：嘅"),
        ("euc-jp", "euc_jp", "日本語のテキスト、ｶﾀｶﾅ。漢字"),
        ("iso-2022-jp", "iso2022_jp", "日本語のテキスト。漢字 ASCII"),
        ("shift_jis", "cp932", japanese),
        ("euc-kr", "cp949", "한국어 웹 페이지. 똠방각하"),
    ]

    @Test func sampleTextRoundTrips() throws {
        for sample in Self.samples {
            let encoded = try runPython(
                "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('\(sample.python)'))",
                input: Array(sample.text.utf8))
            let body = Array("<p>".utf8) + encoded + Array("</p>".utf8)
            let viaHeader = BodyDecoder.decode(body, contentType: "text/html; charset=\(sample.label)", mode: .browser)
            let canonical = WebEncoding.forLabel(sample.label)?.rawValue
            #expect(viaHeader == DecodedText(text: "<p>\(sample.text)</p>", charset: canonical ?? "?"), "\(sample.label)")
            let meta = Array("<meta charset=\"\(sample.label)\">".utf8) + encoded
            let viaMeta = BodyDecoder.decode(meta, contentType: "text/html", mode: .browser)
            #expect(viaMeta.text == "<meta charset=\"\(sample.label)\">\(sample.text)", "\(sample.label)")
        }
    }

    @Test(arguments: [
        // Invalid bytes: one U+FFFD per WHATWG error, and an ASCII byte after a bad lead survives.
        ("gbk", [0x80, 0x41], "\u{20AC}A"),
        ("gb18030", [0xFF, 0x41, 0xD6, 0xD0], "\u{FFFD}A\u{4E2D}"),
        ("gbk", [0xD6, 0x7F], "\u{FFFD}\u{7F}"),
        ("gbk", [0xD6], "\u{FFFD}"),
        ("shift_jis", [0x85, 0x40, 0x41], "\u{FFFD}@A"),
        ("shift_jis", [0x85, 0x9F, 0x41], "\u{FFFD}A"),
        ("shift_jis", [0xA0, 0x82, 0xA0], "\u{FFFD}\u{3042}"),
        ("euc-kr", [0xB0, 0x20, 0xB0, 0xA1], "\u{FFFD} \u{AC00}"),
        ("euc-kr", [0xFF, 0xB0, 0xA1], "\u{FFFD}\u{AC00}"),
        ("big5", [0xA4, 0x40, 0xA4], "\u{4E00}\u{FFFD}"),
        ("euc-jp", [0xA4, 0xA2, 0xA4, 0x41], "\u{3042}\u{FFFD}A"),
    ] as [(String, [UInt8], String)])
    func invalidSequences(_ label: String, _ body: [UInt8], _ expected: String) {
        let got = BodyDecoder.decode(body, contentType: "text/html; charset=\(label)", mode: .browser).text
        #expect(codePoints(got) == codePoints(expected), "\(label) \(hex(body))")
    }
}
