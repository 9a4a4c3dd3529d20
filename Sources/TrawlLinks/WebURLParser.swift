// SPDX-License-Identifier: Apache-2.0

/// The WHATWG URL Standard's basic URL parser (no state override), state by state as the
/// standard writes it, over the input's code points. `file:` URLs fail (see ``WebURL``).
struct WebURLParser {
    private enum State {
        case schemeStart, scheme, noScheme, specialRelativeOrAuthority, pathOrAuthority
        case relative, relativeSlash, specialAuthoritySlashes, specialAuthorityIgnoreSlashes
        case authority, host, port, pathStart, path, opaquePath, query, fragment
    }

    private let input: [Unicode.Scalar]
    private let base: WebURL?
    private var url = WebURL(scheme: "")
    private var state = State.schemeStart
    private var buffer = ""
    private var pointer = 0
    private var atSignSeen = false
    private var insideBrackets = false
    private var passwordTokenSeen = false

    static func parse(_ raw: String, base: WebURL?) -> WebURL? {
        var p = WebURLParser(input: preprocess(raw), base: base)
        return p.run()
    }

    private init(input: [Unicode.Scalar], base: WebURL?) {
        self.input = input
        self.base = base
    }

    /// Leading and trailing C0 controls and spaces go; tabs and newlines go everywhere.
    static func preprocess(_ raw: String) -> [Unicode.Scalar] {
        var scalars = Array(raw.unicodeScalars)
        while let f = scalars.first, f.value <= 0x20 { scalars.removeFirst() }
        while let l = scalars.last, l.value <= 0x20 { scalars.removeLast() }
        scalars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return scalars
    }

    private func at(_ i: Int) -> Unicode.Scalar? { i >= 0 && i < input.count ? input[i] : nil }
    /// The code points after the current one start with `s`.
    private func remainingStarts(with s: Unicode.Scalar) -> Bool { at(pointer + 1) == s }

    private var isSpecial: Bool { WebURL.defaultPorts[url.scheme] != nil }

    private mutating func run() -> WebURL? {
        while true {
            // As the standard says: stop once a step leaves the pointer on EOF (a step at EOF
            // may move it back into the input, to reparse a buffer as a host).
            guard step(at(pointer)) else { return nil }
            if pointer >= input.count { break }
            pointer += 1
        }
        return url
    }

    private static func isAlpha(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return ("0"..."9").contains(c)
    }

    /// One step of the state machine on `c` (nil: EOF); false for failure.
    private mutating func step(_ c: Unicode.Scalar?) -> Bool {
        switch state {
        case .schemeStart:
            if Self.isAlpha(c), let c {
                buffer.unicodeScalars.append(Self.lower(c))
                state = .scheme
            } else {
                state = .noScheme
                pointer -= 1
            }
        case .scheme:
            if let c, Self.isAlpha(c) || Self.isDigit(c) || c == "+" || c == "-" || c == "." {
                buffer.unicodeScalars.append(Self.lower(c))
            } else if c == ":" {
                url.scheme = buffer
                buffer = ""
                if url.scheme == "file" { return false }
                if isSpecial, let base, base.scheme == url.scheme {
                    state = .specialRelativeOrAuthority
                } else if isSpecial {
                    state = .specialAuthoritySlashes
                } else if remainingStarts(with: "/") {
                    state = .pathOrAuthority
                    pointer += 1
                } else {
                    url.opaquePath = ""
                    state = .opaquePath
                }
            } else {
                buffer = ""
                state = .noScheme
                pointer = -1
            }
        case .noScheme:
            guard let base else { return false }
            if base.opaquePath != nil {
                guard c == "#" else { return false }
                url.scheme = base.scheme
                url.opaquePath = base.opaquePath
                url.query = base.query
                url.fragment = ""
                state = .fragment
            } else if base.scheme == "file" {
                return false
            } else {
                state = .relative
                pointer -= 1
            }
        case .specialRelativeOrAuthority:
            if c == "/" && remainingStarts(with: "/") {
                state = .specialAuthorityIgnoreSlashes
                pointer += 1
            } else {
                state = .relative
                pointer -= 1
            }
        case .pathOrAuthority:
            if c == "/" { state = .authority } else { state = .path; pointer -= 1 }
        case .relative:
            guard let base else { return false }
            url.scheme = base.scheme
            if c == "/" || (isSpecial && c == "\\") {
                state = .relativeSlash
            } else {
                url.username = base.username
                url.password = base.password
                url.host = base.host
                url.port = base.port
                url.segments = base.segments
                url.query = base.query
                if !enterQueryOrFragment(c), c != nil {
                    url.query = nil
                    shortenPath()
                    state = .path
                    pointer -= 1
                }
            }
        case .relativeSlash:
            if isSpecial && (c == "/" || c == "\\") {
                state = .specialAuthorityIgnoreSlashes
            } else if c == "/" {
                state = .authority
            } else {
                guard let base else { return false }
                url.username = base.username
                url.password = base.password
                url.host = base.host
                url.port = base.port
                state = .path
                pointer -= 1
            }
        case .specialAuthoritySlashes:
            if c == "/" && remainingStarts(with: "/") {
                pointer += 1
            } else {
                pointer -= 1
            }
            state = .specialAuthorityIgnoreSlashes
        case .specialAuthorityIgnoreSlashes:
            if c != "/" && c != "\\" {
                state = .authority
                pointer -= 1
            }
        case .authority:
            return authority(c)
        case .host:
            return host(c)
        case .port:
            return port(c)
        case .pathStart:
            if isSpecial {
                state = .path
                if c != "/" && c != "\\" { pointer -= 1 }
            } else if !enterQueryOrFragment(c), c != nil {
                state = .path
                if c != "/" { pointer -= 1 }
            }
        case .path:
            path(c)
        case .opaquePath:
            if !enterQueryOrFragment(c), let c {
                var p = url.opaquePath ?? ""
                PercentEncoding.append(c, .c0Control, to: &p)
                url.opaquePath = p
            }
        case .query:
            if c == "#" {
                url.fragment = ""
                state = .fragment
            } else if let c {
                var q = url.query ?? ""
                PercentEncoding.append(c, isSpecial ? .specialQuery : .query, to: &q)
                url.query = q
            }
        case .fragment:
            if let c {
                var f = url.fragment ?? ""
                PercentEncoding.append(c, .fragment, to: &f)
                url.fragment = f
            }
        }
        return true
    }

    private static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32) ?? c : c
    }

    private func endsAuthority(_ c: Unicode.Scalar?) -> Bool {
        c == nil || c == "/" || c == "?" || c == "#" || (isSpecial && c == "\\")
    }

    private mutating func authority(_ c: Unicode.Scalar?) -> Bool {
        if c == "@" {
            if atSignSeen { buffer = "%40" + buffer }
            atSignSeen = true
            for cp in buffer.unicodeScalars {
                if cp == ":" && !passwordTokenSeen {
                    passwordTokenSeen = true
                    continue
                }
                if passwordTokenSeen {
                    PercentEncoding.append(cp, .userinfo, to: &url.password)
                } else {
                    PercentEncoding.append(cp, .userinfo, to: &url.username)
                }
            }
            buffer = ""
        } else if endsAuthority(c) {
            if atSignSeen && buffer.isEmpty { return false }
            pointer -= buffer.unicodeScalars.count + 1
            buffer = ""
            state = .host
        } else if let c {
            buffer.unicodeScalars.append(c)
        }
        return true
    }

    private mutating func host(_ c: Unicode.Scalar?) -> Bool {
        if c == ":" && !insideBrackets {
            guard !buffer.isEmpty, let h = HostParser.parse(buffer, special: isSpecial) else { return false }
            url.host = h
            buffer = ""
            state = .port
        } else if endsAuthority(c) {
            pointer -= 1
            if isSpecial && buffer.isEmpty { return false }
            guard let h = HostParser.parse(buffer, special: isSpecial) else { return false }
            url.host = h
            buffer = ""
            state = .pathStart
        } else if let c {
            if c == "[" { insideBrackets = true }
            if c == "]" { insideBrackets = false }
            buffer.unicodeScalars.append(c)
        }
        return true
    }

    private mutating func port(_ c: Unicode.Scalar?) -> Bool {
        if let c, Self.isDigit(c) {
            buffer.unicodeScalars.append(c)
        } else if endsAuthority(c) {
            if !buffer.isEmpty {
                var n = 0
                for d in buffer.utf8 {
                    n = n * 10 + Int(d - UInt8(ascii: "0"))
                    if n > 65535 { return false }
                }
                url.port = WebURL.defaultPorts[url.scheme] == n ? nil : n
                buffer = ""
            }
            state = .pathStart
            pointer -= 1
        } else {
            return false
        }
        return true
    }

    private mutating func path(_ c: Unicode.Scalar?) {
        let slash = c == "/" || (isSpecial && c == "\\")
        if c == nil || slash || c == "?" || c == "#" {
            if Self.isDoubleDot(buffer) {
                shortenPath()
                if !slash { url.segments.append("") }
            } else if Self.isSingleDot(buffer) {
                if !slash { url.segments.append("") }
            } else {
                url.segments.append(buffer)
            }
            buffer = ""
            _ = enterQueryOrFragment(c)
        } else if let c {
            PercentEncoding.append(c, .path, to: &buffer)
        }
    }

    /// `?` starts the query, `#` the fragment; false for any other code point.
    private mutating func enterQueryOrFragment(_ c: Unicode.Scalar?) -> Bool {
        if c == "?" {
            url.query = ""
            state = .query
        } else if c == "#" {
            url.fragment = ""
            state = .fragment
        } else {
            return false
        }
        return true
    }

    private mutating func shortenPath() {
        if !url.segments.isEmpty { url.segments.removeLast() }
    }

    private static func isSingleDot(_ s: String) -> Bool {
        s == "." || s.lowercased() == "%2e"
    }

    private static func isDoubleDot(_ s: String) -> Bool {
        switch s.lowercased() {
        case "..", ".%2e", "%2e.", "%2e%2e": true
        default: false
        }
    }
}
