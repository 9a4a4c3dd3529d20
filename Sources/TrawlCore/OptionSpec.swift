// SPDX-License-Identifier: Apache-2.0

/// A value given to an option by name.
public enum OptionValue: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case string(String)
}

/// The kind of value an option takes, as `trawl_options_describe_json` names it.
public enum OptionType: String, Sendable {
    /// An integer within ``OptionSpec/intRange`` (`trawl_options_set_int`).
    case int
    /// A number within ``OptionSpec/doubleRange`` (seconds, unless its doc names another unit); integers accepted too.
    case double
    /// Free text, with the option's own checks.
    case string
    /// `0` or `1` (`trawl_options_set_int`).
    case bool
    /// One of ``OptionSpec/choices`` (`trawl_options_set_str`).
    case choice
    /// A list of strings: appended one per call when ``OptionSpec/repeatable``, else given
    /// whole as one comma-separated string.
    case list
}

/// Which part of trawl reads an option. Fetch and extract options travel to the workers of
/// the process and cluster backends (``CrawlOptions/workerSettings``); the others stay with
/// the process that runs the batch.
public enum OptionScope: String, Sendable, CaseIterable {
    case fetch, extract, batch, process, cluster

    /// Whether a worker needs the option to fetch and extract as the submitting process would.
    public var travelsToWorkers: Bool { self == .fetch || self == .extract }
}

/// An option's value in a form that can be described (JSON) and set again.
public enum OptionSetting: Sendable, Equatable {
    case null
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case list([String])
}

/// One entry of the options registry (``CrawlOptions/registry``): everything the setter, the
/// worker wire, the CLI, the docs and `trawl_options_describe_json` need to know about one
/// option.
public struct OptionSpec: Sendable {
    /// The snake_case name used by ``CrawlOptions/set(_:_:)``, the C ABI and the bindings.
    public let name: String
    public let type: OptionType
    /// Accepted integers, for `int` options.
    public let intRange: ClosedRange<Int>?
    /// Accepted numbers, for `double` options.
    public let doubleRange: ClosedRange<Double>?
    /// Accepted strings, for `choice` options (and the items of a `list` that has them).
    public let choices: [String]?
    public let scope: OptionScope
    /// The command-line flag, `--timeout`. A `bool` option's flag takes no value and sets the
    /// opposite of the default (`--insecure` sets `verify_tls` to 0).
    public let flag: String
    /// Whether each call adds one more value (`header`) rather than replacing the value.
    public let repeatable: Bool
    /// One line for `--help`, the docs and the bindings.
    public let doc: String

    /// Validates `value` and stores it; throws `invalid_argument` naming the option.
    let store: @Sendable (inout CrawlOptions, OptionValue) throws(TrawlError) -> Void
    /// The option's current value; `nil` for an action (`clear_headers`) that holds none.
    let load: @Sendable (CrawlOptions) -> OptionSetting?

    /// The value a fresh ``CrawlOptions`` has, `.null` for none.
    public var defaultValue: OptionSetting { load(CrawlOptions()) ?? .null }

    /// The option's value in `options`; `nil` for an action that holds none.
    public func value(in options: CrawlOptions) -> OptionSetting? { load(options) }

    /// The arguments of ``CrawlOptions/set(_:_:)`` that give `options`' value of this option
    /// to options that start from the defaults (one per item of a repeatable list).
    public func settings(from options: CrawlOptions) -> [OptionValue] {
        switch load(options) {
        case nil: []
        case .null: [.string("")]
        case .int(let n): [.int(n)]
        case .double(let d): [.double(d)]
        case .string(let s): [.string(s)]
        case .bool(let b): [.int(b ? 1 : 0)]
        case .list(let items): repeatable ? items.map { .string($0) } : [.string(items.joined(separator: ","))]
        }
    }

    /// `doc` with the default appended, as `--help` shows it.
    public var help: String {
        switch defaultValue {
        case .null, .list([]), .bool: doc
        case .list(let items): "\(doc) (default: \(items.joined(separator: ",")))"
        case .int(let n): "\(doc) (default: \(n))"
        case .double(let d): "\(doc) (default: \(OptionSpec.seconds(d)))"
        case .string(let s): "\(doc) (default: \(s))"
        }
    }

    /// `30` rather than `30.0`, `0.5` as is.
    static func seconds(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}

// MARK: - Building entries

/// A stored property of ``CrawlOptions``; `Sendable` so that an entry's closures may hold it.
typealias OptionPath<T> = any WritableKeyPath<CrawlOptions, T> & Sendable

extension OptionSpec {
    private init(_ name: String, _ type: OptionType, scope: OptionScope, flag: String, doc: String,
                 intRange: ClosedRange<Int>? = nil, doubleRange: ClosedRange<Double>? = nil,
                 choices: [String]? = nil, repeatable: Bool = false,
                 store: @escaping @Sendable (inout CrawlOptions, OptionValue) throws(TrawlError) -> Void,
                 load: @escaping @Sendable (CrawlOptions) -> OptionSetting?) {
        self.name = name
        self.type = type
        self.intRange = intRange
        self.doubleRange = doubleRange
        self.choices = choices
        self.scope = scope
        self.flag = flag
        self.repeatable = repeatable
        self.doc = doc
        self.store = store
        self.load = load
    }

    /// An integer in `range`; `extra` adds a check of its own (a message, or `nil` to accept).
    /// An integer in `range`; with `auto`, the string `"auto"` (any case) stands for that value.
    static func int(_ name: String, _ path: OptionPath<Int>,
                    _ range: ClosedRange<Int>, scope: OptionScope, flag: String, doc: String,
                    auto: Int? = nil,
                    extra: (@Sendable (Int) -> String?)? = nil) -> OptionSpec {
        OptionSpec(name, .int, scope: scope, flag: flag, doc: doc, intRange: range,
                   store: { (o, v) throws(TrawlError) in
                       if let auto, case .string(let s) = v {
                           guard s.lowercased() == "auto" else {
                               throw TrawlError(.invalidArgument, "option '\(name)' takes an integer or \"auto\", got \"\(s)\"")
                           }
                           o[keyPath: path] = auto
                           return
                       }
                       let n = try v.int(name, range)
                       if let message = extra?(n) { throw TrawlError(.invalidArgument, message) }
                       o[keyPath: path] = n
                   },
                   load: { .int($0[keyPath: path]) })
    }

    /// A number of seconds in `range` (integers accepted).
    static func seconds(_ name: String, _ path: OptionPath<Double>,
                        _ range: ClosedRange<Double>, scope: OptionScope, flag: String,
                        doc: String) -> OptionSpec {
        number(name, path, range, unit: "seconds", scope: scope, flag: flag, doc: doc)
    }

    /// A number in `unit` within `range` (integers accepted), such as a rate.
    static func number(_ name: String, _ path: OptionPath<Double>, _ range: ClosedRange<Double>,
                       unit: String, scope: OptionScope, flag: String, doc: String) -> OptionSpec {
        OptionSpec(name, .double, scope: scope, flag: flag, doc: doc, doubleRange: range,
                   store: { (o, v) throws(TrawlError) in o[keyPath: path] = try v.number(name, range, unit: unit) },
                   load: { .double($0[keyPath: path]) })
    }

    /// `0` or `1`.
    static func bool(_ name: String, _ path: OptionPath<Bool>,
                     scope: OptionScope, flag: String, doc: String) -> OptionSpec {
        OptionSpec(name, .bool, scope: scope, flag: flag, doc: doc,
                   store: { (o, v) throws(TrawlError) in o[keyPath: path] = try v.bool(name) },
                   load: { .bool($0[keyPath: path]) })
    }

    /// `1` runs `action`, `0` does nothing; the option holds no value.
    static func action(_ name: String, scope: OptionScope, flag: String, doc: String,
                       _ action: @escaping @Sendable (inout CrawlOptions) -> Void) -> OptionSpec {
        OptionSpec(name, .bool, scope: scope, flag: flag, doc: doc,
                   store: { (o, v) throws(TrawlError) in if try v.bool(name) { action(&o) } },
                   load: { _ in nil })
    }

    /// One of an enumeration's raw values.
    static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: OptionPath<E>, scope: OptionScope,
        flag: String, doc: String
    ) -> OptionSpec where E.RawValue == String {
        OptionSpec(name, .choice, scope: scope, flag: flag, doc: doc, choices: E.allCases.map(\.rawValue),
                   store: { (o, v) throws(TrawlError) in o[keyPath: path] = try v.choice(name, E.self) },
                   load: { .string($0[keyPath: path].rawValue) })
    }

    /// Text that `check` accepts (it returns a message to refuse it); `""` stands for `nil`.
    /// NUL never passes: the C side would see a shorter string than Swift checked.
    static func string(_ name: String, _ path: OptionPath<String?>,
                       scope: OptionScope, flag: String, doc: String,
                       check: (@Sendable (String) -> String?)? = nil) -> OptionSpec {
        OptionSpec(name, .string, scope: scope, flag: flag, doc: doc,
                   store: { (o, v) throws(TrawlError) in
                       let s = try v.text(name, check)
                       o[keyPath: path] = s.isEmpty ? nil : s
                   },
                   load: { $0[keyPath: path].map { .string($0) } ?? .null })
    }

    /// Text that `check` accepts, never `nil`.
    static func string(_ name: String, _ path: OptionPath<String>,
                       scope: OptionScope, flag: String, doc: String,
                       check: (@Sendable (String) -> String?)? = nil) -> OptionSpec {
        OptionSpec(name, .string, scope: scope, flag: flag, doc: doc,
                   store: { (o, v) throws(TrawlError) in o[keyPath: path] = try v.text(name, check) },
                   load: { .string($0[keyPath: path]) })
    }

    /// A list of strings: each call appends one item that `check` accepts (`repeatable`), or
    /// gives the whole list comma-separated, each item trimmed, normalized and checked
    /// (`""` is the empty list when `allowsEmpty`).
    static func list(_ name: String, _ path: OptionPath<[String]>,
                     repeatable: Bool, scope: OptionScope, flag: String, doc: String,
                     allowsEmpty: Bool = false,
                     normalize: @escaping @Sendable (String) -> String = { $0 },
                     check: @escaping @Sendable (String) -> String?) -> OptionSpec {
        OptionSpec(name, .list, scope: scope, flag: flag, doc: doc, repeatable: repeatable,
                   store: { (o, v) throws(TrawlError) in
                       if repeatable {
                           o[keyPath: path].append(try v.text(name, check))
                           return
                       }
                       let whole = try v.text(name, nil)
                       if allowsEmpty && whole.isEmpty {
                           o[keyPath: path] = []
                           return
                       }
                       let items = whole.split(separator: ",", omittingEmptySubsequences: false)
                           .map { normalize($0.trimmingSpaces()) }
                       for item in items {
                           if let message = check(item) { throw TrawlError(.invalidArgument, message) }
                       }
                       o[keyPath: path] = items
                   },
                   load: { .list($0[keyPath: path]) })
    }
}

// MARK: - Checks shared by the entries

extension OptionSpec {
    /// Refuses CR, LF and NUL: in a request header or URL they would end the line early and
    /// let the rest pass as a header of its own (header injection).
    static func noLineBreaks(_ name: String) -> @Sendable (String) -> String? {
        { s in
            s.utf8.contains(where: { $0 == 13 || $0 == 10 }) ? "option '\(name)' must not contain CR or LF" : nil
        }
    }
}

extension OptionValue {
    func int(_ key: String, _ range: ClosedRange<Int>) throws(TrawlError) -> Int {
        guard case .int(let n) = self else {
            throw TrawlError(.invalidArgument, "option '\(key)' takes an integer")
        }
        guard range.contains(n) else {
            throw TrawlError(.invalidArgument,
                             "option '\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(n)")
        }
        return n
    }

    func number(_ key: String, _ range: ClosedRange<Double>, unit: String) throws(TrawlError) -> Double {
        let v: Double
        switch self {
        case .int(let n): v = Double(n)
        case .double(let d): v = d
        case .string: throw TrawlError(.invalidArgument, "option '\(key)' takes a number of \(unit)")
        }
        guard v.isFinite, range.contains(v) else {
            throw TrawlError(.invalidArgument,
                             "option '\(key)' must be a number of \(unit) from \(OptionSpec.seconds(range.lowerBound)) to \(OptionSpec.seconds(range.upperBound)), got \(v)")
        }
        return v
    }

    func bool(_ key: String) throws(TrawlError) -> Bool {
        guard case .int(let n) = self, n == 0 || n == 1 else {
            throw TrawlError(.invalidArgument, "option '\(key)' takes 0 or 1")
        }
        return n == 1
    }

    /// A string without NUL that `check` accepts.
    func text(_ key: String, _ check: ((String) -> String?)?) throws(TrawlError) -> String {
        guard case .string(let s) = self else {
            throw TrawlError(.invalidArgument, "option '\(key)' takes a string")
        }
        guard !s.utf8.contains(0) else {
            throw TrawlError(.invalidArgument, "option '\(key)' must not contain NUL")
        }
        if let message = check?(s) { throw TrawlError(.invalidArgument, message) }
        return s
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(TrawlError) -> E
    where E.RawValue == String {
        let s = try text(key, nil)
        guard let e = E(rawValue: s) else {
            let names = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw TrawlError(.invalidArgument, "option '\(key)' must be one of \(names), got '\(s)'")
        }
        return e
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs (no Foundation in the library).
    public func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
