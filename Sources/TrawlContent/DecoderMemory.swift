// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif

/// The allocator zlib, libbrotli and libzstd draw their state from for one body: a budget
/// of ``limit`` bytes, after which allocations fail and the decoder reports an error.
///
/// Used by the one thread decoding the body. The C libraries get ``opaque`` (unretained:
/// the ``ContentDecoder`` owning this object outlives its stages) and the C-convention
/// functions below.
final class DecoderMemory {
    /// The most bytes live at once.
    let limit: Int
    /// Bytes live now.
    private(set) var used = 0
    /// Set once an allocation was refused for the budget (rather than by malloc).
    private(set) var refused = false

    /// Room before each block for its size: 16 bytes keeps malloc's alignment.
    private static let header = 16

    init(limit: Int) {
        self.limit = limit
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        guard size >= 0, size <= limit - used else {
            refused = true
            return nil
        }
        guard let block = malloc(size + Self.header) else { return nil }
        block.storeBytes(of: size, as: Int.self)
        used += size
        return block + Self.header
    }

    func release(_ address: UnsafeMutableRawPointer?) {
        guard let address else { return }
        let block = address - Self.header
        used -= block.load(as: Int.self)
        free(block)
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> DecoderMemory? {
        opaque.map { Unmanaged<DecoderMemory>.fromOpaque($0).takeUnretainedValue() }
    }

    /// brotli_alloc_func and ZSTD_allocFunction.
    static let allocate: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = {
        opaque, size in from(opaque)?.allocate(size)
    }

    /// brotli_free_func and ZSTD_freeFunction.
    static let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = {
        opaque, address in from(opaque)?.release(address)
    }

    /// zlib's alloc_func (items x size, both 32-bit).
    static let zlibAllocate: @convention(c) (UnsafeMutableRawPointer?, UInt32, UInt32) -> UnsafeMutableRawPointer? = {
        opaque, items, size in from(opaque)?.allocate(Int(items) * Int(size))
    }
}
