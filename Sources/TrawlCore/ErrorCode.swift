// SPDX-License-Identifier: Apache-2.0

/// Every way a trawl call or a URL can fail.
///
/// One list serves both API calls (`trawl_status` in C) and per-URL results (`error.code` in
/// JSON), as `CURLcode` does for libcurl. The numbers are ABI: codes are only ever appended,
/// never renumbered or reused. ``name`` is the stable snake_case spelling used in JSON, the CLI
/// and the bindings.
public enum ErrorCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0
    // MARK: API errors
    case invalidArgument = 1
    case unknownOption = 2
    case invalidRegex = 3
    case invalidState = 4
    case outOfMemory = 5
    case io = 6
    case internalError = 7
    case backendUnavailable = 8
    case done = 9
    case timedOut = 10
    // MARK: Per-URL errors
    case invalidURL = 20
    case unsupportedProtocol = 21
    case dns = 22
    case connect = 23
    case timeout = 24
    case tooManyRedirects = 25
    case tooLarge = 26
    case tls = 27
    case http = 28
    case network = 29
    case regexBudgetExceeded = 30
    case cancelled = 31
    case workerCrashed = 32
    case workerLost = 33
    case hostUnavailable = 34
    case robotsDisallowed = 35
    case blockedAddress = 36
    case badResponse = 37
    /// A streamed batch's URL source failed (a read error, a Python iterable that raised, a
    /// C source callback that returned an error): the input ends there, reported once.
    case inputError = 38

    /// The stable snake_case name: `"invalid_url"`, `"regex_budget_exceeded"`, ...
    public var name: String {
        switch self {
        case .ok: "ok"
        case .invalidArgument: "invalid_argument"
        case .unknownOption: "unknown_option"
        case .invalidRegex: "invalid_regex"
        case .invalidState: "invalid_state"
        case .outOfMemory: "out_of_memory"
        case .io: "io"
        case .internalError: "internal"
        case .backendUnavailable: "backend_unavailable"
        case .done: "done"
        case .timedOut: "timed_out"
        case .invalidURL: "invalid_url"
        case .unsupportedProtocol: "unsupported_protocol"
        case .dns: "dns"
        case .connect: "connect"
        case .timeout: "timeout"
        case .tooManyRedirects: "too_many_redirects"
        case .tooLarge: "too_large"
        case .tls: "tls"
        case .http: "http"
        case .network: "network"
        case .regexBudgetExceeded: "regex_budget_exceeded"
        case .cancelled: "cancelled"
        case .workerCrashed: "worker_crashed"
        case .workerLost: "worker_lost"
        case .hostUnavailable: "host_unavailable"
        case .robotsDisallowed: "robots_disallowed"
        case .blockedAddress: "blocked_address"
        case .badResponse: "bad_response"
        case .inputError: "input_error"
        }
    }

    /// A fixed English sentence for the code, as `curl_easy_strerror` gives.
    public var summary: String {
        switch self {
        case .ok: "no error"
        case .invalidArgument: "invalid argument"
        case .unknownOption: "unknown option"
        case .invalidRegex: "invalid regular expression"
        case .invalidState: "call not valid in the handle's current state"
        case .outOfMemory: "out of memory"
        case .io: "input/output error"
        case .internalError: "internal error"
        case .backendUnavailable: "backend unavailable"
        case .done: "no more results"
        case .timedOut: "no result within the timeout"
        case .invalidURL: "invalid URL"
        case .unsupportedProtocol: "protocol not allowed"
        case .dns: "could not resolve host"
        case .connect: "could not connect"
        case .timeout: "operation timed out"
        case .tooManyRedirects: "too many redirects"
        case .tooLarge: "response body larger than the limit"
        case .tls: "TLS error"
        case .http: "HTTP protocol error"
        case .network: "network error"
        case .regexBudgetExceeded: "pattern exceeded its backtracking budget"
        case .cancelled: "cancelled"
        case .workerCrashed: "worker process crashed"
        case .workerLost: "cluster worker lost"
        case .hostUnavailable: "host unavailable"
        case .robotsDisallowed: "refused by the site's robots.txt"
        case .blockedAddress: "address refused by the SSRF guard"
        case .badResponse: "the server's response violates HTTP"
        case .inputError: "reading the batch's URLs failed"
        }
    }

    public var description: String { name }

    /// Looks a code up by its snake_case ``name``.
    public init?(name: String) {
        guard let code = ErrorCode.allCases.first(where: { $0.name == name }) else { return nil }
        self = code
    }
}

/// An error with its code and a message that says what exactly went wrong.
public struct TrawlError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// For `invalid_regex`: the offset in the pattern's Python source, in code points, where
    /// compiling failed (the message says it too); `nil` for every other error.
    public var offset: Int?

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
        self.offset = nil
    }

    /// An `invalid_regex` error at `offset` code points into the pattern's source.
    public init(_ code: ErrorCode, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(code.name): \(message)" }

    /// Code and message: the offset only repeats what an `invalid_regex` message says.
    public static func == (a: TrawlError, b: TrawlError) -> Bool {
        a.code == b.code && a.message == b.message
    }
}
