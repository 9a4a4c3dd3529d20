// SPDX-License-Identifier: Apache-2.0

/// `--absolute-links [NAMES]`: the flag's value is optional (without one it names the `link`
/// pattern), which ArgumentParser cannot express, so the arguments are rewritten before
/// parsing. The next argument is taken as the names only when it looks like them (letters,
/// digits, `_`, `-`, commas: no `/`, `.` or `:`, so a URL or a file such as `urls.txt` never
/// is); `--absolute-links=NAMES` always works.
enum AbsoluteLinksFlag {
    static let flag = "--absolute-links"

    static func expand(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            out.append(a)
            i += 1
            if a == "--" {
                out += arguments[i...]
                break
            }
            guard a == flag else { continue }
            if i < arguments.count, looksLikeNames(arguments[i]) {
                out.append(arguments[i])
                i += 1
            } else {
                out.append("link")
            }
        }
        return out
    }

    static func looksLikeNames(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix("-") && s.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
                || c == "_" || c == "-" || c == ","
        }
    }
}
