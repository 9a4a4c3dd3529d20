// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore
@testable import TrawlDecode

private func browser(_ body: [UInt8], _ contentType: String? = "text/html") -> DecodedText {
    BodyDecoder.decode(body, contentType: contentType, mode: .browser)
}

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// "café" in windows-1252 after some ASCII markup.
private func latin(_ prefix: String) -> [UInt8] { bytes(prefix) + [0x63, 0x61, 0x66, 0xE9] }

@Suite struct BOMPrecedence {
    @Test func utf8BOMBeatsHeaderAndMetaAndIsStripped() {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + bytes("<meta charset=windows-1252>caf\u{E9}")
        let decoded = browser(body, "text/html; charset=windows-1252")
        #expect(decoded == DecodedText(text: "<meta charset=windows-1252>caf\u{E9}", charset: "utf-8"))
    }

    @Test func utf16LEAndBEBOMs() {
        let le: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0xE9, 0x00, 0x3D, 0xD8, 0x00, 0xDE]
        #expect(browser(le, "text/html; charset=utf-8") == DecodedText(text: "<\u{E9}\u{1F600}", charset: "utf-16le"))
        let be: [UInt8] = [0xFE, 0xFF, 0x00, 0x3C, 0x00, 0xE9]
        #expect(browser(be, nil) == DecodedText(text: "<\u{E9}", charset: "utf-16be"))
    }

    @Test func utf16WithoutBOMFromHeaderIsRealUTF16() {
        #expect(browser([0x41, 0x00, 0x42, 0x00], "text/html; charset=utf-16") == DecodedText(text: "AB", charset: "utf-16le"))
        #expect(browser([0x00, 0x41], "text/html; charset=UTF-16BE") == DecodedText(text: "A", charset: "utf-16be"))
    }

    @Test func utf16UnpairedSurrogatesAndOddBytes() throws {
        let cases: [[UInt8]] = [
            [0x00, 0xD8, 0x41, 0x00], [0x00, 0xDC, 0x41, 0x00], [0x41, 0x00, 0x42], [0x00, 0xD8],
            [0x00, 0xD8, 0x41], [0x3D, 0xD8, 0x3D, 0xD8, 0x00, 0xDE], [0x00, 0xDC, 0x00, 0xD8],
        ]
        let expected = try pythonDecodeAll(cases, expression: "b.decode('utf-16-le', 'replace')")
        for (body, want) in zip(cases, expected) {
            let got = browser(body, "text/html; charset=utf-16le").text
            #expect(codePoints(got) == codePoints(want), "\(hex(body))")
        }
    }
}

@Suite struct HeaderAndMeta {
    @Test func headerCharsetBeatsMeta() {
        let decoded = browser(latin("<meta charset=utf-8>"), "text/html; charset=ISO-8859-1")
        #expect(decoded == DecodedText(text: "<meta charset=utf-8>caf\u{E9}", charset: "windows-1252"))
    }

    @Test(arguments: [
        "text/html; charset=windows-1252", "text/html;charset=\"Windows-1252\"", "TEXT/HTML; CHARSET=latin1",
        "text/html; foo=bar; charset = x ; charset=us-ascii", "text/html; charset=\"iso-8859-1\"; q=1",
        "text/html; charset=  cp1252", "text/html;\tcharset=ascii\t", "text/html; charset=\"win\\dows-1252\"",
    ])
    func headerCharsetSpellings(_ contentType: String) {
        // "charset = x" is a parameter named "charset " (with a space): not the charset.
        #expect(browser(latin(""), contentType) == DecodedText(text: "caf\u{E9}", charset: "windows-1252"))
    }

    @Test func unknownHeaderLabelFallsThroughToMeta() {
        let decoded = browser(latin("<meta charset=koi8-r>"), "text/html; charset=utf-42")
        #expect(decoded.charset == "koi8-r")
        #expect(decoded.text == "<meta charset=koi8-r>caf\u{418}")
    }

    @Test func unknownEverywhereFallsBackToUTF8() {
        let decoded = browser(latin("<meta charset=no-such-thing>"), "text/html; charset=x-unknown")
        #expect(decoded == DecodedText(text: "<meta charset=no-such-thing>caf\u{FFFD}", charset: "utf-8"))
    }

    @Test func noCharsetAnywhereIsUTF8() {
        #expect(browser(bytes("<p>caf\u{E9}</p>"), nil) == DecodedText(text: "<p>caf\u{E9}</p>", charset: "utf-8"))
        #expect(browser([], nil) == DecodedText(text: "", charset: "utf-8"))
    }

    @Test func replacementEncodingFromHeader() {
        #expect(browser(bytes("<p>hi</p>"), "text/html; charset=iso-2022-kr") == DecodedText(text: "\u{FFFD}", charset: "replacement"))
        #expect(browser([], "text/html; charset=hz-gb-2312") == DecodedText(text: "", charset: "replacement"))
    }

    @Test func xUserDefinedFromHeader() {
        #expect(browser([0x41, 0x80, 0xFF], "text/html; charset=x-user-defined").text == "A\u{F780}\u{F7FF}")
    }
}

@Suite struct MetaPrescanEdgeCases {
    private func sniffed(_ html: String) -> String {
        browser(bytes(html), nil).charset
    }

    @Test(arguments: [
        ("<meta charset=\"windows-1251\">", "windows-1251"),
        ("<META CHARSET='Windows-1251'>", "windows-1251"),
        ("<meta charset = windows-1251 >", "windows-1251"),
        ("<meta/charset=windows-1251>", "windows-1251"),
        ("<meta name=x charset=windows-1251 content=y>", "windows-1251"),
        ("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">", "windows-1251"),
        ("<meta content=\"text/html; charset=windows-1251\" http-equiv=\"content-type\">", "windows-1251"),
        ("<meta content='text/html;charset=\"windows-1251\"' HTTP-EQUIV='CONTENT-TYPE'>", "windows-1251"),
        ("<Meta Http-Equiv=Content-Type Content=\"text/html; CharSet = windows-1251\">", "windows-1251"),
        ("<html><head><title>x</title><meta charset=gbk></head>", "gbk"),
        ("<meta charset=utf-16>", "utf-8"),
        ("<meta charset=utf-16be>", "utf-8"),
        ("<meta http-equiv=content-type content='charset=unicodefffe'>", "utf-8"),
        ("<meta charset=x-user-defined>", "windows-1252"),
        ("<meta charset=\"  SHIFT_JIS \">", "shift_jis"),
        ("<meta charset=bogus><meta charset=euc-kr>", "euc-kr"),
        ("<meta charset=euc-kr charset=big5>", "euc-kr"),
        ("<meta charset=euc-kr><meta charset=big5>", "euc-kr"),
        ("<meta charset=\"big5", "utf-8"),
    ])
    func declarations(_ html: String, _ expected: String) {
        #expect(sniffed(html) == expected, "\(html)")
    }

    @Test(arguments: [
        // content without http-equiv, http-equiv without content, wrong pragma: all ignored.
        "<meta content=\"text/html; charset=windows-1251\">",
        "<meta http-equiv=content-type>",
        "<meta http-equiv=refresh content=\"0; charset=windows-1251\">",
        // Inside a comment, an attribute value, or a bogus tag: not a meta.
        "<!-- <meta charset=windows-1251> -->",
        "<div title=\"<meta charset=windows-1251>\">",
        "<a href='x' data-x='<meta charset=windows-1251>'>",
        "<!DOCTYPE html <meta charset=windows-1251>>",
        "<metacharset=windows-1251>",
        "<meta charset>",
        "<meta content=\"charset=\">",
    ])
    func ignored(_ html: String) {
        #expect(sniffed(html) == "utf-8", "\(html)")
    }

    @Test func commentEndsAtFirstArrowEvenWhenShort() {
        #expect(sniffed("<!--><meta charset=windows-1251>") == "windows-1251")
        #expect(sniffed("<!-- a -- b --><meta charset=koi8-u>") == "koi8-u")
    }

    @Test func onlyTheFirst1024BytesAreScanned() {
        let padding = String(repeating: " ", count: 1024 - 26)
        #expect(sniffed(padding + "<meta charset=koi8-r>") == "koi8-r")  // ends at byte 1019
        #expect(sniffed(padding + "      <meta charset=koi8-r>") == "utf-8")
        #expect(sniffed(String(repeating: "x", count: 2000) + "<meta charset=koi8-r>") == "utf-8")
    }
}

@Suite struct Labels {
    @Test(arguments: [
        ("iso-8859-1", "windows-1252"), ("latin1", "windows-1252"), ("us-ascii", "windows-1252"),
        ("ascii", "windows-1252"), ("ISO_8859-1:1987", "windows-1252"), ("iso-8859-9", "windows-1254"),
        ("euc-kr", "euc-kr"), ("ks_c_5601-1987", "euc-kr"), ("windows-949", "euc-kr"),
        ("shift_jis", "shift_jis"), ("sjis", "shift_jis"), ("ms932", "shift_jis"), ("windows-31j", "shift_jis"),
        ("x-sjis", "shift_jis"), ("gb2312", "gbk"), ("gbk", "gbk"), ("x-gbk", "gbk"), ("GB18030", "gb18030"),
        ("big5", "big5"), ("big5-hkscs", "big5"), ("euc-jp", "euc-jp"), ("iso-2022-jp", "iso-2022-jp"),
        ("tis-620", "windows-874"), ("iso-8859-11", "windows-874"), ("koi8-ru", "koi8-u"), ("mac", "macintosh"),
        ("x-mac-ukrainian", "x-mac-cyrillic"), ("utf8", "utf-8"), ("unicode-1-1-utf-8", "utf-8"),
        ("ucs-2", "utf-16le"), ("logical", "iso-8859-8-i"), ("visual", "iso-8859-8"), ("\t koi8 \n", "koi8-r"),
    ])
    func resolves(_ label: String, _ name: String) {
        #expect(WebEncoding.forLabel(label)?.rawValue == name)
    }

    @Test(arguments: ["utf-7", "utf-32", "iso-8859-12", "latin-1", "windows-1252x", "cp932", "euc_kr", "", "ibm-866"])
    func unknown(_ label: String) {
        #expect(WebEncoding.forLabel(label) == nil)
    }

    @Test func emptyAndASCIIBodiesInEveryEncoding() {
        for encoding in WebEncoding.allCases {
            let ct = "text/html; charset=\(encoding.rawValue)"
            #expect(BodyDecoder.decode([], contentType: ct, mode: .browser).text == "", "\(encoding)")
            let ascii = BodyDecoder.decode(Array("<p>".utf8), contentType: ct, mode: .browser)
            #expect(ascii.charset == encoding.rawValue)
            switch encoding {
            case .replacement: #expect(ascii.text == "\u{FFFD}")
            case .utf16LE: #expect(ascii.text == "\u{703C}\u{FFFD}")
            case .utf16BE: #expect(ascii.text == "\u{3C70}\u{FFFD}")
            default: #expect(ascii.text == "<p>", "\(encoding)")
            }
        }
    }

    @Test func everyEncodingHasItsNameAsALabel() {
        for encoding in WebEncoding.allCases {
            #expect(WebEncoding.forLabel(encoding.rawValue) == encoding)
        }
    }
}

@Suite struct ValidatedHint {
    /// The caller's "already valid UTF-8" hint is a promise about `body`; a hint that cannot be
    /// `body` (another length) used to trap (a precondition reachable from the C ABI) and is
    /// now ignored.
    @Test func aHintOfAnotherLengthIsIgnored() throws {
        let body = Array("<p>caf\u{E9}</p>".utf8) + [0xFF]
        let hint = try #require(UTF8Text(validating: Array("<p>other</p>".utf8)))
        for mode in [DecodeMode.browser, .requests] {
            let decoded = BodyDecoder.decode(body, contentType: "text/html; charset=utf-8", mode: mode, validated: hint)
            #expect(decoded.text == "<p>caf\u{E9}</p>\u{FFFD}", "\(mode)")
        }
    }
}
