// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Whether the tests run under a sanitizer or valgrind, as the Makefile's targets say through
/// `TRAWL_SANITIZER` (`address`, `thread`, `valgrind`; see Tests/README.md).
///
/// Code under AddressSanitizer runs 2-3x slower, under ThreadSanitizer 5-15x, under valgrind
/// 20-50x, so a bound such as "ends within timeout + 1 s" says nothing about trawl there. Such
/// time bounds are asserted only when ``checksTiming`` is true; everything else (error codes,
/// one result per URL, the other URLs unaffected) is asserted always.
public enum Sanitizers {
    /// The sanitizer or checker named by `TRAWL_SANITIZER`, or nil.
    public static let active: String? = {
        guard let v = ProcessInfo.processInfo.environment["TRAWL_SANITIZER"], !v.isEmpty else { return nil }
        return v
    }()

    /// True when time bounds are asserted: no sanitizer and no valgrind.
    public static var checksTiming: Bool { active == nil }

    /// `elapsed <= bound`, or true under a sanitizer or valgrind. For `#expect`:
    /// `#expect(Sanitizers.withinBound(elapsed, timeout + 1))`.
    public static func withinBound(_ elapsed: Double, _ bound: Double) -> Bool {
        !checksTiming || elapsed <= bound
    }
}
