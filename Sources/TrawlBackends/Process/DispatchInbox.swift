// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// A streamed batch's URLs on their way from the intake thread to the process backend's poll
/// loop, which owns the ``Dispatcher`` and so is the only one that may add them to it: the
/// intake appends here and wakes the loop (through its wake-up socket) when the inbox was
/// empty, and the loop takes everything at once on its next pass.
///
/// Threads: ``add(_:fetch:)`` and ``close()`` on the intake thread, ``take()`` on the loop.
final class DispatchInbox: IntakeTarget {
    private struct State {
        var items: [(url: String, fetch: Bool)] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let wake: @Sendable () -> Void

    /// - Parameter wake: interrupts the loop's wait (a byte on its wake-up socket).
    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    func add(_ url: String, fetch: Bool) {
        // One wake-up per batch of arrivals: the loop takes them all on the pass it wakes for.
        let first = state.withLock { s in
            s.items.append((url, fetch))
            return s.items.count == 1
        }
        if first { wake() }
    }

    func close() {
        state.withLock { $0.closed = true }
        wake()
    }

    /// The URLs added since the last call, in order, and whether the input is over.
    func take() -> (items: [(url: String, fetch: Bool)], closed: Bool) {
        state.withLock { s in
            defer { s.items = [] }
            return (s.items, s.closed)
        }
    }
}
