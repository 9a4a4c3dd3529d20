// SPDX-License-Identifier: Apache-2.0

/// Multi-byte encodings through glibc iconv, which stops at the first invalid byte: this
/// loop turns each stop into U+FFFD and goes on, as WHATWG and Python's `errors='replace'` do.
enum IconvDecoding {
    private static let replacementUTF8: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Decodes `body[start...]` from the glibc encoding `iconvName` to a String.
    /// - Parameters:
    ///   - leads: Bytes that begin a multi-byte sequence; an invalid sequence that starts with
    ///     one also swallows the next byte unless that byte is ASCII (WHATWG's rule).
    ///   - override: A value for a lone byte glibc rejects but the caller's standard maps
    ///     (WHATWG's gb18030 maps 0x80 to U+20AC); nil for none.
    /// - Returns: nil when glibc has no such converter.
    static func decode(
        _ body: [UInt8], from start: Int = 0, iconvName: String, leads: [ClosedRange<UInt8>],
        override: ((UInt8) -> Unicode.Scalar?)? = nil
    ) -> String? {
        guard let converter = IconvConverter(from: iconvName) else { return nil }
        // Legacy CJK text is mostly 2 bytes per character and 3 in UTF-8; ASCII stays 1:1.
        var output = [UInt8](repeating: 0, count: (body.count - start) * 3 / 2 + 64)
        var inOffset = start
        var outOffset = 0
        body.withUnsafeBytes { input in
            while true {
                let step = output.withUnsafeMutableBytes {
                    converter.convert(input, inputOffset: &inOffset, into: $0, outputOffset: &outOffset)
                }
                switch step {
                case .done:
                    while !output.withUnsafeMutableBytes({ converter.flush(into: $0, outputOffset: &outOffset) }) {
                        output.append(contentsOf: repeatElement(0, count: output.count + 64))
                    }
                    return
                case .outputFull:
                    output.append(contentsOf: repeatElement(0, count: output.count + 64))
                case .invalid, .incomplete:
                    if output.count - outOffset < 8 {
                        output.append(contentsOf: repeatElement(0, count: output.count + 64))
                    }
                    let byte = input[inOffset]
                    if let scalar = override?(byte) {
                        for unit in String(scalar).utf8 {
                            output[outOffset] = unit
                            outOffset += 1
                        }
                        inOffset += 1
                        continue
                    }
                    var skip = 1
                    if leads.contains(where: { $0.contains(byte) }), inOffset + 1 < input.count,
                       input[inOffset + 1] >= 0x80 {
                        skip = 2
                    }
                    for unit in replacementUTF8 {
                        output[outOffset] = unit
                        outOffset += 1
                    }
                    inOffset += skip
                }
            }
        }
        return String(decoding: output[0..<outOffset], as: UTF8.self)
    }
}
