// SPDX-License-Identifier: Apache-2.0

import Testing
import TrawlCore
import TrawlExtract

/// Tricky patterns and subjects, each run through trawl and through Python's `re.findall`.
@Suite struct TranslatorDifferentialTests {
    static let I: UInt32 = 2, M: UInt32 = 8, S: UInt32 = 16, X: UInt32 = 64, A: UInt32 = 256

    static let spaces = "a\u{1C}b\u{1D}c\u{1E}d\u{1F}e\u{180E}f\u{85}g\u{A0}h\u{2028}i\u{3000}j\tk\u{B}l m\u{200B}n"
    static let turkish = "i I ı İ x ſ s S K k \u{212A} µ μ Μ ß ẞ ΐ ΐ ΰ ΰ ﬅ ﬆ Σ σ ς"

    /// (pattern, flags, subject)
    static let table: [(String, UInt32, String)] = [
        // \s and \S, in and out of classes, negated, ASCII
        (#"\s"#, 0, spaces), (#"\S+"#, 0, spaces), (#"[\s]"#, 0, spaces), (#"[^\s]+"#, 0, spaces),
        (#"[\S]+"#, 0, spaces), (#"[^\S]"#, 0, spaces), (#"[a\s]+"#, 0, spaces), (#"\s"#, A, spaces),
        (#"(?a)[\S]+"#, 0, spaces), (#"[^\sa-c]+"#, 0, spaces),
        // \w \d \b, Unicode and ASCII
        (#"\w+"#, 0, "héllo wörld_1 ٣٤ ²³ Ⅻ 日本"), (#"(?a)\w+"#, 0, "héllo wörld_1 ٣٤"),
        (#"\d+"#, 0, "12 ٣٤ ²³ ５"), (#"\d+"#, A, "12 ٣٤ ５"), (#"\b\w"#, 0, "héllo wörld"),
        (#"\b\w"#, A, "héllo wörld"), (#"\B"#, 0, ""), (#"\B"#, 0, "ab"), (#"(?a)\B."#, 0, "é a"), (#"\b"#, 0, ""),
        (#"\W+"#, 0, "a, é; b"), (#"[\W\d]+"#, 0, "a,1é;2b"), (#"(?a)[^\w]+"#, 0, "aé,b"),
        // IGNORECASE special folds, literals, classes, ranges, negated
        ("i", I, turkish), ("I", I, turkish), ("ı", I, turkish), ("İ", I, turkish), ("s", I, turkish),
        ("k", I, turkish), ("µ", I, turkish), ("σ", I, turkish), ("ß", I, turkish), ("ΐ", I, turkish),
        ("ΰ", I, turkish), ("ﬅ", I, turkish), ("[a-z]+", I, turkish), ("[h-j]", I, turkish),
        ("[^a-z ]", I, turkish), ("[^i]", I, turkish), ("[İ]", I, turkish), ("(?i:I)|x", 0, turkish),
        ("(?i)[^\\W\\d]", 0, turkish), ("(?ai)i|k|s", 0, turkish), ("(?ai)[a-z]", 0, "aZé É K"),
        ("(?ai)é", 0, "é É"), ("(?i)(?-i:i)I", 0, "iI ii Ii"), ("i(?a:i)", I, "iI ıİ İı"),
        // anchors, multiline, dotall
        ("$", 0, "a\nb\n"), ("$", M, "a\nb\n"), ("^", M, "a\nb\n"), ("^.", M, "a\nb\n"), (".$", 0, "a\nb\n"),
        ("a\\Z", 0, "a\na"), ("a\\Z", 0, "a\n"), ("a$", 0, "a\n"), ("\\Aa", M, "a\na"), (".+", 0, "a\rb\nc\u{2028}d"),
        (".+", S, "a\nb"), ("(?s).", 0, "\n"), ("(?s:a.)b.", 0, "a\nbc a\nb\n"), ("(?m)^$", 0, "\n\n"),
        // quantifiers and literal braces
        ("a{,2}", 0, "aaaaa"), ("a{2,}", 0, "aaaaa"), ("a{,}", 0, "aaa"), ("a{}", 0, "a{}"), ("a{x}", 0, "a{x}"),
        ("a{1,2", 0, "a{1,2"), ("{", 0, "{}"), ("x{2}?", 0, "xxx"), ("a*+a", 0, "aaa"), ("(?>a*)b", 0, "aab"),
        ("a{1,3}?", 0, "aaaa"), ("a++b", 0, "aab"),
        // groups and findall shapes
        ("(a)(b)?", 0, "ab a"), ("(a)|(b)", 0, "ab"), ("(?P<x>a)(?P=x)", 0, "aa ab"), ("(a)\\1", 0, "aa ab"),
        ("(?P<n>a)|b", 0, "ab"), ("((a)b)", 0, "abab"), ("(?:a)(b)", 0, "abab"), ("(a)?(?(1)b|c)", 0, "ab c ac"),
        ("(?P<q>a)?(?(q)b|c)", 0, "ab c"), ("(?<=a)b", 0, "ab cb"), ("(?<!a)b", 0, "ab cb"), ("a(?=b)", 0, "ab ac"),
        ("a(?!b)", 0, "ab ac"), ("(?#comment)a", 0, "a"),
        // empty matches
        ("", 0, "abc"), ("a*", 0, "baaac"), ("|a", 0, "aa"), ("a|", 0, "aba"), ("\\b", 0, "ab cd"),
        ("(a)*", 0, "aab"), ("x*", 0, "héé"), ("(?=a)|a", 0, "aa"), ("a??", 0, "aa"), ("", 0, ""),
        // escapes
        ("\\x41\\u00e9\\U0001F600", 0, "Aé😀"), ("\\101\\0\\07", 0, "A\u{0}\u{7}"), ("[\\101-\\103]+", 0, "ABCD"),
        ("\\t\\n\\r\\f\\v\\a", 0, "\t\n\r\u{C}\u{B}\u{7}"), ("[\\b]", 0, "\u{8}b"), ("\\.\\*\\é", 0, ".*é"),
        ("\\N{EM DASH}", 0, "a—b"), ("[\\-a]", 0, "-a"), ("[]a]", 0, "]a"), ("[^]a]", 0, "]ab"), ("[a-]", 0, "-a"),
        // verbose
        ("(?x) a b # comment\n c", 0, "abc a b c"), ("a b [ ]", X, "ab ab  "), ("a\\ b", X, "a b"),
        ("(?x)a{1, 2}", 0, "a{1, 2}"), ("a #x\n+", X, "aaa"), ("(?x: a b ) c", 0, "ab c abc"),
        // Unicode and emoji subjects (character vs byte stepping)
        ("", 0, "é😀"), ("\\w*", 0, "é😀é"), ("[😀-😂]", 0, "😁a😀"), (".", 0, "𝔘𝔫"),
    ]

    @Test func agreesWithPython() throws {
        let cases = Self.table.map { PythonOracle.Case(pattern: $0.0, flags: $0.1, subject: $0.2) }
        let expected = try PythonOracle.run(cases)
        #expect(expected.count == cases.count)
        for (c, want) in zip(cases, expected) {
            let spec = PatternSpec(name: "p", source: c.pattern, flags: PatternFlags(rawValue: c.flags))
            let got: PythonOracle.Outcome
            do {
                let extraction = try Extractor(patterns: [spec]).makeSession().extract(c.subject)
                got = .matches(extraction.matches[0].matches)
            } catch {
                got = .error(error.message, nil)
            }
            #expect(got == want, "pattern \(c.pattern.debugDescription) flags \(c.flags) subject \(c.subject.debugDescription)")
        }
    }

    /// Patterns Python rejects: trawl rejects them too, with Python's message and offset.
    static let invalid: [(String, UInt32)] = [
        ("a)", 0), ("(a", 0), ("[a", 0), ("*a", 0), ("a**", 0), ("a{3,2}", 0), ("\\q", 0), ("[\\q]", 0),
        ("\\x4", 0), ("\\u12", 0), ("\\", 0), ("(?P<1a>x)", 0), ("(?P<a>x)(?P<a>y)", 0), ("(?P=zz)", 0),
        ("(a\\1)", 0), ("\\2(a)", 0), ("(?<=a+)b", 0), ("(?<=a|bc)", 0), ("a(?i)b", 0), ("(?z)", 0),
        ("(?L)a", 0), ("(?au)a", 0), ("(?-a:x)", 0), ("[b-a]", 0), ("[\\w-z]", 0), ("\\777", 0), ("(?<n>a)", 0),
        ("(?#x", 0), ("^*", 0), ("(?P", 0), ("(?i-i:a)", 0), ("\\N{NO SUCH NAME}", 0), ("[\\8]", 0),
        ("(?(2)a|b)", 0), ("(?x)[a", 0),
    ]

    @Test func rejectsWhatPythonRejects() throws {
        let cases = Self.invalid.map { PythonOracle.Case(pattern: $0.0, flags: $0.1, subject: "") }
        let expected = try PythonOracle.run(cases)
        for (c, want) in zip(cases, expected) {
            guard case .error(let message, let pos) = want else {
                Issue.record("Python accepted \(c.pattern.debugDescription)")
                continue
            }
            let spec = PatternSpec(name: "bad", source: c.pattern, flags: PatternFlags(rawValue: c.flags))
            #expect(throws: TrawlError.self, "\(c.pattern.debugDescription)") { try Extractor(patterns: [spec]) }
            do {
                _ = try Extractor(patterns: [spec])
            } catch {
                #expect(error.code == .invalidRegex)
                #expect(error.message.hasPrefix("pattern 'bad': \(message) at offset "),
                        "\(c.pattern.debugDescription): \(error.message) vs Python \(message)")
                if let pos {
                    #expect(error.message.hasSuffix(" at offset \(pos)"),
                            "\(c.pattern.debugDescription): \(error.message) vs Python pos \(pos)")
                }
            }
        }
    }
}
