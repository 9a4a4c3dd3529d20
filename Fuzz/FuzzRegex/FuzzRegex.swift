// SPDX-License-Identifier: Apache-2.0

@testable import TrawlExtract
import TrawlCore

/// The Python `re` translator, PCRE2 compile + JIT and `findall` on any pattern and subject.
///
/// Input: one flags byte (bits of ``PatternFlags``, unknown ones dropped), the pattern up to
/// the first NUL, then the subject. Checks: no crash, no hang (libFuzzer's -timeout; the CPU
/// budget bounds matching, kept small here so that slow inputs do not eat the run), a translation error's offset lies inside the pattern, and the
/// String and UTF8Text entry points agree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let flagsByte = input.first else { return 0 }
    let rest = input.dropFirst()
    let cut = rest.firstIndex(of: 0) ?? rest.endIndex
    let source = String(decoding: rest[..<cut], as: UTF8.self)
    let subject = String(decoding: rest[cut...].dropFirst(), as: UTF8.self)
    let flags = PatternFlags(rawValue: UInt32(flagsByte) << 1).intersection(.all)
    do throws(TranslationError) {
        _ = try Translation.translate(source, flags: flags)
    } catch {
        if error.offset < 0 || error.offset > source.unicodeScalars.count {
            fatalError("translation error offset \(error.offset) outside the pattern (\(source.unicodeScalars.count) scalars): \(error.message)")
        }
    }
    let extractor: Extractor
    do throws(TrawlError) {
        extractor = try Extractor(patterns: [PatternSpec(name: "p", source: source, flags: flags)],
                                  matchLimit: 100_000, budget: 0.05)
    } catch {
        if error.code != .invalidRegex { fatalError("unexpected \(error.code): \(error.message)") }
        return 0
    }
    let session = extractor.makeSession()
    let a = session.extract(subject)
    let b = session.extract(UTF8Text(subject))
    // A pattern that ran out of budget may stop at different points on two runs.
    if a.error == nil && b.error == nil && a != b {
        fatalError("String and UTF8Text extraction differ for \(String(reflecting: source))")
    }
    return 0
}
