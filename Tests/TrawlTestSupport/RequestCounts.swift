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
}
