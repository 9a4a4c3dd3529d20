// SPDX-License-Identifier: Apache-2.0

/// A lane's idle easy handles, and the size of libcurl's receive buffer
/// (`CURLOPT_BUFFERSIZE`) for each new one.
///
/// A large buffer takes a 200 KB page in 2 receive calls rather than libcurl's default 13,
/// whose fixed costs (the system call, the kernel's copy checks, the write callback) were 12%
/// of the CPU with a few CPU-bound transfers on loopback. But a large body touches its
/// handle's buffer whole, and libcurl keeps it until the handle is freed: at 1,024 transfers
/// in flight that is 100 MB, where the batch waits on the network rather than on the CPU. So
/// a lane's first ``largeHandles`` handles get the large buffer and every later one the small,
/// and a transfer takes an idle large handle before a small one: a lane that never has more
/// than ``largeHandles`` in flight only ever uses large buffers, and one that has thousands
/// in flight pays the large size only ``largeHandles`` times.
///
/// libcurl allocates the buffer at a handle's first transfer and refuses to resize it after
/// that, so the size is chosen once, when the handle is made.
struct HandlePool<Handle: ReceiveBuffered> {
    /// The large buffer, the size curl's CLI reads with.
    static var largeBuffer: Int { 100 * 1024 }
    /// The small buffer, libcurl's default.
    static var smallBuffer: Int { 16 * 1024 }
    /// How many of a lane's handles get ``largeBuffer``.
    static var largeHandles: Int { 32 }

    private var large: [Handle] = []
    private var small: [Handle] = []
    /// Handles made so far, idle or running, and how many of them with ``largeBuffer``.
    private(set) var made = 0, largeMade = 0

    /// The receive buffer for the next handle made; call ``made(bufferSize:)`` once it is.
    var nextBufferSize: Int { largeMade < Self.largeHandles ? Self.largeBuffer : Self.smallBuffer }

    /// A handle with a buffer of `size` was made.
    mutating func made(bufferSize size: Int) {
        made += 1
        if size == Self.largeBuffer { largeMade += 1 }
    }

    /// An idle handle, a large one first; nil when none is idle.
    mutating func take() -> Handle? { large.popLast() ?? small.popLast() }

    /// `handle` is idle again (or for the first time).
    mutating func put(_ handle: Handle) {
        if handle.receiveBufferSize == Self.largeBuffer { large.append(handle) } else { small.append(handle) }
    }

    /// Idle handles.
    var count: Int { large.count + small.count }
}

/// A handle with a receive buffer of its own.
protocol ReceiveBuffered {
    /// The buffer's size in bytes, fixed when the handle was made.
    var receiveBufferSize: Int { get }
}
