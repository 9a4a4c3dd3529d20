// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A joinable OS thread. The library starts its own threads with pthreads: libcurl handles
/// are tied to one thread each, and Foundation's `Thread` would pull Foundation in.
///
/// `@unchecked Sendable`: `handle` is written once, before the value is shared, and only
/// read by ``join()``, which callers invoke once.
public final class OSThread: @unchecked Sendable {
    private var handle: pthread_t? = nil

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread.
    /// - Throws: `internal` when the system refuses a thread (`pthread_create` failed).
    public init(name: String, _ body: @escaping @Sendable () -> Void) throws(TrawlError) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { arg in
            guard let arg else { return nil }
            let box = Unmanaged<Box>.fromOpaque(arg).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw TrawlError(.internalError, "pthread_create failed (\(rc)) for thread \(name)")
        }
        handle = t
    }

    /// Waits for the thread to end.
    public func join() {
        guard let h = handle else { return }
        handle = nil
        pthread_join(h, nil)
    }

    /// Lets the thread end on its own; its resources are freed when it does.
    public func detach() {
        guard let h = handle else { return }
        handle = nil
        pthread_detach(h)
    }

    /// Waits for the thread to end, or, when called on the thread itself (where joining
    /// would fail with EDEADLK), detaches it so that its resources are freed when it ends.
    public func joinOrDetach() {
        guard let h = handle else { return }
        handle = nil
        if pthread_equal(h, pthread_self()) != 0 {
            pthread_detach(h)
        } else {
            pthread_join(h, nil)
        }
    }

    /// The number of online cores, which joblib's `n_jobs=-1` stands for.
    public static var availableCores: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
