// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlCore
@testable import TrawlDecode
import TrawlTestSupport

/// Every page of the generated demo site, decoded as a browser would with the Content-Type the
/// test server sends: the charset declared by header, BOM or `<meta>` is found and applied, and
/// the text is exactly the generator's (Python encoded it; WHATWG decoders must undo that).
@Suite struct SiteTests {
    @Test func everyPageDecodesToTheGeneratorsText() throws {
        #expect(Site.pages.count >= 100)
        for page in Site.pages {
            let body = try #require(Site.bytes(page.name))
            let decoded = BodyDecoder.decode(body, contentType: page.contentType, mode: .browser)
            #expect(decoded.charset == page.charset, "\(page.name) (\(page.kind))")
            #expect(decoded.text == Site.text(page.name), "\(page.name) (\(page.kind))")
        }
    }
}
