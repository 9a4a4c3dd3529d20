// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// A loopback listener that must never be reached: it counts every connection it accepts
/// (closing each at once), so a test of the SSRF guard can assert that not one connection
/// got through, whatever the URL's spelling.
public final class CanaryServer: Sendable {
    private let counter: Counter
    private let listener: LoopbackListener

    /// Starts listening on a free loopback port.
    public init() throws {
        let counter = Counter()
        listener = try LoopbackListener { fd in
            counter.value.add(1, ordering: .acquiringAndReleasing)
            close(fd)
        }
        self.counter = counter
    }

    /// The port on 127.0.0.1.
    public var port: Int { listener.port }

    /// Connections accepted so far.
    public var connections: Int { counter.value.load(ordering: .acquiring) }

    /// Stops accepting.
    public func stop() { listener.stop() }

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }
}
