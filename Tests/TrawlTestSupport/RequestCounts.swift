// SPDX-License-Identifier: Apache-2.0
import Foundation

extension TestServer {
    /// How many requests `/counted/TAG/...` has served: the server's own count, read with a
    /// plain HTTP/1.0 request on a socket (no client under test involved).
    public func served(_ tag: String) throws -> Int {
        let text = String(decoding: try LoopbackSocket.get(port: port, "/count/\(tag)"), as: UTF8.self)
        guard let n = Int(text) else { throw TestServerError(message: "unexpected /count reply: \(text)") }
        return n
    }

    /// A tag no other test uses, for `/counted/TAG/...` and `/graph/TAG/...`.
    public static func freshToken() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The requests `/counted/TAG/` and `/graph/TAG/` served, by path and query (`/hits/TAG`),
    /// read over a plain socket, so that no part of trawl counts its own requests.
    public func hits(_ tag: String) throws -> [String: Int] {
        let body = try LoopbackSocket.get(port: port, "/hits/\(tag)")
        guard let counts = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Int] else {
            throw TestServerError(message: "unreadable /hits answer: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        return counts
    }
}
