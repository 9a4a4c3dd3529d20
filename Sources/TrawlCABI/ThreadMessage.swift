// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The message behind `trawl_last_error`: per thread, for calls that fail without a handle of
/// their own to hold the reason (`trawl_batch_start`, `trawl_crawl` hand back no batch). A
/// crawler cannot hold it: any number of threads start batches on one crawler at once.
///
/// `@unchecked Sendable`: `key` is created once in `init` and never changes; each thread only
/// reads and replaces its own value.
final class ThreadMessage: @unchecked Sendable {
    static let shared = ThreadMessage()

    private var key = pthread_key_t()

    private init() {
        // The destructor frees a thread's message when the thread exits.
        pthread_key_create(&key) { free($0) }
    }

    /// The calling thread's message, `""` when its last such call succeeded.
    var pointer: UnsafePointer<CChar> {
        guard let p = pthread_getspecific(key) else { return StaticCStrings.shared.empty }
        return UnsafePointer(p.assumingMemoryBound(to: CChar.self))
    }

    func set(_ message: String) {
        let old = pthread_getspecific(key)
        pthread_setspecific(key, strdup(message))
        free(old)
    }

    func clear() {
        let old = pthread_getspecific(key)
        pthread_setspecific(key, nil)
        free(old)
    }
}

/// `trawl_last_error`: why the calling thread's last `trawl_batch_start` or `trawl_crawl`
/// failed, `""` if it succeeded.
@_cdecl("trawl_last_error")
public func trawl_last_error() -> UnsafePointer<CChar> {
    ThreadMessage.shared.pointer
}
