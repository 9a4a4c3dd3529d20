// SPDX-License-Identifier: Apache-2.0

/// Interrupts a lane's wait for network events from any thread: after new work was queued
/// for ``Pull/wait``, or after a cancellation, so that the lane reacts at once instead of
/// within its 100 ms poll interval.
public struct LaneWaker: Sendable {
    let multi: CurlMulti

    /// Wakes the lane's `curl_multi_poll` (`curl_multi_wakeup`, which libcurl allows from any
    /// thread). Harmless when the lane is not waiting or has returned.
    public func wake() {
        multi.wakeup()
    }
}
