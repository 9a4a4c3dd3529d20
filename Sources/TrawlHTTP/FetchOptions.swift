// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// The settings the HTTP layer needs and nothing else: a lane never sees the batch's backend,
/// Redis or extraction settings.
public struct FetchOptions: Sendable, Equatable {
    /// Transfers to one host at once across every lane sharing a ``HostPolicy``; 0 for no
    /// limit.
    public var perHostConnections: Int
    /// Transfers to one host at once once it answered over HTTP/2 (when
    /// ``perHostConnections`` is a limit).
    public var perHostStreams: Int
    /// Seconds to establish a connection (TCP + TLS).
    public var connectTimeout: Double
    /// Seconds for a whole transfer, redirects included.
    public var timeout: Double
    /// Seconds without a received byte before a transfer ends as `timeout`; 0 for no limit.
    public var readTimeout: Double
    public var maxRedirects: Int
    /// Largest decoded body accepted; a larger one ends its URL with `too_large`.
    public var maxBytes: Int
    public var userAgent: String
    /// Extra request headers, `"Name: value"`.
    public var headers: [String]
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caBundle: String?
    public var verifyTLS: Bool
    /// Schemes allowed for the first request and for every redirect.
    public var allowedProtocols: [String]

    /// Host overrides, `"HOST:PORT:ADDRESS"` (`CURLOPT_RESOLVE`).
    public var resolve: [String]
    /// The SSRF guard (``AddressGuard``) is on.
    public var blockPrivateAddresses: Bool
    /// What the guard lets through: host names, addresses, CIDR ranges.
    public var allowHosts: [String]
    /// The proxy URL (``ProxyURL``), nil for none.
    public var proxy: String?
    /// Hosts reached without the proxy (`CURLOPT_NOPROXY`).
    public var noProxy: String?
    /// Whether libcurl may read proxy settings from the environment.
    public var useEnvProxy: Bool
    /// Whether transfers use a ``CookieJar``.
    public var cookies: Bool
    /// Fetch robots.txt per origin and refuse what it disallows (``RobotsGate``).
    public var respectRobots: Bool

    /// Mean seconds between request starts on one host, jittered 0.5-1.5x (``HostPacer``).
    public var hostDelay: Double
    /// Request starts per second on one host (``HostPacer``); 0 for no limit.
    public var hostRate: Double
    /// Connect failures or timeouts in a row that open a host's ``CircuitBreaker``; 0 for none.
    public var breakerThreshold: Int
    /// Whether each host's slots adapt within ``perHostConnections`` (``HostCap``): set when
    /// `concurrency` is auto.
    public var adaptiveHosts: Bool
    /// How many processes hold each host's slots together, each with its part of
    /// ``perHostConnections``: 1, or in a process backend's worker the number of workers
    /// (``HostCap/share``). Not an option: the process backend sets it.
    public var hostShare = 1
    /// The retry schedule's base and cap, which also pace a breaker's pauses.
    public var retryBase: Double
    public var retryMax: Double

    /// Whether responses keep their header fields (``FetchResponse/headers``): set for page
    /// observers, off otherwise so that no page pays for them.
    public var keepHeaders = false
    /// Whether responses keep the request head as sent and the response head as received
    /// (``FetchResponse/requestHead``, ``FetchResponse/responseHead``): for WARC archives.
    public var keepHeads = false

    /// The defaults of ``CrawlOptions``, the one home of every default.
    public init() { self.init(CrawlOptions()) }

    /// The fetch part of a batch's options.
    public init(_ options: CrawlOptions) {
        perHostConnections = options.perHostConnections
        perHostStreams = options.perHostStreams
        connectTimeout = options.connectTimeout
        timeout = options.timeout
        readTimeout = options.readTimeout
        maxRedirects = options.maxRedirects
        maxBytes = options.maxBytes
        userAgent = options.userAgent
        headers = options.headers
        caBundle = options.caBundle
        verifyTLS = options.verifyTLS
        allowedProtocols = options.allowedProtocols
        resolve = options.resolve
        blockPrivateAddresses = options.blockPrivateAddresses
        allowHosts = options.allowHosts
        hostDelay = options.hostDelay
        hostRate = options.hostRate
        breakerThreshold = options.breakerThreshold
        adaptiveHosts = options.concurrency == 0
        retryBase = options.retryBase
        retryMax = options.retryMax
        respectRobots = options.respectRobots
        cookies = options.usesCookies
        proxy = options.proxy
        noProxy = options.noProxy
        useEnvProxy = options.useEnvProxy
        keepHeads = options.warc != nil
    }
}
