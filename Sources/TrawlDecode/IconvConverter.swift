// SPDX-License-Identifier: Apache-2.0
import Glibc

/// One glibc `iconv_t` conversion descriptor from some encoding to UTF-8.
///
/// The descriptor holds shift state and is not thread-safe, so each instance belongs to one
/// call on one thread and is closed (`iconv_close`) when it goes away; opening one costs
/// about a microsecond once glibc has loaded the gconv module.
final class IconvConverter {
    // The unsafe pointer lives here only: glibc's `iconv_t` is an opaque `void *`.
    private let descriptor: iconv_t

    /// Opens a converter from `encoding` (a glibc name such as `"GB18030"`) to UTF-8 with
    /// `iconv_open`; nil when glibc has no such converter (e.g. gconv modules missing).
    init?(from encoding: String) {
        guard let cd = iconv_open("UTF-8", encoding), cd != iconv_t(bitPattern: -1) else {
            return nil
        }
        descriptor = cd
    }

    deinit {
        iconv_close(descriptor)
    }

    /// The outcome of one `iconv` call.
    enum Step {
        /// All input was converted.
        case done
        /// The input holds an invalid sequence at `inputOffset` (EILSEQ).
        case invalid
        /// The input ends inside a sequence (EINVAL).
        case incomplete
        /// The output buffer is full (E2BIG): call again with more room.
        case outputFull
    }

    /// Converts as much of `input` as it can into `output` with `iconv`, advancing both
    /// offsets past what it consumed and produced.
    func convert(
        _ input: UnsafeRawBufferPointer, inputOffset: inout Int,
        into output: UnsafeMutableRawBufferPointer, outputOffset: inout Int
    ) -> Step {
        guard let inBase = input.baseAddress, let outBase = output.baseAddress else {
            return input.count == inputOffset ? .done : .outputFull
        }
        // iconv takes `char **` for its input although it never writes through it.
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase + inputOffset)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = input.count - inputOffset
        var outPtr: UnsafeMutablePointer<CChar>? = (outBase + outputOffset).assumingMemoryBound(to: CChar.self)
        var outLeft = output.count - outputOffset
        let result = iconv(descriptor, &inPtr, &inLeft, &outPtr, &outLeft)
        let err = errno
        inputOffset = input.count - inLeft
        outputOffset = output.count - outLeft
        if result != -1 { return .done }
        switch err {
        case EILSEQ: return .invalid
        case EINVAL: return .incomplete
        default: return .outputFull
        }
    }

    /// Writes out what a stateful converter still holds (glibc's BIG5-HKSCS keeps a base
    /// character back to combine it) and returns to the initial state: `iconv` with a null
    /// input. Returns false when `output` has too little room.
    func flush(into output: UnsafeMutableRawBufferPointer, outputOffset: inout Int) -> Bool {
        guard let outBase = output.baseAddress else { return false }
        var outPtr: UnsafeMutablePointer<CChar>? = (outBase + outputOffset).assumingMemoryBound(to: CChar.self)
        var outLeft = output.count - outputOffset
        let result = iconv(descriptor, nil, nil, &outPtr, &outLeft)
        outputOffset = output.count - outLeft
        return result != -1
    }

    /// Drops any shift state (`iconv` with null input and output).
    func reset() {
        _ = iconv(descriptor, nil, nil, nil, nil)
    }
}
