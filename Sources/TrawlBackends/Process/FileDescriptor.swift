// SPDX-License-Identifier: Apache-2.0

import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// Thin wrappers over the pipe system calls the process backend uses, retrying on EINTR and
/// mapping failures to ``TrawlError`` (swift-system's pattern, without the dependency).
enum FD {
    /// A connected pair of close-on-exec stream sockets: the host's channel to one worker.
    /// A socket rather than a pipe because `send(MSG_NOSIGNAL)` reports a dead worker as
    /// EPIPE without raising SIGPIPE, so the host process's signal dispositions stay its own.
    static func socketPair() throws(TrawlError) -> (host: Int32, worker: Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw errnoError("socketpair")
        }
        return (fds[0], fds[1])
    }

    /// Writes all of `bytes`; a closed peer fails with EPIPE and never raises SIGPIPE on a
    /// socket. (On a pipe, the worker's own stdout when run by hand, SIGPIPE applies.)
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(TrawlError) {
        var done = 0
        var isSocket = true
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                let p = raw.baseAddress.map { $0 + done }
                if isSocket {
                    let sent = send(fd, p, raw.count - done, Int32(MSG_NOSIGNAL))
                    if sent < 0 && errno == ENOTSOCK { isSocket = false; return write(fd, p, raw.count - done) }
                    return sent
                }
                return write(fd, p, raw.count - done)
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw errnoError("write")
            }
            done += n
        }
    }

    /// Reads what is available into `decoder`, straight into its buffer (no scratch copy).
    /// - Returns: false at end of file.
    static func read(_ fd: Int32, into decoder: inout FrameDecoder) throws(TrawlError) -> Bool {
        while true {
            let n = decoder.fill { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw errnoError("read")
            }
            return n > 0
        }
    }

    static func close(_ fd: Int32) {
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    static func errnoError(_ call: String) -> TrawlError {
        let e = errno
        return TrawlError(.io, "\(call): \(String(cString: strerror(e)))")
    }
}
