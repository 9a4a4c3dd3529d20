// SPDX-License-Identifier: Apache-2.0
import CCurl
import Foundation
import Testing
import TrawlCore
@testable import TrawlHTTP
import TrawlTestSupport

/// Issue 13's fetch-level fixes: protocols only narrow http/https, international host names,
/// and every CURLcode's trawl error code.
@Suite struct HardeningTests {
    // MARK: Protocols

    @Test(arguments: ["http,file", "file", "https,gopher", "ftp"])
    func protocolsMayOnlyNarrowHTTP(_ list: String) throws {
        var options = CrawlOptions()
        #expect(throws: TrawlError.self) { try options.set("protocols", .string(list)) }
        #expect(options.allowedProtocols == ["http", "https"], "unchanged when refused")
        // Set directly in Swift, the lane refuses it before any transfer.
        options.allowedProtocols = list.split(separator: ",").map(String.init)
        let error = try #require(throws: TrawlError.self) { try FetchLane(options: options) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("http,https"))
    }

    @Test func narrowedProtocolsHoldForRedirectsToo() throws {
        var options = CrawlOptions()
        try options.set("protocols", .string("HTTP"))
        #expect(options.allowedProtocols == ["http"])
        let https = try #require(TestServer.shared.httpsURL("/empty"))
        let escaped = try #require(https.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let responses = try fetch([server("/redirect-to?url=" + escaped), https, server("/empty")], options: options)
        #expect(responses[0].error?.code == .unsupportedProtocol, "\(String(describing: responses[0].error))")
        #expect(responses[0].error?.message.contains("redirect") == true)
        #expect(responses[1].error?.code == .unsupportedProtocol)
        #expect(responses[2].error == nil)
    }

    // MARK: International host names

    /// A lane that resolves `xn--bcher-kva.example` (bücher.example) to the test server.
    private func idnFetch(_ urls: [String]) throws -> [FetchResponse] {
        let port = TestServer.shared.port
        let lane = try FetchLane(options: FetchOptions(), hosts: nil,
                                 resolve: ["xn--bcher-kva.example:\(port):127.0.0.1"])
        var out: [FetchResponse] = []
        var cursor = 0
        lane.run(inFlight: 4, next: {
            guard cursor < urls.count else { return .finished }
            defer { cursor += 1 }
            return .request(FetchRequest(index: cursor, url: urls[cursor]))
        }, isCancelled: { false }, complete: { out.append($0) })
        return out.sorted { $0.index < $1.index }
    }

    @Test func internationalHostNamesAreFetchedByTheirASCIIForm() throws {
        let port = TestServer.shared.port
        let urls = ["http://bücher.example:\(port)/headers", "http://BÜCHER.Example:\(port)/headers",
                    "http://xn--bcher-kva.example:\(port)/headers"]
        let responses = try idnFetch(urls)
        try #require(responses.count == 3)
        for (url, response) in zip(urls, responses) {
            #expect(response.error == nil, "\(url): \(String(describing: response.error))")
            #expect(response.url == url, "the URL as given stays in the result")
            #expect(response.finalURL == "http://xn--bcher-kva.example:\(port)/headers")
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
            #expect(json?["host"] == "xn--bcher-kva.example:\(port)", "the Host header is the ASCII form")
        }
    }

    @Test(arguments: ["http://\u{FFFD}.example/", "http://a\u{200D}b.example/", "http://-bücher-.example/"])
    func invalidInternationalHostNamesAreInvalidURLs(_ url: String) throws {
        let response = try fetchOne(url)
        #expect(response.error?.code == .invalidURL, "\(String(describing: response.error))")
        #expect(response.error?.message.contains("international domain name") == true)
    }

    // MARK: Paths and queries as browsers send them

    /// libcurl sent a path's UTF-8 bytes raw; browsers percent-encode them (and `"<>` and a
    /// few more, WHATWG URL's percent-encode sets), leaving `%` escapes alone.
    @Test func nonASCIIPathsAndQueriesArePercentEncodedBeforeSending() throws {
        let cases = [
            ("/request-target/Grüße/日本", "/request-target/Gr%C3%BC%C3%9Fe/%E6%97%A5%E6%9C%AC"),
            ("/request-target/%c3%bc/ü", "/request-target/%c3%bc/%C3%BC"),
            ("/request-target/b%C3%BCcher/ü\"<>`{}|^'?q=café&x=\"<>'`{}#frägment",
             "/request-target/b%C3%BCcher/%C3%BC%22%3C%3E%60%7B%7D|^'?q=caf%C3%A9&x=%22%3C%3E%27`{}"),
            ("/request-target/plain?q=1", "/request-target/plain?q=1"),
        ]
        let responses = try fetch(cases.map { server($0.0) })
        for ((path, expected), response) in zip(cases, responses) {
            #expect(response.error == nil, "\(path): \(String(describing: response.error))")
            #expect(String(decoding: response.body, as: UTF8.self) == expected, "\(path)")
            #expect(response.url == server(path), "the URL as given stays in the result")
        }
        // With an international host name too, and escapes already there kept as they are.
        let idn = try idnFetch(["http://bücher.example:\(TestServer.shared.port)/request-target/ü?q=%C3"])
        #expect(idn.first.map { String(decoding: $0.body, as: UTF8.self) } == "/request-target/%C3%BC?q=%C3")
    }

    // MARK: libcurl's errors

    /// Every CURLcode of libcurl 7.88 (1...99) and the trawl code it must give, written out
    /// here by number rather than derived from the table under test.
    static let expected: [(Int32, String)] = [
        (1, "bad_response"), (2, "internal"), (3, "invalid_url"), (4, "internal"), (5, "dns"), (6, "dns"),
        (7, "connect"), (8, "bad_response"), (9, "internal"), (10, "internal"), (11, "internal"),
        (12, "internal"), (13, "internal"), (14, "internal"), (15, "internal"), (16, "http"), (17, "internal"),
        (18, "network"), (19, "internal"), (20, "internal"), (21, "internal"), (22, "http"), (23, "network"),
        (24, "internal"), (25, "internal"), (26, "network"), (27, "bad_response"), (28, "timeout"),
        (29, "internal"), (30, "internal"), (31, "internal"), (32, "internal"), (33, "http"), (34, "http"),
        (35, "tls"), (36, "internal"), (37, "internal"), (38, "internal"), (39, "internal"), (40, "internal"),
        (41, "internal"), (42, "cancelled"), (43, "internal"), (44, "internal"), (45, "connect"),
        (46, "internal"), (47, "too_many_redirects"), (48, "internal"), (49, "internal"), (50, "internal"),
        (51, "internal"), (52, "network"), (53, "tls"), (54, "tls"), (55, "network"), (56, "network"),
        (57, "internal"), (58, "tls"), (59, "tls"), (60, "tls"), (61, "bad_response"), (62, "internal"),
        (63, "too_large"), (64, "tls"), (65, "http"), (66, "tls"), (67, "internal"), (68, "internal"),
        (69, "internal"), (70, "internal"), (71, "internal"), (72, "internal"), (73, "internal"),
        (74, "internal"), (75, "internal"), (76, "internal"), (77, "tls"), (78, "internal"), (79, "internal"),
        (80, "tls"), (81, "network"), (82, "tls"), (83, "tls"), (84, "internal"), (85, "internal"),
        (86, "internal"), (87, "internal"), (88, "internal"), (89, "connect"), (90, "tls"), (91, "tls"),
        (92, "http"), (93, "internal"), (94, "http"), (95, "http"), (96, "http"), (97, "connect"), (98, "tls"),
        (99, "internal"),
    ]

    @Test func everyCURLcodeHasItsOwnEntry() {
        #expect(Self.expected.map(\.0) == Array(1..<Int32(CURL_LAST.rawValue)))
        #expect(Set(CurlErrors.table.keys) == Set(1..<Int(CURL_LAST.rawValue)), "no code falls to a default")
    }

    @Test(arguments: expected)
    func curlCodeMapping(_ number: Int32, _ name: String) {
        let code = CURLcode(rawValue: UInt32(number))
        #expect(CurlErrors.code(for: code, detail: "").name == name, "CURLcode \(number)")
        let error = CurlErrors.error(for: code, detail: "")
        #expect(error.message.contains("(curl error \(number))"))
    }

    @Test func mappingsThatDependOnTheDetail() {
        #expect(CurlErrors.code(for: CURLE_UNSUPPORTED_PROTOCOL, detail: "", schemeRefused: true) == .unsupportedProtocol)
        #expect(CurlErrors.code(for: CURLE_UNSUPPORTED_PROTOCOL,
                                detail: "The redirect target URL could not be parsed: Unsupported URL scheme")
                == .unsupportedProtocol)
        #expect(CurlErrors.code(for: CURLE_UNSUPPORTED_PROTOCOL, detail: "Received HTTP/0.9 when not allowed")
                == .badResponse)
        #expect(CurlErrors.code(for: CURLE_OPERATION_TIMEDOUT, detail: "Resolving timed out after 5000 milliseconds")
                == .dns)
        #expect(CurlErrors.code(for: CURLE_RECV_ERROR,
                                detail: "Illegal or missing hexadecimal sequence in chunked-encoding") == .badResponse)
        #expect(CurlErrors.code(for: CURLE_RECV_ERROR, detail: "Recv failure: Connection reset by peer") == .network)
    }
}
