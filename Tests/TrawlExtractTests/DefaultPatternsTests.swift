// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
@testable import TrawlExtract
import TrawlTestSupport

/// The default patterns against Fixtures/default_patterns.json, made by
/// Fixtures/make_fixture.py from Python's `re.findall` on every corpus page.
@Suite struct DefaultPatternsTests {
    struct Fixture: Decodable {
        struct Result: Decodable {
            var finished: Bool
            var matches: [String]
            var rewrite: String?
        }
        var timeouts: Int
        var pages: [String: [String: Result]]
    }

    static func loadFixture() throws -> Fixture {
        let url = packageRoot().appendingPathComponent("Tests/TrawlExtractTests/Fixtures/default_patterns.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test(.enabled(if: Corpus.isPresent, "needs the readability corpus (../shared/corpus/readability or TRAWL_CORPUS)"))
    func everyCorpusPageMatchesPython() throws {
        let fixture = try Self.loadFixture()
        #expect(fixture.pages.count == 130)
        let extractor = try Extractor(patterns: PatternSpec.defaults)
        let session = extractor.makeSession()
        var unfinished = 0
        for (page, expected) in fixture.pages.sorted(by: { $0.key < $1.key }) {
            let data = try Data(contentsOf: corpusDirectory().appendingPathComponent(page))
            let text = String(decoding: data, as: UTF8.self)
            let result = session.extract(text)
            #expect(result.error == nil, "\(page)")
            for found in result.matches {
                guard let want = expected[found.name] else {
                    Issue.record("\(page): no fixture for \(found.name)")
                    continue
                }
                if !want.finished { unfinished += 1 }
                #expect(found.strings == want.matches, "\(page) \(found.name) (Python finished: \(want.finished))")
            }
        }
        // The fixture records the pairs Python could not finish; trawl finished all of them.
        #expect(unfinished == fixture.timeouts)
        #expect(unfinished > 0)
    }

    /// Every page of the generated site that Python finishes, against Python's `re.findall`
    /// run now: every quoting style, upper-case tags, tags across lines, legacy charsets.
    @Test func everySitePageMatchesPython() throws {
        var cases: [PythonOracle.Case] = []
        for page in Site.pythonSafe {
            let text = try #require(Site.text(page.name))
            for spec in PatternSpec.defaults {
                cases.append(PythonOracle.Case(pattern: spec.source, flags: spec.flags.rawValue, subject: text))
            }
        }
        let expected = try PythonOracle.run(cases)
        #expect(expected.count == cases.count && cases.count > 200)
        let session = try Extractor(patterns: PatternSpec.defaults).makeSession()
        var found = 0
        for (k, page) in Site.pythonSafe.enumerated() {
            let result = session.extract(cases[2 * k].subject)
            #expect(result.error == nil, "\(page.name)")
            for (j, m) in result.matches.enumerated() {
                found += m.matches.count
                #expect(PythonOracle.Outcome.matches(m.matches) == expected[2 * k + j], "\(page.name) \(m.name)")
            }
        }
        #expect(found > 10_000)
    }

    @Test func defaultPatternsAreRewritten() throws {
        let extractor = try Extractor(patterns: PatternSpec.defaults)
        #expect(extractor.groupCounts == [1, 1])
        #expect(extractor.rewrites == [.committedLinearLoop, .committedLinearLoop])
        let plain = try Extractor(patterns: [PatternSpec(name: "p", source: "(?:.*?\\s)*?x"),
                                             PatternSpec(name: "q", source: "a(?:.*?\\s)*x")])
        #expect(plain.rewrites == [.linearLoop, .none])
    }

    /// A page where Python's findall backtracks exponentially: many `<a ` tags and no `href=`.
    @Test func pathologicalPageFinishes() throws {
        let text = "<a href='first'>" + String(repeating: "<a class=x data-y='z' title=\"t u\">no link</a>\n", count: 20_000)
        let extractor = try Extractor(patterns: PatternSpec.defaults, budget: 10)
        let result = extractor.makeSession().extract(text)
        #expect(result.error == nil)
        #expect(result.matches[1].strings == ["first"])
        #expect(result.matches[0].strings == [])
    }
}
