// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The lanes of one process that may be parked on a shared decision (a host slot, a
/// robots.txt verdict), by the id they were given when they joined, so that whoever makes
/// the decision can wake exactly the lanes waiting for it.
final class LaneRegistry: Sendable {
    private let lanes = Mutex<(next: Int, wakers: [Int: LaneWaker])>((0, [:]))

    /// Registers a lane; the returned id names it from then on.
    func join(_ waker: LaneWaker) -> Int {
        lanes.withLock { l in
            defer { l.next += 1 }
            l.wakers[l.next] = waker
            return l.next
        }
    }

    func leave(_ lane: Int) {
        lanes.withLock { _ = $0.wakers.removeValue(forKey: lane) }
    }

    /// Wakes the lanes of `ids` that are still registered, outside the lock.
    func wake<S: Sequence>(_ ids: S) where S.Element == Int {
        let wakers = lanes.withLock { l in ids.compactMap { l.wakers[$0] } }
        for w in wakers { w.wake() }
    }
}
