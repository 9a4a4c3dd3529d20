// SPDX-License-Identifier: Apache-2.0

extension CrawlOptions {
    /// Every option, in the order the docs list them: the one table from which the setter,
    /// the key list, the worker wire, the CLI's flags and help, the docs' tables and
    /// `trawl_options_describe_json` are derived. Adding an option is one entry here (plus its
    /// stored property when it is new); `make test` then names every place that must mention it.
    public static let registry: [OptionSpec] = [
        // MARK: Batch
        .choice("backend", \.backend, scope: .batch, flag: "--backend",
                doc: "Where the batch runs: thread (in-process lanes), process (crash-isolated worker processes) or cluster (trawl workers through Redis; needs redis_url)."),
        .int("jobs", \.jobs, -4096...4096, scope: .batch, flag: "--jobs",
             doc: "Lanes (worker threads), joblib's n_jobs: -1 all cores, -2 all but one, n > 0 exactly n; not 0.",
             extra: { $0 == 0 ? "jobs must not be 0 (use -1 for all cores)" : nil }),
        .int("concurrency", \.concurrency, 0...100_000, scope: .batch, flag: "--concurrency",
             doc: "Transfers in flight across the batch: 0 or auto adapts to the servers' latency and strain up to max_concurrency (thread and process backends; a cluster worker adapts its own unless started with --concurrency N); a number pins it.",
             auto: 0),
        .int("max_concurrency", \.maxConcurrency, 1...100_000, scope: .batch, flag: "--max-concurrency",
             doc: "The most transfers in flight an adaptive concurrency (concurrency auto) grows to."),
        .choice("order", \.order, scope: .batch, flag: "--order",
                doc: "Result order: input (as submitted) or completed (as they finish)."),
        .int("verbose", \.verbose, 0...1_000, scope: .batch, flag: "--verbose",
             doc: "joblib verbosity: 0 silent, 1-10 more often, >10 every URL, >=50 to stdout."),
        .bool("dedupe", \.dedupe, scope: .batch, flag: "--no-dedupe",
              doc: "Fetch a repeated URL (the same once normalised, fragment aside) once and give every copy its result under its own index (--no-dedupe fetches every copy)."),

        // MARK: Resuming and archiving (docs/resume-and-warc.md)
        .string("journal", \.journal, scope: .batch, flag: "--journal",
                doc: "Journal file: finished results are appended; running the same batch again with it fetches only the URLs it lacks (thread and process backends; the cluster backend resumes with batch_id)."),
        .string("warc", \.warc, scope: .fetch, flag: "--warc",
                doc: "Write every response as WARC/1.1 to PATH-NNNNN.warc.gz (worker processes: PATH-PID-NNNNN.warc.gz; empty: none)."),
        .int("warc_max_bytes", \.warcMaxBytes, 4096...(1 << 53), scope: .fetch, flag: "--warc-max-bytes",
             doc: "Bytes after which a WARC file is closed and the next one started."),

        // MARK: Fetching
        .int("per_host_connections", \.perHostConnections, 0...100_000, scope: .fetch, flag: "--per-host",
             doc: "Transfers to one host at once, shared by the batch's lanes; on the process backend split between the workers (rounded up), per worker on the cluster (0: no limit). With concurrency auto a host starts at 6 (or this, if lower) and gives way on 429, 503, timeouts and refused connections."),
        .int("per_host_streams", \.perHostStreams, 1...1_000, scope: .fetch, flag: "--per-host-streams",
             doc: "Transfers to one host at once once it answered over HTTP/2, multiplexed as streams on each lane's connection (with a per_host_connections limit; split between process-backend workers like it). With concurrency auto a multiplexing host's slots double per round of responses until it shows strain."),
        .seconds("connect_timeout", \.connectTimeout, 0.001...31_536_000, scope: .fetch, flag: "--connect-timeout",
                 doc: "Seconds allowed to connect (TCP and TLS)."),
        .seconds("timeout", \.timeout, 0.001...31_536_000, scope: .fetch, flag: "--timeout",
                 doc: "Seconds allowed for each URL, redirects included."),
        .seconds("read_timeout", \.readTimeout, 0...31_536_000, scope: .fetch, flag: "--read-timeout",
                 doc: "Seconds without a received byte before a transfer ends as timeout, rounded up to whole seconds (0: no limit)."),
        .int("max_redirects", \.maxRedirects, 0...1_000, scope: .fetch, flag: "--max-redirects",
             doc: "Redirects to follow before too_many_redirects."),
        .int("max_bytes", \.maxBytes, 1...Int(Int32.max), scope: .fetch, flag: "--max-bytes",
             doc: "Largest decoded body in bytes; a larger one ends as too_large."),
        .string("user_agent", \.userAgent, scope: .fetch, flag: "--user-agent",
                doc: "The User-Agent header (no CR or LF).", check: OptionSpec.noLineBreaks("user_agent")),
        .list("header", \.headers, repeatable: true, scope: .fetch, flag: "--header",
              doc: "An extra request header 'Name: value' (no CR or LF); each one adds a header.",
              check: { h in
                  if let message = OptionSpec.noLineBreaks("header")(h) { return message }
                  guard let colon = h.firstIndex(of: ":"), colon != h.startIndex else {
                      return "header must look like 'Name: value', got '\(h)'"
                  }
                  return nil
              }),
        .action("clear_headers", scope: .fetch, flag: "--clear-headers",
                doc: "Drops every extra header given before it (set to 1; 0 does nothing).") { $0.headers = [] },
        .string("ca_bundle", \.caBundle, scope: .fetch, flag: "--ca-bundle",
                doc: "A PEM file of CA certificates to trust instead of the system's (empty: the system's)."),
        .bool("verify_tls", \.verifyTLS, scope: .fetch, flag: "--insecure",
              doc: "Verify TLS certificates and host names (--insecure turns it off)."),
        .list("protocols", \.allowedProtocols, repeatable: false, scope: .fetch, flag: "--protocols",
              doc: "Schemes allowed for the first request and every redirect, comma-separated: http, https or both (it may only narrow them).",
              normalize: { $0.lowercased() },
              check: { p in
                  guard !p.isEmpty && p.allSatisfy(\.isLetter) && p.unicodeScalars.allSatisfy(\.isASCII) else {
                      return "protocols must be a comma-separated list such as 'http,https'"
                  }
                  return CrawlOptions.crawlableProtocols.contains(p) ? nil
                      : "protocols may only narrow 'http,https' (trawl is an HTTP crawler), got '\(p)'"
              }),

        // MARK: Safety on the real web (docs/real-web.md)
        .list("resolve", \.resolve, repeatable: true, scope: .fetch, flag: "--resolve",
              doc: "A host override HOST:PORT:ADDRESS[,ADDRESS...] as curl's --resolve: connections to HOST:PORT go to ADDRESS; each one adds an entry.",
              check: CrawlOptions.resolveProblem),
        .bool("block_private_addresses", \.blockPrivateAddresses, scope: .fetch, flag: "--block-private-addresses",
              doc: "Refuse connections to loopback, private, link-local, CGNAT, multicast and reserved addresses (checked after DNS at connect time, for every redirect) with blocked_address."),
        .list("allow_hosts", \.allowHosts, repeatable: false, scope: .fetch, flag: "--allow-hosts",
              doc: "Host names, addresses or CIDR ranges (comma-separated) that block_private_addresses lets through.",
              normalize: { $0.lowercased() },
              check: { item in
                  item.utf8.contains(where: { $0 <= 32 || $0 == 127 }) || (item.contains("/") && IPRange(item) == nil)
                      ? "allow_hosts items must be host names, addresses or CIDR ranges such as 10.1.0.0/16, got '\(item)'" : nil
              }),
        .string("proxy", \.proxy, scope: .fetch, flag: "--proxy",
                doc: "A proxy for every transfer: http://, https://, socks5:// or socks5h:// [user:password@]host[:port] (the password is never printed).",
                check: { p in
                    if p.isEmpty { return nil }  // none
                    do throws(TrawlError) { _ = try ProxyURL(p) } catch { return error.message }
                    return nil
                }),
        .string("no_proxy", \.noProxy, scope: .fetch, flag: "--no-proxy",
                doc: "Hosts reached without the proxy, comma-separated as curl's NO_PROXY (* for all).",
                check: { s in
                    s.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) ? nil : "no_proxy must be comma-separated host names without spaces, got '\(s)'"
                }),
        .bool("use_env_proxy", \.useEnvProxy, scope: .fetch, flag: "--no-env-proxy",
              doc: "Without proxy, take one from the environment (http_proxy, https_proxy, ALL_PROXY, NO_PROXY) as libcurl does (--no-env-proxy turns it off)."),
        .bool("cookies", \.cookies, scope: .fetch, flag: "--cookies",
              doc: "Keep a cookie jar for the batch: cookies a response sets are sent with the requests that start after it, under libcurl's domain, path, Secure and expiry rules (one jar per process: shared by the thread backend's lanes, one per worker on the process and cluster backends)."),
        .string("cookie_file", \.cookieFile, scope: .fetch, flag: "--cookie-file",
                doc: "A Netscape cookie file (curl's -b/-c format; a missing file is empty) loaded into the jar when the batch starts and, on the thread backend, written back (mode 0600) when it ends; turns cookies on. Lines that are not cookies are skipped; an unreadable or binary file fails the start."),
        .bool("respect_robots", \.respectRobots, scope: .fetch, flag: "--respect-robots",
              doc: "Fetch each origin's robots.txt once per batch (per worker process on the process and cluster backends) and end the URLs it disallows for the user agent's product token with robots_disallowed (RFC 9309; 4xx allows all, 5xx or no answer refuses all)."),

        // MARK: Retries and per-host politeness (docs/politeness.md)
        .int("max_retries", \.maxRetries, 0...100, scope: .fetch, flag: "--max-retries",
             doc: "HTTP attempts after the first for a transient failure (connect error, timeout, reset, a status of retry_statuses)."),
        .seconds("retry_base", \.retryBase, 0...3_600, scope: .fetch, flag: "--retry-base",
                 doc: "Seconds: retry n waits a random time up to retry_base * 2^(n-1) (full jitter), at most retry_max."),
        .seconds("retry_max", \.retryMax, 0...86_400, scope: .fetch, flag: "--retry-max",
                 doc: "Seconds: the longest back-off; a Retry-After above it ends the URL at once as host_unavailable."),
        .list("retry_statuses", \.retryStatuses, repeatable: false, scope: .fetch, flag: "--retry-statuses",
              doc: "HTTP statuses retried, comma-separated (empty: none).",
              check: { s in
                  s.isEmpty || (s.utf8.count == 3 && Int(s).map { (100...599).contains($0) } == true) ? nil
                      : "retry_statuses must be HTTP statuses (100-599) separated by commas, got '\(s)'"
              }),
        .seconds("host_delay", \.hostDelay, 0...86_400, scope: .fetch, flag: "--host-delay",
                 doc: "Seconds between request starts on one host across the batch, each gap drawn from 0.5-1.5x (0: none)."),
        .number("host_rate", \.hostRate, 0...100_000, unit: "requests per second", scope: .fetch, flag: "--host-rate",
                doc: "Requests per second started on one host across the batch, a token bucket of burst 1 (0: no limit)."),
        .int("breaker_threshold", \.breakerThreshold, 0...1_000_000, scope: .fetch, flag: "--breaker-threshold",
             doc: "Consecutive connect failures or timeouts that pause a host; if it stays down its URLs end as host_unavailable (0: no breaker)."),

        // MARK: Text and extraction
        .choice("decode", \.decode, scope: .extract, flag: "--decode",
                doc: "Body decoding: browser (WHATWG) or requests (as Python requests' .text)."),
        .bool("default_patterns", \.useDefaultPatterns, scope: .extract, flag: "--no-default-patterns",
              doc: "Run the default 'button' and 'link' patterns before the user's (--no-default-patterns turns them off)."),
        .list("absolute_links", \.absoluteLinks, repeatable: false, scope: .extract, flag: "--absolute-links",
              doc: "Patterns whose matches become absolute URLs (against the page's URL and its <base href>, WHATWG rules), comma-separated; the matches as written go to matches_raw (the bare flag: link).",
              allowsEmpty: true,
              check: { name in name.isEmpty ? "absolute_links must be a comma-separated list of pattern names" : nil }),
        .seconds("regex_budget", \.regexBudget, 0.001...31_536_000, scope: .extract, flag: "--regex-budget",
                 doc: "CPU seconds one pattern may spend on one page before regex_budget_exceeded."),
        .int("regex_match_limit", \.regexMatchLimit, 1...Int(UInt32.max), scope: .extract, flag: "--regex-match-limit",
             doc: "PCRE2's match limit for one match call."),

        // MARK: Follow mode (docs/follow.md)
        .string("follow", \.follow, scope: .batch, flag: "--follow",
                doc: "A pattern whose matches are followed (thread, process and cluster backends): resolved as absolute_links, then enqueued breadth-first, each normalised URL once, within follow_scope, follow_allow, follow_deny, max_depth and max_pages (empty: no following).",
                check: { $0.utf8.contains(where: { $0 < 32 }) ? "follow must be a pattern name" : nil }),
        .int("max_depth", \.maxDepth, 0...1_000_000, scope: .batch, flag: "--max-depth",
             doc: "With follow: links are followed from pages whose depth is below this (seeds are depth 0; 1 fetches the seeds and the pages they link to)."),
        .int("max_pages", \.maxPages, 0...(1 << 53), scope: .batch, flag: "--max-pages",
             doc: "With follow: pages fetched at most, seeds included (every seed is fetched; 0: no cap)."),
        .choice("follow_scope", \.followScope, scope: .batch, flag: "--follow-scope",
                doc: "With follow: links followed only to the seed's host (host), its registrable domain by the Public Suffix List (domain, libpsl), or anywhere (any)."),
        .string("follow_allow", \.followAllow, scope: .batch, flag: "--follow-allow",
                doc: "With follow: a regex (Python re syntax) a link's normalised URL must match (re.search) to be followed (empty: every link)."),
        .string("follow_deny", \.followDeny, scope: .batch, flag: "--follow-deny",
                doc: "With follow: a regex (Python re syntax); a link whose normalised URL matches it is not followed (empty: none)."),

        // MARK: Process backend
        .int("worker_memory_limit", \.workerMemoryLimit, 0...(1 << 53), scope: .process, flag: "--worker-memory-limit",
             doc: "Process backend: address-space limit of each worker in bytes (0: none)."),
        .seconds("task_timeout", \.taskTimeout, 0...31_536_000, scope: .process, flag: "--task-timeout",
                 doc: "Process backend: seconds a worker may hold one URL before it is killed (0: derived from the timeouts)."),
        .int("max_attempts", \.maxAttempts, 1...100, scope: .process, flag: "--max-attempts",
             doc: "Process backend: workers a URL may take down with it before it ends as worker_crashed."),

        // MARK: Cluster backend (docs/cluster.md)
        .string("redis_url", \.redisURL, scope: .cluster, flag: "--redis",
                doc: "Cluster: the Redis server, redis://[user:password@]host:port/db (never printed with its password)."),
        .string("batch_id", \.batchID, scope: .cluster, flag: "--batch-id",
                doc: "Cluster: the batch's id; running again with the same id and URLs resumes collecting (empty: a random id).",
                check: { id in
                    id.utf8.count <= 128 && id.utf8.allSatisfy(CrawlOptions.isBatchIDByte) ? nil
                        : "batch_id must be at most 128 characters from A-Z a-z 0-9 _ . : -"
                }),
        .seconds("visibility_timeout", \.visibilityTimeout, 0.001...31_536_000, scope: .cluster, flag: "--visibility-timeout",
                 doc: "Cluster: seconds a task may go without its worker's heartbeat before it is reclaimed."),
        .int("max_deliveries", \.maxDeliveries, 1...1_000, scope: .cluster, flag: "--max-deliveries",
             doc: "Cluster: deliveries of one task before it ends as worker_lost."),
        .seconds("ttl", \.ttl, 0.001...31_536_000, scope: .cluster, flag: "--ttl",
                 doc: "Cluster: seconds an abandoned batch's keys stay in Redis."),
        .seconds("redis_timeout", \.redisTimeout, 0.001...31_536_000, scope: .cluster, flag: "--redis-timeout",
                 doc: "Cluster: seconds to connect to Redis, per reply, and to reconnect after a loss."),
        .string("key_prefix", \.keyPrefix, scope: .cluster, flag: "--key-prefix",
                doc: "Cluster: prefix of every Redis key (at most 64 printable ASCII characters, no spaces).",
                check: { p in
                    p.utf8.count <= 64 && p.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) ? nil
                        : "key_prefix must be at most 64 printable ASCII characters without spaces"
                }),
    ]

    /// The names ``set(_:_:)`` accepts, in the order the docs list them.
    public static let keys: [String] = registry.map(\.name)

    private static let byName: [String: OptionSpec] = Dictionary(
        registry.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// The registry entry named `name`, `nil` for an unknown name.
    public static func spec(_ name: String) -> OptionSpec? { byName[name] }

    /// Sets one option by its snake_case name, validating the value against its registry
    /// entry (``registry``).
    ///
    /// Integers are accepted where a number of seconds is expected, and `0`/`1` where a
    /// boolean is. `header` appends one `"Name: value"` line; `clear_headers` 1 drops them all.
    /// - Throws: `unknown_option` for a name not in ``keys``; `invalid_argument` for a value
    ///   of the wrong type or out of range. The options are unchanged when it throws.
    public mutating func set(_ key: String, _ value: OptionValue) throws(TrawlError) {
        guard let spec = Self.byName[key] else {
            throw TrawlError(.unknownOption, "unknown option '\(key)'")
        }
        var copy = self
        try spec.store(&copy, value)
        self = copy
    }

    /// Checks every option against its registry entry, as ``set(_:_:)`` would, so that options
    /// whose stored properties were assigned directly (a user agent with a line break, say)
    /// meet the same checks as those set by name. ``Crawler`` calls it before anything runs.
    /// - Throws: `invalid_argument` naming the first option that ``set(_:_:)`` would refuse.
    public func validate() throws(TrawlError) {
        var fresh = CrawlOptions()
        for spec in Self.registry {
            for value in spec.settings(from: self) { try spec.store(&fresh, value) }
        }
        if blockPrivateAddresses, let p = proxy, (try? ProxyURL(p))?.resolvesNames == true {
            throw TrawlError(.invalidArgument, "proxy: a socks5h proxy resolves host names itself, so block_private_addresses "
                             + "could not check where they lead; use socks5:// (names resolved and checked here) or turn the guard off")
        }
    }

    /// The schemes trawl fetches: ``allowedProtocols`` may only be a part of them.
    public static let crawlableProtocols = ["http", "https"]

    /// Checks that `allowedProtocols` only narrows ``crawlableProtocols`` (for layers that
    /// get the list without the rest of the options, such as a fetch lane).
    /// - Throws: `invalid_argument` naming the first other scheme, or for an empty list.
    public static func checkProtocols(_ allowedProtocols: [String]) throws(TrawlError) {
        if let other = allowedProtocols.first(where: { !crawlableProtocols.contains($0.lowercased()) }) {
            throw TrawlError(.invalidArgument,
                             "protocols may only narrow 'http,https' (trawl is an HTTP crawler), got '\(other)'")
        }
        if allowedProtocols.isEmpty {
            throw TrawlError(.invalidArgument, "protocols is empty: no URL could be fetched")
        }
    }

    static func isBatchIDByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
             UInt8(ascii: ":"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
