// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrawlCore

/// The C strings that `trawl_strerror`, `trawl_status_name`, `trawl_version` and
/// `trawl_options_describe_json` return: the C
/// caller expects static storage, so they are copied once, on first use, and never freed.
///
/// `@unchecked Sendable`: every property is set in `init` and only read afterwards; the
/// pointed-to bytes are never written after `strdup`.
final class StaticCStrings: @unchecked Sendable {
    static let shared = StaticCStrings()

    let names: [Int32: UnsafePointer<CChar>]
    let summaries: [Int32: UnsafePointer<CChar>]
    let version: UnsafePointer<CChar>
    let empty: UnsafePointer<CChar>
    let unknownName: UnsafePointer<CChar>
    let unknownSummary: UnsafePointer<CChar>
    let nullHandle: UnsafePointer<CChar>
    let optionsJSON: UnsafePointer<CChar>

    private init() {
        var names: [Int32: UnsafePointer<CChar>] = [:]
        var summaries: [Int32: UnsafePointer<CChar>] = [:]
        for code in ErrorCode.allCases {
            names[code.rawValue] = Self.permanent(code.name)
            summaries[code.rawValue] = Self.permanent(code.summary)
        }
        self.names = names
        self.summaries = summaries
        version = Self.permanent(Version.string)
        empty = Self.permanent("")
        unknownName = Self.permanent("unknown")
        unknownSummary = Self.permanent("unknown error")
        nullHandle = Self.permanent("invalid argument: the handle is NULL")
        optionsJSON = Self.permanent(OptionDocs.describeJSON())
    }

    /// A copy of `s` that lives as long as the process.
    private static func permanent(_ s: String) -> UnsafePointer<CChar> {
        let bytes = Array(s.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return UnsafePointer(p)
    }
}

/// A library-owned, NUL-terminated message that a handle hands out until its next call
/// (`trawl_options_last_error`): the storage is replaced, never mutated in place, so a pointer
/// returned earlier stays valid until the message changes.
///
/// Not thread-safe by itself: each owner follows the C API's one-thread-per-handle rule.
final class MessageSlot {
    private var storage: UnsafeMutablePointer<CChar>? = nil

    deinit { free(storage) }

    /// The current message, `""` when there is none.
    var pointer: UnsafePointer<CChar> {
        storage.map { UnsafePointer($0) } ?? StaticCStrings.shared.empty
    }

    func set(_ message: String) {
        free(storage)
        storage = strdup(message)
    }

    func clear() {
        free(storage)
        storage = nil
    }
}

/// Reads a borrowed C string argument; `nil` for NULL. Invalid UTF-8 is repaired (U+FFFD), as
/// Swift's `String(cString:)` does.
func string(from p: UnsafePointer<CChar>?) -> String? {
    p.map { String(cString: $0) }
}
