// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// Moves Swift objects across the C boundary as opaque pointers.
///
/// A handle given to C holds one strong reference (`passRetained`); the matching `trawl_*_free`
/// drops it. Borrowing a handle (`object(_:as:)`) takes no reference: the C caller promises,
/// per the header, not to free a handle while it uses it.
enum Handle {
    /// A +1 opaque pointer for `object`.
    static func export<T: AnyObject>(_ object: T) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(object).toOpaque())
    }

    /// The object behind a handle, or `nil` for NULL.
    static func object<T: AnyObject>(_ p: OpaquePointer?, as _: T.Type) -> T? {
        guard let p else { return nil }
        return Unmanaged<T>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }

    /// Drops the reference `export` gave to C. NULL is a no-op, as in every `trawl_*_free`.
    static func release<T: AnyObject>(_ p: OpaquePointer?, as _: T.Type) {
        guard let p else { return }
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(p)).release()
    }

    /// Stores `value` through an out-pointer the caller may have passed as NULL.
    static func store(_ value: OpaquePointer?, in out: UnsafeMutablePointer<OpaquePointer?>?) {
        out?.pointee = value
    }
}

extension ErrorCode {
    /// The `trawl_status` of this code.
    var status: Int32 { rawValue }
}

/// `TRAWL_INVALID_ARGUMENT`.
let invalidArgument = ErrorCode.invalidArgument.rawValue
/// `TRAWL_OK`.
let ok = ErrorCode.ok.rawValue
