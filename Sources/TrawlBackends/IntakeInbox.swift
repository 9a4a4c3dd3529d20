// SPDX-License-Identifier: Apache-2.0

import Synchronization
import TrawlCore

/// A streamed batch's URLs on their way from the intake thread to a backend's own loop, the
/// only one that may act on them: the process backend's poll loop (which owns the
/// ``Dispatcher``) or the cluster submitter's (which owns the Redis connection). The intake
/// appends here and wakes the loop when the inbox was empty, and the loop takes everything
/// at once on its next pass.
///
/// Threads: ``add(_:fetch:)`` and ``close()`` on the intake thread, ``take()`` on the loop.
final class IntakeInbox: IntakeTarget {
    private struct State {
        var items: [(url: String, fetch: Bool)] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let wake: @Sendable () -> Void

    /// - Parameter wake: interrupts the loop's wait (a byte on the process backend's wake-up
    ///   socket; nothing for a loop that polls).
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

/// A streamed batch's ``URLIntake`` on a thread of its own, filling an ``IntakeInbox`` for a
/// backend whose loop takes the URLs (process, cluster).
final class InboxIntake {
    let inbox: IntakeInbox
    private let thread: OSThread?
    private let hub: BatchHub

    /// Starts reading `hub`'s source; nil for a list. When the thread cannot start, the input
    /// ends with that error and the inbox is closed at once.
    /// - Parameter wake: interrupts the backend loop's wait (see ``IntakeInbox/init(wake:)``).
    static func start(_ hub: BatchHub, wake: @escaping @Sendable () -> Void) -> InboxIntake? {
        guard let source = hub.source else { return nil }
        let inbox = IntakeInbox(wake: wake)
        let reader = URLIntake(source: source, hub: hub, frontier: inbox)
        do throws(TrawlError) {
            return InboxIntake(inbox: inbox, hub: hub, thread: try OSThread(name: "trawl-intake") { reader.run() })
        } catch {
            hub.inputEnded(error)
            inbox.close()
            return InboxIntake(inbox: inbox, hub: hub, thread: nil)
        }
    }

    private init(inbox: IntakeInbox, hub: BatchHub, thread: OSThread?) {
        self.inbox = inbox
        self.hub = hub
        self.thread = thread
    }

    /// After the backend's loop: an intake still reading (the loop stopped early) is stopped,
    /// or its URLs would wait for results no one makes. As on the thread backend, a cancelled
    /// batch does not wait for a source blocked in a read (standard input); one that drains on
    /// cancel is read to its end.
    func stop() {
        if !inbox.take().closed, !hub.isCancelled { hub.cancel() }
        if hub.isCancelled && hub.source?.drainsOnCancel != true { thread?.detach() } else { thread?.join() }
    }
}
