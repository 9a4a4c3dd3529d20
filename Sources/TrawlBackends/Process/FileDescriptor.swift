// SPDX-License-Identifier: Apache-2.0

import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call's `errno`, kept with the call's name (swift-system's `Errno`, in
/// small): callers report what the system said instead of a generic failure.
struct Errno: Error, Equatable {
    let code: Int32
    let call: String

    /// The `errno` just set by `call`.
    static func current(_ call: String) -> Errno { Errno(code: errno, call: call) }

    /// "poll: Invalid argument (errno 22)".
    var message: String { "\(call): \(String(cString: strerror(code))) (errno \(code))" }
}

/// The system calls of the dispatcher's poll loop, one thin function each, retrying on
/// EINTR and returning the errno on failure.
enum Sys {
    /// `poll(2)`; an interrupted wait counts as a wait with no events.
    static func poll(_ fds: inout [pollfd], timeoutMs: Int32) -> Result<Int, Errno> {
        let rc = Glibc.poll(&fds, nfds_t(fds.count), timeoutMs)
        if rc < 0 { return errno == EINTR ? .success(0) : .failure(.current("poll")) }
        return .success(Int(rc))
    }

    /// `recv(2)` into `buffer`; 0 at end of file.
    static func recv(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, flags: Int32 = 0) -> Result<Int, Errno> {
        while true {
            let n = Glibc.recv(fd, buffer.baseAddress, buffer.count, flags)
            if n >= 0 { return .success(n) }
            if errno != EINTR { return .failure(.current("recv")) }
        }
    }

    /// `send(2)` of `buffer`, never raising SIGPIPE; returns the bytes sent.
    static func send(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, flags: Int32 = 0) -> Result<Int, Errno> {
        while true {
            let n = Glibc.send(fd, buffer.baseAddress, buffer.count, flags | Int32(MSG_NOSIGNAL))
            if n >= 0 { return .success(n) }
            if errno != EINTR { return .failure(.current("send")) }
        }
    }
}

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
    /// - Returns: false at end of file, and when the peer reset the connection: a peer that
    ///   closes its end with bytes still unread (a host exiting while a worker's last frames
    ///   are in flight) resets it, which is as normal an end as end of file.
    static func read(_ fd: Int32, into decoder: inout FrameDecoder) throws(TrawlError) -> Bool {
        while true {
            let n = decoder.fill { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return false }
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
