// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// A listening TCP socket on a free 127.0.0.1 port whose accept loop runs on a thread of its
/// own, handing each accepted connection to `onAccept` (which owns and closes it).
final class LoopbackListener: Sendable {
    /// The port on 127.0.0.1.
    let port: Int
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let onAccept: @Sendable (Int32) -> Void

    init(onAccept: @escaping @Sendable (Int32) -> Void) throws {
        self.onAccept = onAccept
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError(message: "socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard let port = TestServer.bindLoopback(fd, listening: true) else {
            close(fd)
            throw TestServerError(message: "bind/listen: \(errno)")
        }
        listener = fd
        self.port = port
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting (connections being served finish).
    func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            let c = accept(listener, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                return
            }
            onAccept(c)
        }
    }
}
