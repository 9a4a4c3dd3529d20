// SPDX-License-Identifier: Apache-2.0

/// A body being received: bytes appended chunk by chunk and checked for UTF-8 as they arrive,
/// each chunk right after it is copied. A valid page then becomes ``UTF8Text`` without a
/// second pass over the whole page once it is complete.
public struct UTF8Accumulator: Sendable {
    /// The bytes received so far.
    public private(set) var bytes: [UInt8] = []
    /// Everything before this offset is valid UTF-8 (a cut-off sequence starts here).
    private var checked = 0
    private var invalid = false

    /// An empty accumulator.
    public init() {}

    /// Bytes received so far.
    public var count: Int { bytes.count }

    /// Reserves room for `capacity` bytes (from Content-Length, say).
    public mutating func reserveCapacity(_ capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends `chunk` and checks it, together with any sequence the previous chunk cut off.
    public mutating func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
        guard !invalid else { return }
        let (end, valid) = bytes.withUnsafeBufferPointer { UTF8Text.validPrefix($0, from: checked) }
        checked = end
        invalid = !valid
    }

    /// Empties the accumulator for the next body.
    public mutating func removeAll() {
        bytes = []
        checked = 0
        invalid = false
    }

    /// Empties the accumulator. Returns its bytes and, when all of them are valid UTF-8, the
    /// same bytes (same storage) as ``UTF8Text``.
    public mutating func take() -> (bytes: [UInt8], text: UTF8Text?) {
        var out: [UInt8] = []
        swap(&out, &bytes)
        let valid = !invalid && checked == out.count
        checked = 0
        invalid = false
        return (out, valid ? UTF8Text(provenValid: out) : nil)
    }
}
