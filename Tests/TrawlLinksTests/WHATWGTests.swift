// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlLinks

/// Every non-`file:` case of the WHATWG URL test data: the parser gives the standard's
/// `href`, or fails where the standard says failure.
@Suite struct WHATWGTests {
    struct Case: CustomStringConvertible {
        var input: String
        var base: String?
        var href: String?
        var description: String { "\(input.debugDescription) against \(base.debugDescription)" }
    }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/whatwg-urls", withExtension: "json"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[Any]])
        return rows.map { Case(input: $0[0] as? String ?? "", base: $0[1] as? String, href: $0[2] as? String) }
    }

    /// libidn2 applies IDNA2008's validity rules after UTS #46 mapping, so symbols that
    /// UTS #46 lets through (U+2603 SNOWMAN) are refused: these links stay raw, flagged.
    static let knownDifferences: Set<String> = ["ftp://%e2%98%83", "https://%e2%98%83"]

    @Test func everyCaseOfTheStandardsData() throws {
        let all = try Self.cases()
        #expect(all.count > 600)
        var failures: [String] = []
        for c in all {
            var base: WebURL? = nil
            if let b = c.base {
                base = WebURL(b)
                // A base the parser refuses makes the case a failure, as in the standard.
                if base == nil {
                    if c.href != nil { failures.append("\(c): base did not parse") }
                    continue
                }
            }
            let got = WebURL(c.input, base: base)?.href
            if Self.knownDifferences.contains(c.input) {
                if got != nil { failures.append("\(c): a known difference is gone, drop it from the list") }
                continue
            }
            if got != c.href { failures.append("\(c): got \(got.debugDescription), want \(c.href.debugDescription)") }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) of \(all.count):\n" + failures.joined(separator: "\n")))
    }
}
