// SPDX-License-Identifier: Apache-2.0

/// The bounds every content decoding runs within: what one transfer may hold.
///
/// A transfer holds at most its raw body (bounded by the caller, see `max_bytes`), its
/// decoded body (``maxBytes``), one 64 KiB output buffer per coding, and decoder state drawn
/// from a budget of ``decoderMemory`` bytes shared by all its codings.
public struct ContentLimits: Sendable, Equatable {
    /// The most decoded bytes a body may have; one more ends the decoding with `too_large`.
    public var maxBytes: Int

    /// Limits for bodies of at most `maxBytes` decoded bytes (negative counts as 0).
    public init(maxBytes: Int) {
        self.maxBytes = max(0, maxBytes)
    }

    /// The most codings one `Content-Encoding` may stack (`gzip, br` is two); more are
    /// refused as `bad_response`. libcurl 8 stops at 5; no real server sends more than 2.
    public static let maxCodings = 4

    /// `ZSTD_d_windowLogMax`: RFC 9659 caps the zstd window for HTTP at 8 MiB (2^23), and a
    /// frame asking for more is refused (`bad_response`) before its window is allocated.
    public static let zstdWindowLogMax: Int32 = 23

    /// The bytes of decoder state (zlib's window, brotli's ring buffer and tables, zstd's
    /// window and buffers) the codings of one body may hold at once.
    ///
    /// Brotli's format allows a 16 MiB window, but its decoder only grows its ring buffer to
    /// the output the stream announces, so a stream that decodes to at most ``maxBytes`` never
    /// needs a ring larger than the power of two above ``maxBytes``; the budget is that ring,
    /// half of it again (old and new ring coexist while it grows), 4 MiB for Huffman tables,
    /// and never less than a zstd decoder with its largest allowed window needs (9 MiB).
    /// At the default `max_bytes` (16 MiB): 28 MiB; at 1 MB: 9 MiB.
    public var decoderMemory: Int {
        let ring = min(16 << 20, Self.powerOfTwo(atLeast: max(maxBytes, 1 << 16)))
        return max(9 << 20, ring + ring / 2 + (4 << 20))
    }

    /// The output buffer each coding decodes into before handing the bytes on.
    static let chunkSize = 64 * 1024

    private static func powerOfTwo(atLeast n: Int) -> Int {
        var p = 1
        while p < n && p < (1 << 40) { p <<= 1 }
        return p
    }
}
