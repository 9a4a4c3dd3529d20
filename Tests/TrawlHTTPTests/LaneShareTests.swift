// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
import TrawlHTTP
import TrawlTestSupport

/// TLS sessions and the DNS cache shared across lanes (issue 17 item 3), against the test
/// server's HTTPS listener, which says whether each connection's handshake resumed a session.
@Suite struct LaneShareTests {
    struct Session: Decodable {
        let port: Int
        let tls: Bool
        let reused: Bool
    }

    static func options() -> FetchOptions {
        var o = CrawlOptions()
        o.caBundle = TestServer.shared.caFile
        return FetchOptions(o)
    }

    /// Runs `urls` on `lane` and decodes each `/tls-session` answer.
    static func sessions(_ urls: [String], on lane: FetchLane, inFlight: Int = 1) throws -> [Session] {
        var cursor = 0
        var bodies: [Int: [UInt8]] = [:]
        var errors: [String] = []
        lane.run(inFlight: inFlight, next: {
            guard cursor < urls.count else { return .finished }
            defer { cursor += 1 }
            return .request(FetchRequest(index: cursor, url: urls[cursor]))
        }, isCancelled: { false }, complete: { response in
            if let error = response.error { errors.append(error.message) }
            bodies[response.index] = response.body
        })
        #expect(errors.isEmpty, "\(errors)")
        return try urls.indices.map { i in
            try JSONDecoder().decode(Session.self, from: Data(try #require(bodies[i])))
        }
    }

    /// A new connection on a second lane resumes the session the first lane negotiated when
    /// the lanes share one ``LaneShare``, and does a full handshake when they do not.
    @Test(arguments: [true, false])
    func aSecondLaneResumesTheFirstLanesSession(shared: Bool) throws {
        let url = try #require(TestServer.shared.httpsURL("/tls-session?close=1"), "no TLS listener")
        let share = shared ? try LaneShare() : nil
        let first = try FetchLane(options: Self.options(), share: share)
        let second = try FetchLane(options: Self.options(), share: share)
        let a = try Self.sessions([url], on: first)
        let b = try Self.sessions([url], on: second)
        #expect(a[0].tls && b[0].tls)
        #expect(a[0].port != b[0].port, "two connections")
        #expect(b[0].reused == shared, "shared: \(shared)")
    }

    /// Names resolve once per share: a second lane's transfer to `localhost` works from the
    /// shared DNS cache as well (a smoke test that the DNS lock is wired; the cache itself is
    /// libcurl's).
    @Test func lanesSharingTheDNSCacheStillResolve() throws {
        let share = try LaneShare()
        let port = TestServer.shared.port
        for _ in 0..<2 {
            let lane = try FetchLane(options: Self.options(), share: share)
            var status: Int?
            var done = false
            lane.run(inFlight: 1, next: {
                defer { done = true }
                return done ? .finished : .request(FetchRequest(index: 0, url: "http://localhost:\(port)/empty"))
            }, isCancelled: { false }, complete: { status = $0.status })
            #expect(status == 200)
        }
    }
}
