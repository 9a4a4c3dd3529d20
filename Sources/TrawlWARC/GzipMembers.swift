// SPDX-License-Identifier: Apache-2.0

internal import CZlib
import TrawlCore

/// gzip for WARC files: each record is one gzip member of its own (so a reader can seek to a
/// record, and a damaged one costs only itself), and a file is read back member after member.
enum GzipMembers {
    /// `bytes` as one complete gzip member.
    static func compress(_ bytes: [UInt8]) throws(TrawlError) -> [UInt8] {
        var s = z_stream()
        guard trawl_deflate_init2(&s, 6, 15 + 16) == Z_OK else {
            throw TrawlError(.internalError, "deflateInit2 failed")
        }
        defer { deflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, uLong(bytes.count))) + 32)
        let status = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                s.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                s.avail_in = uInt(input.count)
                s.next_out = output.baseAddress
                s.avail_out = uInt(output.count)
                return deflate(&s, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw TrawlError(.internalError, "deflate failed (\(status))") }
        out.removeLast(Int(s.avail_out))
        return out
    }
}

/// Inflates a series of gzip members fed in chunks, as one byte stream (zlib's inflate stops
/// at each member's end; the next one starts with a reset).
///
/// Owns a `z_stream`: one thread at a time.
final class GzipMemberReader {
    private var stream = z_stream()
    private var initialized = false
    /// Whether the last member seen so far ended (false in the middle of one).
    private(set) var atMemberEnd = true

    init() {}

    deinit {
        if initialized { inflateEnd(&stream) }
    }

    /// Inflates `input`, appending the output to `out`.
    /// - Throws: `bad_response` for bytes that are not gzip.
    func feed(_ input: ArraySlice<UInt8>, into out: inout [UInt8]) throws(TrawlError) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var rest = input
        while !rest.isEmpty {
            if !initialized {
                guard trawl_inflate_init2(&stream, 15 + 16) == Z_OK else {
                    throw TrawlError(.internalError, "inflateInit2 failed")
                }
                initialized = true
            }
            var used = 0
            var status: Int32 = Z_OK
            var produced = 0
            rest.withUnsafeBufferPointer { inp in
                chunk.withUnsafeMutableBufferPointer { outp in
                    stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
                    stream.avail_in = uInt(inp.count)
                    stream.next_out = outp.baseAddress
                    stream.avail_out = uInt(outp.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    used = inp.count - Int(stream.avail_in)
                    produced = outp.count - Int(stream.avail_out)
                }
            }
            out.append(contentsOf: chunk[0..<produced])
            rest = rest.dropFirst(used)
            switch status {
            case Z_STREAM_END:
                atMemberEnd = true
                inflateReset(&stream)
            case Z_OK, Z_BUF_ERROR:
                atMemberEnd = false
                if used == 0 && produced == 0 { return }
            default:
                throw TrawlError(.badResponse, "not gzip data (zlib status \(status))")
            }
        }
    }
}
