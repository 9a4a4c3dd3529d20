// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// A byte -> text table for a single-byte encoding, with each entry pre-encoded as UTF-8 so
/// that decoding is one table look-up and one copy per byte.
struct SingleByteTable: Sendable {
    /// Up to 3 UTF-8 bytes per input byte (every entry is in the BMP), padded.
    private let utf8: [UInt8]
    private let lengths: [UInt8]
    /// The scalar per byte, nil where the encoding has none (those decode as U+FFFD).
    let scalars: [Unicode.Scalar?]

    init(scalars: [Unicode.Scalar?]) {
        self.scalars = scalars
        var utf8 = [UInt8](repeating: 0, count: 256 * 3)
        var lengths = [UInt8](repeating: 0, count: 256)
        for byte in 0..<256 {
            let scalar = scalars[byte] ?? "\u{FFFD}"
            var n = 0
            for unit in String(scalar).utf8 where n < 3 {
                utf8[byte * 3 + n] = unit
                n += 1
            }
            lengths[byte] = UInt8(n)
        }
        self.utf8 = utf8
        self.lengths = lengths
    }

    /// Decodes every byte of `body[start...]` through the table.
    func decode(_ body: [UInt8], from start: Int = 0) -> String {
        var total = 0
        for index in start..<body.count { total += Int(lengths[Int(body[index])]) }
        return utf8.withUnsafeBufferPointer { table in
            lengths.withUnsafeBufferPointer { lengths in
                String(unsafeUninitializedCapacity: total) { out in
                    var o = 0
                    for index in start..<body.count {
                        let b = Int(body[index])
                        let n = Int(lengths[b])
                        out[o] = table[b * 3]
                        if n > 1 { out[o + 1] = table[b * 3 + 1] }
                        if n > 2 { out[o + 2] = table[b * 3 + 2] }
                        o += n
                    }
                    return o
                }
            }
        }
    }

    /// Builds the table of glibc's `iconvName` one byte at a time (so that glibc's
    /// composing converters, CP1255 and CP1258, cannot merge neighbours), then fills the
    /// undefined 0x80...0x9F with C1 controls if `fillC1` and applies `fixes`.
    /// nil when glibc has no such converter.
    static func build(iconvName: String, fillC1: Bool, fixes: [(UInt8, UInt32)]) -> SingleByteTable? {
        guard let converter = IconvConverter(from: iconvName) else { return nil }
        var scalars = [Unicode.Scalar?](repeating: nil, count: 256)
        var output = [UInt8](repeating: 0, count: 32)
        for byte in 0..<256 {
            converter.reset()
            let input: [UInt8] = [UInt8(byte)]
            var inOffset = 0
            var outOffset = 0
            let step = input.withUnsafeBytes { raw in
                output.withUnsafeMutableBytes {
                    converter.convert(raw, inputOffset: &inOffset, into: $0, outputOffset: &outOffset)
                }
            }
            guard case .done = step else { continue }
            let flushed = output.withUnsafeMutableBytes { converter.flush(into: $0, outputOffset: &outOffset) }
            let text = String(decoding: output[0..<outOffset], as: UTF8.self)
            if flushed, text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first {
                scalars[byte] = scalar
            }
        }
        if fillC1 {
            for byte in 0x80...0x9F where scalars[byte] == nil {
                scalars[byte] = Unicode.Scalar(UInt8(byte))
            }
        }
        for (byte, value) in fixes {
            scalars[Int(byte)] = Unicode.Scalar(value)
        }
        return SingleByteTable(scalars: scalars)
    }

    // MARK: - Cache

    /// Tables built so far, by a key naming the iconv converter and the corrections; built at
    /// first use, then shared read-only by every thread.
    private static let cache = Mutex<[String: SingleByteTable]>([:])

    /// The table for `key`, built with `make` on first use; nil if it cannot be built.
    static func cached(_ key: String, make: () -> SingleByteTable?) -> SingleByteTable? {
        if let table = cache.withLock({ $0[key] }) { return table }
        // Built outside the lock: two threads may both build it once; the tables are equal.
        guard let table = make() else { return nil }
        cache.withLock { $0[key] = table }
        return table
    }

    /// The WHATWG table of a single-byte web encoding.
    static func web(_ encoding: WebEncoding) -> SingleByteTable? {
        guard let name = encoding.singleByteIconvName else { return nil }
        return cached("web:" + encoding.rawValue) {
            build(iconvName: name, fillC1: encoding.fillsC1Controls, fixes: encoding.singleByteFixes)
        }
    }
}
