// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif

/// Keeps a write to a closed socket from killing the process with SIGPIPE.
///
/// hiredis 0.14 writes with plain `write(2)` (no `MSG_NOSIGNAL`), and libtrawl must not
/// change the host application's signal dispositions. So around the call the signal is
/// blocked for the calling thread only; if the call raised one, it is consumed with a
/// zero-timeout `sigtimedwait` before the old mask returns (the technique libcurl and
/// OpenSSL document for the same problem). The write then fails with EPIPE, which hiredis
/// reports as an I/O error.
enum SigpipeGuard {
    static func run<R>(_ body: () -> R) -> R {
        var pipeSet = sigset_t()
        sigemptyset(&pipeSet)
        sigaddset(&pipeSet, SIGPIPE)
        var old = sigset_t()
        guard pthread_sigmask(SIG_BLOCK, &pipeSet, &old) == 0 else { return body() }
        var before = sigset_t()
        sigpending(&before)
        let wasPending = sigismember(&before, SIGPIPE) == 1
        let result = body()
        if !wasPending && sigismember(&old, SIGPIPE) == 0 {
            var after = sigset_t()
            sigpending(&after)
            if sigismember(&after, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSet, nil, &zero)
            }
        }
        pthread_sigmask(SIG_SETMASK, &old, nil)
        return result
    }
}
