// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization
import Testing
import TrawlCore
import TrawlHTTP
import TrawlTestSupport

/// A flag another thread raises.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func raise() { value.store(true, ordering: .releasing) }
    var isRaised: Bool { value.load(ordering: .acquiring) }
}

/// Fetches `urls` through one lane and returns the responses by index, checking that every
/// pulled request got exactly one response with its own index and URL.
func fetch(_ urls: [String], options: CrawlOptions = CrawlOptions(), inFlight: Int = 8,
           sourceLocation: SourceLocation = #_sourceLocation) throws -> [FetchResponse] {
    let lane = try FetchLane(options: options)
    var cursor = 0
    var got: [FetchResponse?] = Array(repeating: nil, count: urls.count)
    var duplicates = 0
    lane.run(inFlight: inFlight, next: {
        guard cursor < urls.count else { return .finished }
        defer { cursor += 1 }
        return .request(FetchRequest(index: cursor, url: urls[cursor]))
    }, isCancelled: { false }, complete: { response in
        if got[response.index] != nil { duplicates += 1 }
        got[response.index] = response
    })
    #expect(duplicates == 0, "a request completed twice", sourceLocation: sourceLocation)
    var out: [FetchResponse] = []
    for (i, response) in got.enumerated() {
        let response = try #require(response, "no response for \(urls[i])", sourceLocation: sourceLocation)
        #expect(response.url == urls[i], sourceLocation: sourceLocation)
        out.append(response)
    }
    return out
}

/// One URL through one lane.
func fetchOne(_ url: String, options: CrawlOptions = CrawlOptions(),
              sourceLocation: SourceLocation = #_sourceLocation) throws -> FetchResponse {
    try fetch([url], options: options, inFlight: 1, sourceLocation: sourceLocation)[0]
}

/// The test server's URL for `path`.
func server(_ path: String) -> String {
    TestServer.shared.url(path)
}

extension FetchResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
