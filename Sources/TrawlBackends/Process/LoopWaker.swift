// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Interrupts the process backend's `poll`: a byte written to one end of a socket pair makes
/// the other end, among the polled descriptors, readable. A cancel or an intake thread may
/// call ``wake()`` after the loop is over and its descriptors are closed (a batch cancelled
/// once it ended, a detached intake); the descriptor number may then belong to another
/// socket, so the write and the close are serialised and a late wake-up writes nothing.
final class LoopWaker: Sendable {
    /// The end ``wake()`` writes to, until ``close()``.
    private let writeEnd: Mutex<Int32?>
    /// The end the loop polls and drains.
    let readEnd: Int32

    init() throws(TrawlError) {
        let pair = try FD.socketPair()
        readEnd = pair.host
        writeEnd = Mutex(pair.worker)
    }

    func wake() {
        writeEnd.withLock { fd in
            guard let fd else { return }
            var b: UInt8 = 1
            // Non-blocking: a full buffer already holds a wake-up the loop has not read.
            _ = withUnsafeBytes(of: &b) { Sys.send(fd, $0, flags: Int32(MSG_DONTWAIT)) }
        }
    }

    /// Reads the wake-ups that arrived (the loop calls it when ``readEnd`` was readable).
    func drain() {
        var sink = [UInt8](repeating: 0, count: 256)
        _ = sink.withUnsafeMutableBytes { Sys.recv(readEnd, $0, flags: Int32(MSG_DONTWAIT)) }
    }

    /// Closes both ends; later wake-ups do nothing.
    func close() {
        writeEnd.withLock { fd in
            if let w = fd { FD.close(w) }
            fd = nil
        }
        FD.close(readEnd)
    }
}
