// SPDX-License-Identifier: Apache-2.0

import CPCRE2

/// A compiled, JIT-compiled PCRE2 pattern (`pcre2_code_8`).
///
/// `@unchecked Sendable`: the code is never modified after `init` (compile and
/// `pcre2_jit_compile` both happen there), and PCRE2 documents compiled code as safe to
/// share read-only between threads that match with their own match data (pcre2api(3),
/// "MULTITHREADING").
final class PCRE2Code: @unchecked Sendable {
    /// Owned; freed in deinit. Pointer use is confined to this type and ``PCRE2MatchState``.
    let raw: OpaquePointer
    /// Whether `pcre2_jit_compile_8` succeeded, so that `pcre2_jit_match_8` may be called.
    let jit: Bool

    /// A PCRE2 compile failure: its message and byte offset in the compiled pattern.
    struct CompileError: Error {
        var message: String
        var offset: Int
    }

    /// Compiles `pattern` (UTF-8) with `pcre2_compile_8`, newline LF, then JIT-compiles it
    /// with `pcre2_jit_compile_8` (`PCRE2_JIT_COMPLETE`) unless `jit` is false (patterns
    /// PCRE2 10.42's JIT answers wrongly, docs/extraction.md).
    init(pattern: [UInt8], options: UInt32, jit useJIT: Bool = true) throws(CompileError) {
        let context = pcre2_compile_context_create_8(nil)
        defer { pcre2_compile_context_free_8(context) }
        // The newline convention decides what `$` and `(?m:^)` see; Python knows only "\n".
        pcre2_set_newline_8(context, UInt32(PCRE2_NEWLINE_LF))
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let code = pattern.withUnsafeBufferPointer { buf in
            pcre2_compile_8(buf.baseAddress, buf.count, options, &errorCode, &errorOffset, context)
        }
        guard let code else {
            throw CompileError(message: Self.message(for: errorCode), offset: errorOffset)
        }
        raw = code
        // Without JIT (unsupported platform) the interpreter gives the same results, slower.
        jit = useJIT && pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit { pcre2_code_free_8(raw) }

    /// `pcre2_get_error_message_8` for an error code.
    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[..<Int(n)], as: UTF8.self) : "PCRE2 error \(code)"
    }
}

/// Per-thread matching state: match data (`pcre2_match_data_8`), a match context carrying the
/// match limit, the callout (``CalloutState``) and a JIT stack. Not Sendable: one thread at a
/// time.
final class PCRE2MatchState {
    private let matchData: OpaquePointer
    private let context: OpaquePointer
    private let jitStack: OpaquePointer
    /// A large JIT stack, made when a match first needs more than ``jitStack`` holds.
    private var bigJITStack: OpaquePointer?
    private let pairs: Int
    /// The callouts' state; the match context holds an unretained pointer to it.
    let callouts = CalloutState()

    /// 32 KiB growing to 4 MiB: what nearly every match needs.
    static let jitStackMax = 4 * 1024 * 1024
    /// The retry of a match that ran out of ``jitStackMax``: a greedy DOTALL run over a
    /// megabyte page needs tens of MiB. The stack is reserved address space, touched only as
    /// far as a match goes.
    static let bigJITStackMax = 512 * 1024 * 1024
    /// The interpreter's heap limit (KiB) when even the big JIT stack is not enough.
    static let interpreterHeapLimitKiB: UInt32 = 1024 * 1024

    /// A result of one ``match(_:subject:length:start:options:)`` call.
    enum Outcome {
        case match
        case noMatch
        case failed(Int32)
    }

    /// Why a match state could not be made: PCRE2 could not allocate it.
    struct AllocationError: Error {}

    init(maxGroups: Int, matchLimit: Int) throws(AllocationError) {
        pairs = maxGroups + 1
        guard let data = pcre2_match_data_create_8(UInt32(clamping: pairs), nil) else { throw AllocationError() }
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_match_data_free_8(data)
            throw AllocationError()
        }
        guard let stack = pcre2_jit_stack_create_8(32 * 1024, Self.jitStackMax, nil) else {
            pcre2_match_context_free_8(context)
            pcre2_match_data_free_8(data)
            throw AllocationError()
        }
        matchData = data
        self.context = context
        jitStack = stack
        pcre2_set_match_limit_8(context, UInt32(clamping: matchLimit))
        pcre2_set_heap_limit_8(context, Self.interpreterHeapLimitKiB)
        pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(stack))
        pcre2_set_callout_8(context, pcre2CalloutHandler, Unmanaged.passUnretained(callouts).toOpaque())
    }

    deinit {
        if let bigJITStack { pcre2_jit_stack_free_8(bigJITStack) }
        pcre2_jit_stack_free_8(jitStack)
        pcre2_match_context_free_8(context)
        pcre2_match_data_free_8(matchData)
    }

    /// `pcre2_jit_match_8` (the JIT code without `pcre2_match_8`'s argument checks, which hold
    /// here: valid UTF-8, `start <= length`, options the JIT supports), or `pcre2_match_8`
    /// with `PCRE2_NO_UTF_CHECK` when the pattern has no JIT code. Same results either way.
    /// A JIT match that runs out of stack is a correct answer needing more room, not a
    /// runaway: it is retried with ``bigJITStackMax``, then in the interpreter (its heap
    /// limit ``interpreterHeapLimitKiB``); the CPU budget still bounds all of it.
    func match(_ code: PCRE2Code, subject: UnsafePointer<UInt8>, length: Int, start: Int,
               options: UInt32) -> Outcome {
        guard start >= 0, start <= length else { return .failed(PCRE2_ERROR_BADOFFSET) }
        var rc = code.jit
            ? pcre2_jit_match_8(code.raw, subject, length, start, options, matchData, context)
            : interpret(code, subject, length, start, options)
        if rc == PCRE2_ERROR_JIT_STACKLIMIT && !callouts.exceeded {
            rc = matchWithBigStack(code, subject, length, start, options)
        }
        if rc >= 0 { return .match }
        if rc == PCRE2_ERROR_NOMATCH { return .noMatch }
        return .failed(rc)
    }

    private func interpret(_ code: PCRE2Code, _ subject: UnsafePointer<UInt8>, _ length: Int, _ start: Int,
                           _ options: UInt32) -> Int32 {
        pcre2_match_8(code.raw, subject, length, start, options | UInt32(PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT),
                      matchData, context)
    }

    private func matchWithBigStack(_ code: PCRE2Code, _ subject: UnsafePointer<UInt8>, _ length: Int,
                                   _ start: Int, _ options: UInt32) -> Int32 {
        if bigJITStack == nil { bigJITStack = pcre2_jit_stack_create_8(32 * 1024, Self.bigJITStackMax, nil) }
        var rc = PCRE2_ERROR_JIT_STACKLIMIT
        if let big = bigJITStack {
            pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(big))
            rc = pcre2_jit_match_8(code.raw, subject, length, start, options, matchData, context)
            pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack))
        }
        if rc == PCRE2_ERROR_JIT_STACKLIMIT && !callouts.exceeded {
            rc = interpret(code, subject, length, start, options)
        }
        return rc
    }

    /// Start and end byte offsets of group `g` of the last match; `nil` if it did not take part.
    func group(_ g: Int) -> (Int, Int)? {
        let ov = pcre2_get_ovector_pointer_8(matchData)
        guard let ov, g < pairs else { return nil }
        let s = ov[2 * g], e = ov[2 * g + 1]
        return s == trawl_pcre2_unset() ? nil : (s, e)
    }
}
