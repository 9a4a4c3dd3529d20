// SPDX-License-Identifier: Apache-2.0

/// A value given to an option by name.
public enum OptionValue: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case string(String)
}

extension CrawlOptions {
    /// The names ``set(_:_:)`` accepts, in the order the docs list them.
    public static let keys: [String] = [
        "backend", "jobs", "concurrency", "order", "verbose",
        "per_host_connections", "connect_timeout", "timeout", "max_redirects", "max_bytes",
        "user_agent", "header", "clear_headers", "ca_bundle", "verify_tls", "protocols",
        "decode", "default_patterns", "regex_budget", "regex_match_limit",
        "worker_memory_limit", "task_timeout", "max_attempts",
    ]

    /// Sets one option by its snake_case name, validating the value.
    ///
    /// Integers are accepted where a number of seconds is expected, and `0`/`1` where a
    /// boolean is. `header` appends one `"Name: value"` line; `clear_headers` drops them all.
    /// - Throws: `unknown_option` for a name not in ``keys``; `invalid_argument` for a value
    ///   of the wrong type or out of range. The options are unchanged when it throws.
    public mutating func set(_ key: String, _ value: OptionValue) throws(TrawlError) {
        switch key {
        case "backend": backend = try value.choice(key, BackendKind.self)
        case "jobs":
            let n = try value.int(key)
            guard n != 0 else { throw TrawlError(.invalidArgument, "jobs must not be 0 (use -1 for all cores)") }
            jobs = n
        case "concurrency": concurrency = try value.int(key, 1...100_000)
        case "order": order = try value.choice(key, ResultOrder.self)
        case "verbose": verbose = try value.int(key, 0...1_000)
        case "per_host_connections": perHostConnections = try value.int(key, 0...100_000)
        case "connect_timeout": connectTimeout = try value.seconds(key)
        case "timeout": timeout = try value.seconds(key)
        case "max_redirects": maxRedirects = try value.int(key, 0...1_000)
        case "max_bytes": maxBytes = try value.int(key, 1...Int(Int32.max))
        case "user_agent": userAgent = try value.string(key)
        case "header":
            let h = try value.string(key)
            guard let colon = h.firstIndex(of: ":"), colon != h.startIndex,
                  !h.utf8.contains(13), !h.utf8.contains(10)
            else { throw TrawlError(.invalidArgument, "header must look like 'Name: value', got '\(h)'") }
            headers.append(h)
        case "clear_headers": headers = []
        case "ca_bundle":
            let path = try value.string(key)
            caBundle = path.isEmpty ? nil : path
        case "verify_tls": verifyTLS = try value.bool(key)
        case "protocols":
            let list = try value.string(key).split(separator: ",").map {
                $0.trimmingSpaces().lowercased()
            }
            guard !list.isEmpty, list.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isLetter) }) else {
                throw TrawlError(.invalidArgument, "protocols must be a comma-separated list such as 'http,https'")
            }
            allowedProtocols = list
        case "decode": decode = try value.choice(key, DecodeMode.self)
        case "default_patterns": useDefaultPatterns = try value.bool(key)
        case "regex_budget": regexBudget = try value.seconds(key)
        case "regex_match_limit": regexMatchLimit = try value.int(key, 1...Int(UInt32.max))
        case "worker_memory_limit": workerMemoryLimit = try value.int(key, 0...Int.max)
        case "task_timeout":
            if case .int(0) = value { taskTimeout = 0 } else { taskTimeout = try value.seconds(key) }
        case "max_attempts": maxAttempts = try value.int(key, 1...100)
        default:
            throw TrawlError(.unknownOption, "unknown option '\(key)'")
        }
    }
}

extension OptionValue {
    func int(_ key: String, _ range: ClosedRange<Int>? = nil) throws(TrawlError) -> Int {
        guard case .int(let n) = self else {
            throw TrawlError(.invalidArgument, "option '\(key)' takes an integer")
        }
        if let range, !range.contains(n) {
            throw TrawlError(.invalidArgument,
                             "option '\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(n)")
        }
        return n
    }

    func seconds(_ key: String) throws(TrawlError) -> Double {
        let v: Double
        switch self {
        case .int(let n): v = Double(n)
        case .double(let d): v = d
        case .string: throw TrawlError(.invalidArgument, "option '\(key)' takes a number of seconds")
        }
        guard v.isFinite, v > 0, v <= 31_536_000 else {
            throw TrawlError(.invalidArgument, "option '\(key)' must be a positive number of seconds, got \(v)")
        }
        return v
    }

    func bool(_ key: String) throws(TrawlError) -> Bool {
        guard case .int(let n) = self, n == 0 || n == 1 else {
            throw TrawlError(.invalidArgument, "option '\(key)' takes 0 or 1")
        }
        return n == 1
    }

    func string(_ key: String) throws(TrawlError) -> String {
        guard case .string(let s) = self else {
            throw TrawlError(.invalidArgument, "option '\(key)' takes a string")
        }
        return s
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(TrawlError) -> E
    where E.RawValue == String {
        let s = try string(key)
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
