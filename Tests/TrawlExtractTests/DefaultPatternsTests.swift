// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
@testable import TrawlExtract

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

    @Test func everyCorpusPageMatchesPython() throws {
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
