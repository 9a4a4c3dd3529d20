// SPDX-License-Identifier: Apache-2.0

/// Where a batch runs.
public enum BackendKind: String, Sendable, CaseIterable {
    /// Worker threads in this process.
    case thread
    /// Spawned `trawl worker` processes: a crash loses nothing.
    case process
    /// `trawl worker`s on many machines, coordinated through Redis Streams.
    case cluster
}

/// How a body becomes text.
public enum DecodeMode: String, Sendable, CaseIterable {
    /// As a browser does: BOM, then the Content-Type charset, then `<meta>`, else UTF-8.
    case browser
    /// As Python `requests`' `.text`: the Content-Type charset, else ISO-8859-1 for `text/*`,
    /// else a UTF-8 guess; for migrating from the Python baseline byte for byte.
    case requests
}

/// Which links follow mode may enqueue, compared with the seed a page descends from.
public enum FollowScope: String, Sendable, CaseIterable {
    /// The seed's host only (`www.example.com` is not `example.com`).
    case host
    /// The seed's registrable domain (the Public Suffix List's, through libpsl):
    /// `a.example.co.uk` and `b.example.co.uk` share one; `a.github.io` and `b.github.io` do not.
    case domain
    /// Any http or https URL.
    case any
}

/// In which order a batch hands out results.
public enum ResultOrder: String, Sendable, CaseIterable {
    /// The order the URLs were submitted in (joblib's `return_as="list"`/`"generator"`).
    case input
    /// As they finish (joblib's `"generator_unordered"`).
    case completed
}

/// Everything that shapes a batch. Value type: a batch copies the options it starts with.
///
/// The same settings are reachable by name through ``set(_:_:)`` (the C ABI, the bindings
/// and the CLI use those names), so every option is validated in one place.
public struct CrawlOptions: Sendable, Equatable {
    // MARK: Batch
    public var backend: BackendKind = .thread
    /// joblib's `n_jobs`: `-1` all cores, `-2` all but one, `n > 0` exactly n.
    public var jobs: Int = -1
    /// Transfers in flight across the whole batch; 0 (`auto`) adapts up to ``maxConcurrency``
    /// (``ConcurrencyLimiter``).
    public var concurrency: Int = 0
    /// The cap of an adaptive ``concurrency``.
    public var maxConcurrency: Int = 1024
    /// Transfers in flight for the backends whose limit does not adapt (process, cluster):
    /// ``concurrency``, or 64 when it is `auto`.
    public var fixedConcurrency: Int { concurrency > 0 ? concurrency : 64 }
    public var order: ResultOrder = .input
    /// joblib-style progress lines on stderr: 0 silent, >0 more often, >= 50 to stdout.
    public var verbose: Int = 0
    /// Repeated URLs (the same once normalised, fragment aside) are fetched once, at their
    /// first index, and every copy gets that result under its own index and URL.
    public var dedupe: Bool = true

    // MARK: Resuming and archiving (docs/resume-and-warc.md)
    /// A journal file: every finished result is appended to it, and a batch run again with
    /// the same journal skips the URLs it holds and hands out their results again.
    public var journal: String? = nil
    /// Where WARC files go: `PATH-00000.warc.gz`, `PATH-00001.warc.gz`, … (worker processes
    /// add their process id); `nil` for none.
    public var warc: String? = nil
    /// Size at which a WARC file is closed and the next one started.
    public var warcMaxBytes: Int = 1 << 30

    // MARK: Process backend
    /// Address-space limit of each worker process in bytes (RLIMIT_AS); 0 for none.
    public var workerMemoryLimit: Int = 0
    /// Seconds a worker may hold one URL before the parent kills it; 0 derives it from the
    /// timeouts and the regex budget.
    public var taskTimeout: Double = 0
    /// Workers a URL may take down with it before it ends as `worker_crashed`.
    public var maxAttempts: Int = 2

    // MARK: Cluster backend (docs/cluster.md)
    /// The Redis server that coordinates the cluster: `redis://[user:password@]host:port/db`.
    /// Required by the cluster backend; never printed with its password.
    public var redisURL: String? = nil
    /// Names the batch in Redis; a submitter that starts again with the same id and the same
    /// URLs resumes collecting. `nil` draws a random id.
    public var batchID: String? = nil
    /// Seconds a task may go without its worker's heartbeat before another worker takes it.
    public var visibilityTimeout: Double = 30
    /// Deliveries of one task (its first plus reclaims) before it ends as `worker_lost`.
    public var maxDeliveries: Int = 3
    /// Seconds an abandoned batch's keys live in Redis; refreshed while the submitter runs.
    public var ttl: Double = 86_400
    /// Seconds allowed to connect to Redis, for each reply, and to reconnect after a loss.
    public var redisTimeout: Double = 5
    /// Prefix of every key trawl uses, so that several clusters can share one Redis.
    public var keyPrefix: String = "trawl:"

    // MARK: Fetching
    /// Connections to one host at once; 0 means no limit beyond ``concurrency``. The default,
    /// 8, is Scrapy's per-domain default; with an adaptive ``concurrency`` a host starts at 6.
    public var perHostConnections: Int = 8
    /// Transfers to one host at once once it answered over HTTP/2: streams multiplexed on a
    /// connection cost a server far less than connections, so the cap is higher (at most
    /// 100 by default, as libcurl's and most servers' concurrent stream limit).
    public var perHostStreams: Int = 100
    /// Seconds to establish a connection (TCP + TLS).
    public var connectTimeout: Double = 10
    /// Seconds for a whole transfer, redirects included.
    public var timeout: Double = 30
    /// Longest silence, in seconds, between received bytes before a transfer ends with
    /// `timeout` (requests' read timeout, as libcurl's low-speed limit: whole seconds, rounded
    /// up); 0 for no limit.
    public var readTimeout: Double = 0
    public var maxRedirects: Int = 10
    /// Largest decoded body accepted; a larger one ends its URL with `too_large`.
    public var maxBytes: Int = 16 << 20
    public var userAgent: String = Version.userAgent
    /// Extra request headers, `"Name: value"`.
    public var headers: [String] = []
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caBundle: String? = nil
    public var verifyTLS: Bool = true
    /// Schemes allowed for the first request and for every redirect.
    public var allowedProtocols: [String] = ["http", "https"]

    // MARK: Safety on the real web (docs/real-web.md)
    /// Host overrides like curl's `--resolve`: `"HOST:PORT:ADDRESS[,ADDRESS...]"`.
    public var resolve: [String] = []
    /// The SSRF guard: refuse to connect to loopback, private, link-local and other
    /// non-public addresses, checked at connect time (every redirect, every DNS answer).
    public var blockPrivateAddresses: Bool = false
    /// Host names, addresses or CIDR ranges the guard lets through.
    public var allowHosts: [String] = []
    /// The proxy every transfer goes through: `http://`, `https://`, `socks5://` or
    /// `socks5h://`, with optional `user:password@` (never printed).
    public var proxy: String? = nil
    /// Hosts reached without the proxy, comma-separated as curl's `NO_PROXY` (`*`: all).
    public var noProxy: String? = nil
    /// Whether libcurl may take a proxy from `http_proxy`, `https_proxy`, `ALL_PROXY` and
    /// `NO_PROXY` when ``proxy`` is not set.
    public var useEnvProxy: Bool = true
    /// A cookie jar for the batch: cookies set by one response are sent with later requests.
    public var cookies: Bool = false
    /// A Netscape cookie file loaded into the jar when a batch starts (and written back when
    /// it ends, by the thread backend); setting it turns ``cookies`` on. Empty: none.
    public var cookieFile: String? = nil
    /// Whether the batch keeps cookies (``cookies`` or a ``cookieFile``).
    public var usesCookies: Bool { cookies || !(cookieFile ?? "").isEmpty }
    /// Fetch each origin's robots.txt first and skip the URLs it disallows (RFC 9309).
    public var respectRobots: Bool = false

    // MARK: Retries and per-host politeness (docs/politeness.md)
    /// HTTP attempts after the first for a transient failure (``RetryPolicy``).
    public var maxRetries: Int = 2
    /// Seconds: the first retry waits up to this long (full jitter), each next one twice as
    /// long at most.
    public var retryBase: Double = 0.5
    /// Seconds: the longest back-off; a `Retry-After` above it ends the URL at once.
    public var retryMax: Double = 30
    /// HTTP statuses retried, as decimal strings.
    public var retryStatuses: [String] = ["408", "425", "429", "500", "502", "503", "504"]
    /// Seconds between request starts on one host, each gap drawn from 0.5-1.5x (0: none).
    public var hostDelay: Double = 0
    /// Requests per second started on one host, a token bucket (0: no limit).
    public var hostRate: Double = 0
    /// Consecutive connect failures or timeouts on one host before its circuit breaker
    /// pauses it (0: no breaker).
    public var breakerThreshold: Int = 5

    // MARK: Text and extraction
    public var decode: DecodeMode = .browser
    public var useDefaultPatterns: Bool = true
    /// User patterns, after the defaults when those are on.
    public var patterns: [PatternSpec] = []
    /// CPU seconds one pattern may spend on one page before it ends as
    /// `regex_budget_exceeded` (see docs/extraction.md).
    public var regexBudget: Double = 1.0
    /// PCRE2's match limit for one `pcre2_match` call.
    public var regexMatchLimit: Int = 10_000_000
    /// Patterns whose matches become absolute URLs (resolved against the page's URL and its
    /// `<base href>`, WHATWG rules), their matches as written kept in
    /// ``CrawlResult/rawMatches``. Empty: matches stay as written, as `re.findall` gives them.
    public var absoluteLinks: [String] = []

    // MARK: Follow mode (docs/follow.md)
    /// The pattern whose matches are followed: resolved as ``absoluteLinks`` does, then
    /// enqueued (breadth-first, each normalised URL once) when they pass the filters below.
    /// `nil`: the batch is its list, nothing more.
    public var follow: String? = nil
    /// Links are followed from pages at depths below this (seeds are depth 0): 1 fetches the
    /// seeds and the pages they link to.
    public var maxDepth: Int = 1
    /// Pages the batch fetches at most, seeds included (every seed is fetched; links stop
    /// being enqueued once the cap is reached); 0 for no cap.
    public var maxPages: Int = 0
    /// Which links may be enqueued, compared with the page's seed.
    public var followScope: FollowScope = .host
    /// A regex (Python `re` syntax) a followed URL must match somewhere (`re.search`); nil: any.
    public var followAllow: String? = nil
    /// A regex (Python `re` syntax) that keeps a URL from being followed when it matches.
    public var followDeny: String? = nil

    /// The patterns made absolute: ``absoluteLinks`` and the ``follow`` pattern.
    public var resolvedLinkPatterns: [String] {
        guard let follow, !absoluteLinks.contains(follow) else { return absoluteLinks }
        return absoluteLinks + [follow]
    }

    public init() {}

    /// The patterns a batch runs: the defaults (when on) followed by the user's.
    public var effectivePatterns: [PatternSpec] {
        (useDefaultPatterns ? PatternSpec.defaults : []) + patterns
    }

    /// ``jobs`` resolved against `cores` the way joblib's `effective_n_jobs` does.
    public func effectiveJobs(cores: Int) -> Int {
        let n = jobs < 0 ? cores + 1 + jobs : jobs
        return max(1, n)
    }
}
