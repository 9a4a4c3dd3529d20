// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// One URL to fetch, with its position in the batch.
public struct FetchRequest: Sendable {
    /// The URL's position in the batch; handed back unchanged in its ``FetchResponse``.
    public var index: Int
    /// The URL as the user gave it; validated before any transfer starts.
    public var url: String
    /// What libcurl fetches when it differs from ``url`` (set by validation: an international
    /// host name in its ASCII form).
    var fetchURL: String?
    /// Set on the lane's own request for an origin's `/robots.txt` (`scheme://host:port`):
    /// its response goes to the ``RobotsGate``, never to the caller.
    var robotsOrigin: String?

    /// A request for `url`, at `index` in its batch.
    public init(index: Int, url: String) {
        self.index = index
        self.url = url
    }
}

/// What became of one ``FetchRequest``: a response (any HTTP status) or an error.
public struct FetchResponse: Sendable {
    /// The request's ``FetchRequest/index``.
    public var index: Int
    /// The requested URL, unchanged.
    public var url: String
    /// The URL of the last response after redirects (`CURLINFO_EFFECTIVE_URL`); nil when no
    /// transfer started.
    public var finalURL: String?
    /// The HTTP status of the last response (`CURLINFO_RESPONSE_CODE`); nil when none arrived.
    public var status: Int?
    /// The last response's `Content-Type` header (`CURLINFO_CONTENT_TYPE`).
    public var contentType: String?
    /// The body with its Content-Encoding removed; empty when ``error`` is set.
    public var body: [UInt8]
    /// The body as it arrived, before its Content-Encoding was removed (for archives such as
    /// WARC); the same storage as ``body`` when the response had no content coding. Empty
    /// when ``error`` is set.
    public var rawBody: [UInt8] = []
    /// The last response's header fields, in the order received; kept only when
    /// ``FetchOptions/keepHeaders`` asks (for page observers), else empty.
    public var headers: [(name: String, value: String)] = []
    /// The last request's head as libcurl sent it (request line, headers, blank line); kept
    /// only when ``FetchOptions/keepHeads`` asks (for WARC), else empty.
    public var requestHead: [UInt8] = []
    /// The last response's head as received (status line, header lines, blank line); kept
    /// only when ``FetchOptions/keepHeads`` asks, else empty.
    public var responseHead: [UInt8] = []
    /// The redirects followed before the last response, in order (with
    /// ``FetchOptions/keepHeads``, else empty).
    public var redirects: [RedirectHop] = []
    /// ``body`` itself (same storage) when all of it is valid UTF-8, as checked while it
    /// arrived; nil when it is not, or was not checked.
    public var validUTF8: UTF8Text?
    /// The last response's `Retry-After` header as received (at most 128 characters); read
    /// by ``RetryAfter/seconds(_:now:)``.
    public var retryAfter: String?
    /// Seconds from the moment the transfer was added to the multi handle until it ended.
    public var elapsed: Double
    /// Why the URL failed; nil on success. Every HTTP status, 404 and 500 included, is a
    /// success: the body is the page.
    public var error: TrawlError?

    /// A response with every field given.
    public init(index: Int, url: String, finalURL: String? = nil, status: Int? = nil,
                contentType: String? = nil, body: [UInt8] = [], elapsed: Double = 0,
                error: TrawlError? = nil) {
        self.index = index
        self.url = url
        self.finalURL = finalURL
        self.status = status
        self.contentType = contentType
        self.body = body
        self.elapsed = elapsed
        self.error = error
    }

    /// A response for a request that failed without a transfer (or was cancelled).
    static func failed(_ request: FetchRequest, _ error: TrawlError, elapsed: Double = 0) -> FetchResponse {
        FetchResponse(index: request.index, url: request.url, elapsed: elapsed, error: error)
    }
}

/// What the caller of ``FetchLane/run(inFlight:next:isCancelled:complete:)`` has for the lane.
public enum Pull: Sendable {
    /// Start this request.
    case request(FetchRequest)
    /// Nothing now, maybe later: the lane asks again after its next event, at the latest
    /// within 100 ms, or at once after ``LaneWaker/wake()``.
    case wait
    /// Nothing ever again: the lane finishes its transfers and returns.
    case finished
}

/// One redirect a transfer followed: the request sent and the 3xx response's head (libcurl
/// reads and drops a redirect's body when it follows it, so there is none).
public struct RedirectHop: Sendable, Equatable {
    /// The URL requested (`CURLINFO_EFFECTIVE_URL` when the request went out).
    public var url: String
    /// The request head as sent.
    public var requestHead: [UInt8]
    /// The 3xx response's head as received.
    public var responseHead: [UInt8]

    public init(url: String, requestHead: [UInt8], responseHead: [UInt8]) {
        self.url = url
        self.requestHead = requestHead
        self.responseHead = responseHead
    }
}
