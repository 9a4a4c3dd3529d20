// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// What a `trawl_options *` points to: a mutable ``CrawlOptions`` and the message of the last
/// failed call. Used by one thread at a time (the header's rule), so it needs no lock.
final class OptionsHandle {
    var options = CrawlOptions()
    let lastError = MessageSlot()

    /// Runs one setter: clears the last error, or records the error and returns its status.
    func run(_ body: (inout CrawlOptions) throws(TrawlError) -> Void) -> Int32 {
        var copy = options
        do {
            try body(&copy)
        } catch {
            lastError.set(error.message)
            return error.code.status
        }
        options = copy
        lastError.clear()
        return ok
    }

    func fail(_ message: String) -> Int32 {
        lastError.set(message)
        return invalidArgument
    }
}

/// `trawl_options_new`: options with every default.
@_cdecl("trawl_options_new")
public func trawl_options_new(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return invalidArgument }
    out.pointee = Handle.export(OptionsHandle())
    return ok
}

/// `trawl_options_free`: drops the options; NULL is a no-op.
@_cdecl("trawl_options_free")
public func trawl_options_free(_ opts: OpaquePointer?) {
    Handle.release(opts, as: OptionsHandle.self)
}

/// `trawl_options_set_int`: ``CrawlOptions/set(_:_:)`` with `.int`; `order` also takes
/// `TRAWL_ORDER_SUBMITTED` (0) / `TRAWL_ORDER_COMPLETED` (1).
@_cdecl("trawl_options_set_int")
public func trawl_options_set_int(_ opts: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                  _ value: Int64) -> Int32 {
    guard let h = Handle.object(opts, as: OptionsHandle.self) else { return invalidArgument }
    guard let key = string(from: key) else { return h.fail("key is NULL") }
    guard let n = Int(exactly: value) else { return h.fail("option '\(key)': \(value) is out of range") }
    if key == "order" {
        let names = [ResultOrder.input, ResultOrder.completed]
        guard n >= 0, n < names.count else {
            return h.fail("option 'order' takes TRAWL_ORDER_SUBMITTED (0) or TRAWL_ORDER_COMPLETED (1), got \(n)")
        }
        return h.run { (o) throws(TrawlError) in try o.set(key, .string(names[n].rawValue)) }
    }
    return h.run { (o) throws(TrawlError) in try o.set(key, .int(n)) }
}

/// `trawl_options_set_double`: ``CrawlOptions/set(_:_:)`` with `.double`.
@_cdecl("trawl_options_set_double")
public func trawl_options_set_double(_ opts: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                     _ value: Double) -> Int32 {
    guard let h = Handle.object(opts, as: OptionsHandle.self) else { return invalidArgument }
    guard let key = string(from: key) else { return h.fail("key is NULL") }
    return h.run { (o) throws(TrawlError) in try o.set(key, .double(value)) }
}

/// `trawl_options_set_str`: ``CrawlOptions/set(_:_:)`` with `.string`.
@_cdecl("trawl_options_set_str")
public func trawl_options_set_str(_ opts: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                  _ value: UnsafePointer<CChar>?) -> Int32 {
    guard let h = Handle.object(opts, as: OptionsHandle.self) else { return invalidArgument }
    guard let key = string(from: key) else { return h.fail("key is NULL") }
    guard let value = string(from: value) else { return h.fail("value of option '\(key)' is NULL") }
    return h.run { (o) throws(TrawlError) in try o.set(key, .string(value)) }
}

/// `trawl_options_add_pattern`: appends a ``PatternSpec`` to ``CrawlOptions/patterns``.
@_cdecl("trawl_options_add_pattern")
public func trawl_options_add_pattern(_ opts: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                      _ regex: UnsafePointer<CChar>?, _ flags: UInt32) -> Int32 {
    guard let h = Handle.object(opts, as: OptionsHandle.self) else { return invalidArgument }
    guard let name = string(from: name), !name.isEmpty else { return h.fail("pattern name is NULL or empty") }
    guard let regex = string(from: regex) else { return h.fail("regex of pattern '\(name)' is NULL") }
    let f = PatternFlags(rawValue: flags)
    guard PatternFlags.all.isSuperset(of: f) else {
        return h.fail("pattern '\(name)': unknown flag bits 0x\(String(flags & ~PatternFlags.all.rawValue, radix: 16))")
    }
    guard !h.options.patterns.contains(where: { $0.name == name }) else {
        return h.fail("a pattern named '\(name)' was already added")
    }
    return h.run { o in o.patterns.append(PatternSpec(name: name, source: regex, flags: f)) }
}

/// `trawl_options_clear_patterns`: removes the added patterns.
@_cdecl("trawl_options_clear_patterns")
public func trawl_options_clear_patterns(_ opts: OpaquePointer?) -> Int32 {
    guard let h = Handle.object(opts, as: OptionsHandle.self) else { return invalidArgument }
    return h.run { o in o.patterns = [] }
}

/// `trawl_options_last_error`: the last failed call's message, `""` after a success.
@_cdecl("trawl_options_last_error")
public func trawl_options_last_error(_ opts: OpaquePointer?) -> UnsafePointer<CChar> {
    guard let h = Handle.object(opts, as: OptionsHandle.self) else { return StaticCStrings.shared.nullHandle }
    return h.lastError.pointer
}

/// `trawl_options_describe_json`: every option of ``CrawlOptions/registry`` as a JSON array
/// (``OptionDocs/describeJSON()``), built once and kept for the life of the process.
@_cdecl("trawl_options_describe_json")
public func trawl_options_describe_json() -> UnsafePointer<CChar> {
    StaticCStrings.shared.optionsJSON
}
