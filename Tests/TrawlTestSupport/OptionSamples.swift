// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// Values for any registry option (`CrawlOptions.registry`), derived from its entry so that
/// tests walk every option, including ones added later, without a list of their own.
public enum OptionSamples {
    /// A valid value other than the default, as `CrawlOptions.set` takes it.
    public static func nonDefault(_ spec: OptionSpec) -> OptionValue {
        switch (spec.type, spec.defaultValue) {
        case (.int, .int(let d)):
            let r = spec.intRange ?? 0...0
            var n = d == r.upperBound ? r.lowerBound : d + 1
            if n == 0, spec.name == "jobs" { n = 1 }  // jobs: any number but 0
            return .int(n)
        case (.double, .double(let d)):
            let r = spec.doubleRange ?? 0...0
            return .double(d + 1.5 <= r.upperBound ? d + 1.5 : r.lowerBound)
        case (.bool, .bool(let b)): return .int(b ? 0 : 1)
        case (.bool, _): return .int(1)  // an action such as clear_headers
        case (.choice, .string(let d)): return .string(spec.choices?.first { $0 != d } ?? d)
        case (.list, _) where spec.name == "resolve": return .string("sample.test:80:127.0.0.1")
        case (.list, _) where spec.name == "retry_statuses": return .string("503")
        case (.list, _): return .string(spec.repeatable ? "X-Sample: 1" : "https")
        case (.string, _) where spec.name == "proxy": return .string("http://user:pw@127.0.0.1:3128")
        default: return .string("sample-\(spec.name)")
        }
    }

    /// The command-line arguments that give ``nonDefault(_:)``: `--flag value`, or the flag
    /// alone for a bool (which sets the opposite of the default).
    public static func arguments(_ spec: OptionSpec) -> [String] {
        switch nonDefault(spec) {
        case _ where spec.type == .bool: [spec.flag]
        case .int(let n): [spec.flag, String(n)]
        case .double(let d): [spec.flag, String(d)]
        case .string(let s): [spec.flag, s]
        }
    }

    /// Values `set` must accept: the default, each end of the range, every choice.
    public static func valid(_ spec: OptionSpec) -> [OptionValue] {
        var values = [nonDefault(spec)]
        if let r = spec.intRange { values += [.int(r.lowerBound), .int(r.upperBound)] }
        if let r = spec.doubleRange {
            values += [.double(r.lowerBound), .double(r.upperBound)]
            if r.lowerBound == r.lowerBound.rounded() { values.append(.int(Int(r.lowerBound))) }
        }
        if let c = spec.choices { values += c.map { .string($0) } }
        switch spec.type {
        case .bool: values += [.int(0), .int(1)]
        case .string, .list:
            values.append(.string(["protocols": "http", "header": "X-Sample: 2", "resolve": "sample2.test:443:::1,10.0.0.1",
                                 "retry_statuses": "429, 503", "proxy": "socks5://[::1]:1080"][spec.name] ?? "sample2"))
        default: break
        }
        return values.filter { !(spec.name == "jobs" && $0 == .int(0)) }
    }

    /// Values `set` must refuse with `invalid_argument`: just outside the range, the wrong
    /// type, an unknown choice, NUL, and CR or LF where a string reaches a request.
    public static func invalid(_ spec: OptionSpec) -> [OptionValue] {
        var values: [OptionValue] = []
        switch spec.type {
        case .int:
            let r = spec.intRange ?? 0...0
            values += [.string("1"), .double(1.5)]
            if r.lowerBound > Int.min { values.append(.int(r.lowerBound - 1)) }
            if r.upperBound < Int.max { values.append(.int(r.upperBound + 1)) }
        case .double:
            let r = spec.doubleRange ?? 0...0
            values += [.string("1"), .double(.nan), .double(.infinity), .double(-1),
                       .double(r.upperBound + 1), .double(r.lowerBound > 0 ? r.lowerBound / 2 : -0.5)]
        case .bool: values += [.int(2), .int(-1), .int(7), .string("1"), .double(1)]
        case .choice: values += [.string("no-such-\(spec.name)"), .string(""), .int(0), .string("a\0b")]
        case .string, .list: values += [.int(1), .double(1), .string("a\0b")]
        }
        if ["batch_id", "key_prefix"].contains(spec.name) {
            values += [.string("with space"), .string(String(repeating: "k", count: 200))]
        }
        if spec.name == "resolve" {
            values += [.string("sample.test:80"), .string("sample.test:80:127.1"), .string("sample.test:0:127.0.0.1")]
        }
        if spec.name == "proxy" { values += [.string("ftp://h:1"), .string("http://h:0"), .string("http:/h")] }
        if spec.name == "allow_hosts" { values += [.string("10.0.0.0/33"), .string("with space")] }
        if spec.name == "retry_statuses" {
            values += [.string("https"), .string("99"), .string("600"), .string("503,x"), .string("5030")]
        }
        if ["user_agent", "header"].contains(spec.name) {
            values += [.string("X-A: 1\r\nX-Injected: 1"), .string("X-A: 1\nX-Injected: 1"), .string("X-A: 1\r")]
        }
        return values
    }
}
