// SPDX-License-Identifier: Apache-2.0

import CPCRE2
import TrawlCore

/// What the callouts of one thread's matches need (``PCRE2MatchState``): the CPU budget of the
/// current (text, pattern) pair, and where an IGNORECASE backreference ends.
///
/// Callout 1 (``PCRE2Emitter/budgetCallout``) sits wherever backtracking resumes, so a single
/// `pcre2_match` call cannot run long without passing one; every 64th pass reads the (vDSO)
/// wall clock and, once that shows more than the budget, the thread's CPU clock: the budget
/// then holds inside one call, not only between calls.
final class CalloutState {
    /// Thread CPU and wall clock at the start of the pair, and its budget in seconds.
    var cpuStart = 0.0
    var wallStart = 0.0
    var budget = Double.infinity
    /// Set when callout 1 abandoned a match for the budget: the pair is over.
    private(set) var exceeded = false
    private var passes: UInt32 = 0
    /// Where the IGNORECASE reference being matched ends (byte offset).
    fileprivate var referenceEnd = 0

    /// Starts the budget of a new (text, pattern) pair.
    func startBudget(_ seconds: Double) {
        budget = seconds
        exceeded = false
        passes = 0
        wallStart = MonotonicClock.now()
        cpuStart = MonotonicClock.threadCPU()
    }

    /// Whether the pair has used up its budget (thread CPU time).
    func budgetUsed() -> Bool {
        if exceeded { return true }
        if MonotonicClock.now() - wallStart > budget, MonotonicClock.threadCPU() - cpuStart > budget {
            exceeded = true
        }
        return exceeded
    }

    fileprivate func budgetCallout() -> Int32 {
        passes &+= 1
        guard passes & 63 == 0 else { return 0 }
        return budgetUsed() ? PCRE2_ERROR_CALLOUT : 0
    }

    /// `(?C"iN")` / `(?C"aN")`: whether the text at `position` equals group N's text with
    /// Python's IGNORECASE comparison; notes where it ends for callout 2.
    fileprivate func referenceStart(_ block: UnsafeMutablePointer<pcre2_callout_block_8>) -> Int32 {
        let b = block.pointee
        guard let arg = b.callout_string, b.callout_string_length >= 2, let ov = b.offset_vector else { return 1 }
        let ascii = arg[0] == UInt8(ascii: "a")
        var group = 0
        for k in 1..<Int(b.callout_string_length) { group = group * 10 + Int(arg[k]) - 0x30 }
        guard group < Int(b.capture_top) else { return 1 }
        let gs = ov[2 * group], ge = ov[2 * group + 1]
        guard gs != trawl_pcre2_unset(), let subject = b.subject else { return 1 }
        var p = Int(gs), q = Int(b.current_position)
        let end = Int(b.subject_length)
        while p < Int(ge) {
            guard q < end else { return 1 }
            let (a, na) = UTF8Scalar.decode(subject, at: p)
            let (c, nc) = UTF8Scalar.decode(subject, at: q)
            let equal = ascii ? PythonCase.lowerASCII(a) == PythonCase.lowerASCII(c)
                : PythonCase.lower(a) == PythonCase.lower(c)
            guard equal else { return 1 }
            p += na
            q += nc
        }
        referenceEnd = q
        return 0
    }

    fileprivate func referenceEnd(_ block: UnsafeMutablePointer<pcre2_callout_block_8>) -> Int32 {
        Int(block.pointee.current_position) == referenceEnd ? 0 : 1
    }
}

/// The callout function of every match context: 0 goes on, 1 fails here (backtrack), a
/// negative value abandons the match with that code.
let pcre2CalloutHandler: @convention(c) (UnsafeMutablePointer<pcre2_callout_block_8>?, UnsafeMutableRawPointer?) -> Int32 = { block, data in
    guard let block, let data else { return 0 }
    let state = Unmanaged<CalloutState>.fromOpaque(data).takeUnretainedValue()
    if block.pointee.callout_string != nil { return state.referenceStart(block) }
    switch block.pointee.callout_number {
    case 1: return state.budgetCallout()
    case 2: return state.referenceEnd(block)
    default: return 0
    }
}

/// Python's case mapping for IGNORECASE backreferences (`sre_lower_unicode`: the first code
/// point of the full lower-case mapping; `sre_lower_ascii`: A-Z only).
enum PythonCase {
    static func lowerASCII(_ c: UInt32) -> UInt32 {
        (0x41...0x5A).contains(c) ? c + 0x20 : c
    }

    static func lower(_ c: UInt32) -> UInt32 {
        if c < 0x80 { return lowerASCII(c) }
        guard let u = Unicode.Scalar(c) else { return c }
        return u.properties.lowercaseMapping.unicodeScalars.first?.value ?? c
    }
}

/// Decoding one scalar of valid UTF-8 (PCRE2 subjects are checked once, when built).
enum UTF8Scalar {
    static func decode(_ s: UnsafePointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(s[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(s[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(s[i + 1] & 0x3F) << 6 | UInt32(s[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(s[i + 1] & 0x3F) << 12 | UInt32(s[i + 2] & 0x3F) << 6
                | UInt32(s[i + 3] & 0x3F), 4)
    }
}
