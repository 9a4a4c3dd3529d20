// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with a condition variable, for threads that must sleep until a state changes
/// (a consumer waiting for the next result with a timeout). `Synchronization.Mutex` has no
/// condition variable and Foundation's `NSCondition` would pull Foundation into libtrawl.so.
///
/// `@unchecked Sendable`: the pthread objects live in heap memory owned by this instance and
/// never move; every access to them goes through pthread calls, which are thread-safe.
public final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        cond = .allocate(capacity: 1)
        cond.initialize(to: pthread_cond_t())
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        // Timeouts are measured on the monotonic clock so that a wall-clock jump cannot
        // stretch or cut a wait.
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the mutex held.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Wakes every waiter. Call with or without the lock held.
    public func broadcast() {
        pthread_cond_broadcast(cond)
    }

    /// Waits, with the lock held, until `predicate` is true or `deadline` (monotonic seconds,
    /// see ``MonotonicClock``) passes; `nil` waits forever. Returns the predicate's last value.
    public func wait(until predicate: () -> Bool, deadline: Double?) -> Bool {
        while !predicate() {
            if let deadline {
                let now = MonotonicClock.now()
                if now >= deadline { return false }
                var ts = timespec()
                let whole = deadline.rounded(.down)
                ts.tv_sec = Int(whole)
                ts.tv_nsec = Int((deadline - whole) * 1_000_000_000)
                pthread_cond_timedwait(cond, mutex, &ts)
            } else {
                pthread_cond_wait(cond, mutex)
            }
        }
        return true
    }
}

/// Seconds on the monotonic clock: for elapsed times and deadlines.
public enum MonotonicClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1_000_000_000
    }

    /// CPU time consumed by the calling thread, in seconds: regex budgets are charged in CPU
    /// time so that a busy machine does not make a pattern fail.
    public static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1_000_000_000
    }
}
