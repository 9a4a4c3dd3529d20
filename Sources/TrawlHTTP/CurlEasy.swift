// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlContent
import TrawlCore

/// Owns one `CURL` easy handle, its error buffer and the body of its current transfer.
///
/// A lane reuses its easy handles from transfer to transfer: the options are set once, and
/// the multi handle's connection cache keeps connections alive between transfers.
/// Used only by the lane's thread.
final class CurlEasy: ReceiveBuffered {
    /// The `CURL *`: libcurl declares it `void`, so Swift sees a raw pointer.
    let handle: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: CURL_ERROR_SIZE bytes that libcurl fills on failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Kept alive for libcurl, which reads the list without copying it.
    private let headers: CurlHeaderList
    private let resolve: CurlHeaderList?
    /// The batch's shared DNS cache and TLS sessions, kept alive while this handle uses them.
    private let share: LaneShare?
    private let maxBytes: Int
    /// The SSRF guard, nil when `block_private_addresses` is off.
    let connectCheck: ConnectCheck?
    /// Told a transfer's host key once its connection is up (TLS included), before its
    /// request is sent: ``HostPolicy`` lets the host's other transfers start then.
    private let onConnected: ((String) -> Void)?
    /// Whether ``onConnected`` was told of this transfer.
    private var announced = false
    private var lastAnnounced = ""
    /// The batch's cookies, nil without `cookies`.
    private let jar: CookieJar?
    /// The cookies the current transfer started with.
    private var fedCookies: [String] = []

    /// The request being fetched, nil while idle.
    var request: FetchRequest?
    /// The `host:port` key the lane counts the current transfer against.
    var host: String = ""
    /// When the current transfer was added (monotonic seconds).
    var started: Double = 0
    /// The decoded body received so far, checked for UTF-8 as it arrives.
    private var body = UTF8Accumulator()
    /// The current transfer's body limit: ``maxBytes``, or ``RobotsGate/maxBytes`` for a
    /// robots.txt.
    private var limit = 0
    /// Set when the write callback refused bytes beyond ``limit``.
    private(set) var overLimit = false

    // Content decoding is trawl's own (TrawlContent), not libcurl's, so that decoder memory is
    // bounded and the body as received stays available.
    /// The current response's `Content-Encoding` values (a redirect or 1xx starts another).
    private var contentEncoding: [String] = []
    /// Header bytes of the current response, against ``maxHeaderBytes``.
    private var headerBytes = 0
    /// The current response's first `Content-Length` value.
    private var declaredLength: String?
    /// The last response's `Retry-After` value, for the retry policy.
    private(set) var retryAfter: String?
    /// Whether the current response closes its connection (`Connection: close`, or HTTP/1.0
    /// without keep-alive): the host's next transfer needs a new connection.
    private(set) var closesConnection = false
    /// Why the header callback refused the response (too many header bytes, conflicting
    /// `Content-Length`s), nil while it has not.
    private(set) var headerProblem: String?
    /// Whether the first body byte arrived (the decoder is chosen then).
    private var bodyStarted = false
    /// The decoder of an encoded body; nil for identity.
    private var decoder: ContentDecoder?
    /// The encoded body as received; empty for identity, whose ``body`` is the raw body.
    private var raw: [UInt8] = []
    /// Why content decoding stopped the transfer.
    private(set) var contentError: TrawlError?
    /// Whether the heads are kept (``FetchOptions/keepHeads``).
    private let keepHeads: Bool
    /// The current request's head as sent and the current response's head as received.
    private var requestHead: [UInt8] = []
    private var responseHead: [UInt8] = []
    /// The URL of the current request, and the redirects followed before it.
    private var requestURL = ""
    private var hops: [RedirectHop] = []

    /// `curl_easy_init` and every option that is the same for all of a lane's transfers.
    init(options: FetchOptions, headers: CurlHeaderList, resolve: CurlHeaderList? = nil,
         share: LaneShare? = nil, connectCheck: ConnectCheck? = nil, jar: CookieJar? = nil,
         onConnected: ((String) -> Void)? = nil,
         receiveBufferSize: Int) throws(TrawlError) {
        try CurlGlobal.ensure()
        guard let handle = curl_easy_init() else {
            throw TrawlError(.outOfMemory, "curl_easy_init failed")
        }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.headers = headers
        self.resolve = resolve
        self.share = share
        self.maxBytes = max(0, options.maxBytes)
        self.connectCheck = connectCheck
        self.onConnected = onConnected
        self.keepHeads = options.keepHeads
        self.jar = jar
        self.receiveBufferSize = receiveBufferSize
        try configure(options)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    // MARK: Options

    private func configure(_ options: FetchOptions) throws(TrawlError) {
        // The user data pointers are unretained: this object owns the handle, so it outlives
        // every callback libcurl makes on it.
        let me = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try check(trawl_curl_easy_setopt_ptr(handle, CURLOPT_PRIVATE, me), "CURLOPT_PRIVATE")
        try check(trawl_curl_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer),
                  "CURLOPT_ERRORBUFFER")
        try check(trawl_curl_easy_setopt_write(handle) { data, size, count, user in
            guard let user else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(user).takeUnretainedValue()
            return easy.receive(data, size: size, count: count)
        }, "CURLOPT_WRITEFUNCTION")
        try check(trawl_curl_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, me), "CURLOPT_WRITEDATA")
        try check(trawl_curl_easy_setopt_header(handle) { data, size, count, user in
            guard let user else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(user).takeUnretainedValue()
            return easy.receiveHeader(data, size: size, count: count)
        }, "CURLOPT_HEADERFUNCTION")
        try check(trawl_curl_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, me), "CURLOPT_HEADERDATA")
        if options.keepHeads {
            // The request head as sent reaches us only through the debug callback, which
            // libcurl calls only in verbose mode (nothing goes to stderr with a callback set).
            try check(trawl_curl_easy_setopt_debug(handle) { _, type, data, size, user in
                guard let user, let data, type == CURLINFO_HEADER_OUT else { return 0 }
                let easy = Unmanaged<CurlEasy>.fromOpaque(user).takeUnretainedValue()
                easy.requestSent(Array(UnsafeRawBufferPointer(start: data, count: size)))
                return 0
            }, "CURLOPT_DEBUGFUNCTION")
            try check(trawl_curl_easy_setopt_ptr(handle, CURLOPT_DEBUGDATA, me), "CURLOPT_DEBUGDATA")
            try set(CURLOPT_VERBOSE, 1, "CURLOPT_VERBOSE")
        }

        // Every coding TrawlContent decodes is offered; libcurl passes bodies on undecoded.
        try set(CURLOPT_ACCEPT_ENCODING, ContentCoding.acceptEncoding, "CURLOPT_ACCEPT_ENCODING")
        try set(CURLOPT_HTTP_CONTENT_DECODING, 0, "CURLOPT_HTTP_CONTENT_DECODING")
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS, "CURLOPT_HTTP_VERSION")
        // The lane's HandlePool chooses the size (why: there).
        try set(CURLOPT_BUFFERSIZE, receiveBufferSize, "CURLOPT_BUFFERSIZE")

        try set(CURLOPT_FOLLOWLOCATION, 1, "CURLOPT_FOLLOWLOCATION")
        try set(CURLOPT_MAXREDIRS, max(0, options.maxRedirects), "CURLOPT_MAXREDIRS")
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(options.connectTimeout),
                "CURLOPT_CONNECTTIMEOUT_MS")
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(options.timeout), "CURLOPT_TIMEOUT_MS")
        // A read timeout is "fewer than 1 byte per second for that many seconds": libcurl's
        // low-speed limit, which counts whole seconds (0 turns it off).
        let silence = options.readTimeout.isFinite && options.readTimeout > 0
            ? Int(min(options.readTimeout.rounded(.up), Double(Int32.max))) : 0
        try set(CURLOPT_LOW_SPEED_LIMIT, silence > 0 ? 1 : 0, "CURLOPT_LOW_SPEED_LIMIT")
        try set(CURLOPT_LOW_SPEED_TIME, silence, "CURLOPT_LOW_SPEED_TIME")

        try set(CURLOPT_USERAGENT, options.userAgent, "CURLOPT_USERAGENT")
        try check(trawl_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headers.list),
                  "CURLOPT_HTTPHEADER")
        if let resolve {
            try check(trawl_curl_easy_setopt_slist(handle, CURLOPT_RESOLVE, resolve.list), "CURLOPT_RESOLVE")
        }
        if let share {
            try check(trawl_curl_easy_setopt_share(handle, share.handle), "CURLOPT_SHARE")
        }

        if connectCheck != nil {
            try check(trawl_curl_easy_setopt_opensocket(handle) { user, _, address in
                guard let user, let address else { return CURL_SOCKET_BAD }
                let easy = Unmanaged<CurlEasy>.fromOpaque(user).takeUnretainedValue()
                return easy.openSocket(address)
            }, "CURLOPT_OPENSOCKETFUNCTION")
            try check(trawl_curl_easy_setopt_ptr(handle, CURLOPT_OPENSOCKETDATA, me), "CURLOPT_OPENSOCKETDATA")
        }
        if connectCheck?.checksNames == true || onConnected != nil {
            // Called before every request, redirects included, once its connection (to the
            // proxy) is up and before a byte of the request is sent.
            try check(trawl_curl_easy_setopt_prereq(handle) { user, _, _, _, _ in
                guard let user else { return Int32(CURL_PREREQFUNC_ABORT) }
                let easy = Unmanaged<CurlEasy>.fromOpaque(user).takeUnretainedValue()
                return easy.connected() ? Int32(CURL_PREREQFUNC_OK) : Int32(CURL_PREREQFUNC_ABORT)
            }, "CURLOPT_PREREQFUNCTION")
            try check(trawl_curl_easy_setopt_ptr(handle, CURLOPT_PREREQDATA, me), "CURLOPT_PREREQDATA")
        }
        if jar != nil {
            // "" turns the cookie engine on without reading a file.
            try set(CURLOPT_COOKIEFILE, "", "CURLOPT_COOKIEFILE (cookies)")
        }
        if let proxy = options.proxy, !proxy.isEmpty {
            try set(CURLOPT_PROXY, proxy, "CURLOPT_PROXY (proxy)")
        } else if !options.useEnvProxy {
            // An empty proxy turns libcurl's environment variables off.
            try set(CURLOPT_PROXY, "", "CURLOPT_PROXY (use_env_proxy 0)")
        }
        if let noProxy = options.noProxy, !noProxy.isEmpty {
            try set(CURLOPT_NOPROXY, noProxy, "CURLOPT_NOPROXY (no_proxy)")
        }

        if let ca = options.caBundle, !ca.isEmpty {
            try set(CURLOPT_CAINFO, ca, "CURLOPT_CAINFO")
        } else if let ca = SystemCABundle.path {
            try set(CURLOPT_CAINFO, ca, "CURLOPT_CAINFO (system CA bundle)")
        }
        try set(CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0, "CURLOPT_SSL_VERIFYPEER")
        try set(CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0, "CURLOPT_SSL_VERIFYHOST")

        // The same list guards the first request and every redirect: a redirect to file://
        // must not read local files. Only http and https ever reach libcurl, whatever the
        // options say (FetchLane refuses others before this).
        let protocols = options.allowedProtocols.map { $0.lowercased() }
            .filter(CrawlOptions.crawlableProtocols.contains).joined(separator: ",")
        guard !protocols.isEmpty else {
            throw TrawlError(.invalidArgument, "allowedProtocols is empty: no URL could be fetched")
        }
        try set(CURLOPT_PROTOCOLS_STR, protocols, "CURLOPT_PROTOCOLS_STR (allowedProtocols)")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, protocols,
                "CURLOPT_REDIR_PROTOCOLS_STR (allowedProtocols)")
    }

    /// libcurl opens a socket: the guard's decision, for the host of the URL being fetched
    /// now (libcurl moves the effective URL to a redirect's target before connecting).
    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        guard let connectCheck else { return CURL_SOCKET_BAD }
        let url = effectiveURL
        return connectCheck.open(address, host: url.flatMap(ConnectCheck.host(of:)), url: url)
    }

    /// Seconds -> libcurl milliseconds; 0, negative or NaN mean "no limit" (libcurl's 0).
    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }

    private func set(_ option: CURLoption, _ value: Int, _ name: String) throws(TrawlError) {
        try check(trawl_curl_easy_setopt_long(handle, option, value), name)
    }

    private func set(_ option: CURLoption, _ value: String, _ name: String) throws(TrawlError) {
        // libcurl copies string options, so the temporary C string may go.
        try check(trawl_curl_easy_setopt_str(handle, option, value), name)
    }

    private func check(_ code: CURLcode, _ name: String) throws(TrawlError) {
        guard code == CURLE_OK else {
            throw TrawlError(.invalidArgument, "curl_easy_setopt(\(name)): \(CurlErrors.strerror(code))")
        }
    }

    /// A request's connection is up: whether the request may go (the address guard checks
    /// the target by name behind a proxy).
    private func connected() -> Bool {
        if connectCheck?.checksNames == true {
            guard let url = effectiveURL, connectCheck?.checkTarget(url: url) == nil else { return false }
        }
        if !announced, let onConnected {
            announced = true
            // A handle mostly serves one host: told again, the policy would take its lock for
            // nothing.
            if host != lastAnnounced {
                lastAnnounced = host
                onConnected(host)
            }
        }
        return true
    }

    /// Whether the response came over HTTP/2 or later (its transfers multiplex as streams).
    var isMultiplexed: Bool {
        var version = 0
        guard trawl_curl_easy_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version) == CURLE_OK else { return false }
        return version >= CURL_HTTP_VERSION_2_0
    }

    // MARK: Transfers

    /// Readies the handle for `request`: `CURLOPT_URL`, a clean error buffer and body.
    func begin(_ request: FetchRequest, at now: Double) throws(TrawlError) {
        errorBuffer[0] = 0
        announced = false
        body.removeAll()
        overLimit = false
        contentEncoding = []
        headerBytes = 0
        declaredLength = nil
        retryAfter = nil
        headerProblem = nil
        closesConnection = false
        bodyStarted = false
        decoder = nil
        raw = []
        contentError = nil
        connectCheck?.refusal = nil
        requestHead = []
        responseHead = []
        requestURL = ""
        hops = []
        if let jar {
            // The engine starts each transfer with exactly the jar's cookies.
            _ = trawl_curl_easy_setopt_str(handle, CURLOPT_COOKIELIST, "ALL")
            fedCookies = jar.lines
            for line in fedCookies { _ = trawl_curl_easy_setopt_str(handle, CURLOPT_COOKIELIST, line) }
        }
        self.request = request
        limit = request.robotsOrigin != nil ? RobotsGate.maxBytes : maxBytes
        started = now
        // https: wait for a connection being set up to the same host, which may turn out to
        // be HTTP/2 and carry this transfer too, instead of opening another. Never for http:
        // there HTTP/1.1 is certain, yet libcurl would hold the transfer until the first
        // response on the other connection arrives, however slow.
        let pipewait = URLValidation.scheme(of: request.fetchURL ?? request.url) == "https" ? 1 : 0
        _ = trawl_curl_easy_setopt_long(handle, CURLOPT_PIPEWAIT, pipewait)
        let code = trawl_curl_easy_setopt_str(handle, CURLOPT_URL, request.fetchURL ?? request.url)
        guard code == CURLE_OK else {
            throw TrawlError(.invalidURL, "\(CurlErrors.strerror(code)): \(String(reflecting: request.url))")
        }
    }

    /// The transfer ended (however): what it did to its cookies goes back to the jar.
    func returnCookies() {
        guard let jar else { return }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        guard trawl_curl_easy_getinfo_slist(handle, CURLINFO_COOKIELIST, &list) == CURLE_OK else { return }
        defer { curl_slist_free_all(list) }
        var lines: [String] = []
        var node = list
        while let n = node {
            if let data = n.pointee.data { lines.append(String(cString: data)) }
            node = n.pointee.next
        }
        jar.merge(before: fedCookies, after: lines)
        fedCookies = []
    }

    /// Takes the body out (leaving the handle's buffer empty for its next transfer), the
    /// same bytes as ``UTF8Text`` when all of them are valid UTF-8, and the body as received
    /// (the same storage as `bytes` when it had no content coding).
    func takeBody() -> (bytes: [UInt8], text: UTF8Text?, raw: [UInt8]) {
        let (bytes, text) = body.take()
        var received: [UInt8] = []
        swap(&received, &raw)
        let encoded = decoder != nil
        decoder = nil
        return (bytes, text, encoded ? received : bytes)
    }

    /// Takes the request head as sent, the response head as received and the redirects
    /// followed before them (``keepHeads``).
    func takeHeads() -> (request: [UInt8], response: [UInt8], redirects: [RedirectHop]) {
        defer { requestHead = []; responseHead = []; hops = [] }
        return (requestHead, responseHead, hops)
    }

    /// A request went out (the debug callback's `CURLINFO_HEADER_OUT`). When the one before it
    /// got a 3xx, libcurl is following that redirect: the earlier exchange is a hop. Any other
    /// earlier response (a proxy's answer to CONNECT, a 401 before authenticating) is not
    /// archived; a 1xx is replaced by its final response in ``receiveHeader``.
    private func requestSent(_ head: [UInt8]) {
        if Self.isRedirect(responseHead) {
            hops.append(RedirectHop(url: requestURL, requestHead: requestHead, responseHead: responseHead))
        }
        responseHead = []
        requestHead = head
        // During the transfer this is the URL being requested (libcurl updates it on each follow).
        requestURL = effectiveURL ?? request?.url ?? ""
    }

    /// Whether `head` is a 3xx response's (`HTTP/1.1 301 …`, `HTTP/2 302`).
    static func isRedirect(_ head: [UInt8]) -> Bool {
        guard let space = head.prefix(16).firstIndex(of: 0x20), head.count > space + 3 else { return false }
        let code = head[(space + 1)...(space + 3)]
        return code.first == UInt8(ascii: "3") && code.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// The transfer ended well: flushes the content decoder, which may find the compressed
    /// stream incomplete.
    func finishBody() throws(TrawlError) {
        guard let decoder else { return }
        try decoder.finish { body.append($0) }
    }

    /// The most header bytes one response may have (its status line included), as Chrome
    /// allows (256 KiB); beyond that the response is `bad_response`. libcurl itself refuses a
    /// single header line over 100 KiB.
    static let maxHeaderBytes = 256 * 1024

    /// The header callback: counts the response's header bytes and notes its
    /// `Content-Encoding`. A status line starts a new response (after a redirect or a 1xx).
    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, size: Int, count: Int) -> Int {
        let (total, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, let data else { return 0 }
        let line = UnsafeRawBufferPointer(start: data, count: total)
        if Self.hasPrefix(line, "http/") {
            // HTTP/1.0 closes the connection unless the response says keep-alive (RFC 9112 9.3).
            closesConnection = Self.hasPrefix(line, "http/1.0")
            contentEncoding = []
            headerBytes = 0
            declaredLength = nil
            retryAfter = nil
            responseHead = []
        }
        headerBytes += total
        guard headerBytes <= Self.maxHeaderBytes else {
            headerProblem = "response headers exceed \(Self.maxHeaderBytes) bytes"
            return 0
        }
        if keepHeads { responseHead.append(contentsOf: line) }
        if let value = Self.value(of: "content-encoding:", in: line) {
            contentEncoding.append(value)
        } else if let value = Self.value(of: "connection:", in: line) {
            let options = value.lowercased().split(separator: ",").map { $0.trimmingSpaces() }
            if options.contains("close") {
                closesConnection = true
            } else if options.contains("keep-alive") {
                closesConnection = false
            }
        } else if let value = Self.value(of: "retry-after:", in: line) {
            retryAfter = String(value.prefix(128))
        } else if let value = Self.value(of: "content-length:", in: line)?.trimmingSpaces() {
            // RFC 9112 6.3: differing lengths make the message's framing unknowable (libcurl
            // 7.88 would silently take the last one).
            if let first = declaredLength, first != value {
                headerProblem = "response has conflicting Content-Length headers (\(first) and \(value))"
                return 0
            }
            declaredLength = value
        }
        return total
    }

    /// The value of header `name` (lowercase, with its colon) when `line` is that header,
    /// without the line end.
    private static func value(of name: String, in line: UnsafeRawBufferPointer) -> String? {
        guard hasPrefix(line, name) else { return nil }
        var end = line.count
        while end > name.utf8.count, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        return String(decoding: line[name.utf8.count..<end], as: UTF8.self)
    }

    /// Whether `line` starts with the lowercase ASCII `prefix`, ignoring case.
    private static func hasPrefix(_ line: UnsafeRawBufferPointer, _ prefix: String) -> Bool {
        guard line.count >= prefix.utf8.count else { return false }
        for (i, p) in prefix.utf8.enumerated() where line[i] | 0x20 != p && line[i] != p {
            return false
        }
        return true
    }

    /// Chooses the body's decoder from the response's `Content-Encoding`.
    private func startBody() throws(TrawlError) {
        bodyStarted = true
        let codings = try ContentCoding.parse(contentEncoding)
        guard !codings.isEmpty else { return }
        decoder = try ContentDecoder(codings: codings, limits: ContentLimits(maxBytes: limit))
        let expected = contentLength
        if expected > 0 { raw.reserveCapacity(min(expected, limit)) }
    }

    /// libcurl's receive buffer (`CURLOPT_BUFFERSIZE`), chosen by the lane's ``HandlePool``
    /// when the handle is made.
    let receiveBufferSize: Int

    /// The write callback: appends the bytes (decoded first when the body has a content
    /// coding), refusing any beyond the limit (returning less than offered makes libcurl end
    /// the transfer with CURLE_WRITE_ERROR).
    private func receive(_ data: UnsafeMutablePointer<CChar>?, size: Int, count: Int) -> Int {
        let (total, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, let data else { return 0 }
        if !bodyStarted {
            do { try startBody() } catch { contentError = error; return 0 }
        }
        if let decoder {
            // The encoded body is bounded by the same limit as the decoded one.
            guard total <= limit - raw.count else {
                overLimit = true
                return 0
            }
            let chunk = UnsafeRawBufferPointer(start: data, count: total)
            raw.append(contentsOf: chunk)
            do {
                try decoder.decode(chunk) { body.append($0) }
            } catch {
                contentError = error
                return 0
            }
            return total
        }
        if total > limit - body.count {
            overLimit = true
            return 0
        }
        if body.count == 0 {
            // Content-Length counts encoded bytes; still a good first guess for the buffer.
            let expected = contentLength
            // 64 bytes of slack: PCRE2's JIT reads the subject in aligned 16-byte loads, which
            // may reach a few bytes past its end (harmless, but valgrind reports reads outside
            // the allocation).
            if expected > 0 { body.reserveCapacity(min(expected, limit) + 64) }
        }
        body.append(UnsafeRawBufferPointer(start: data, count: total))
        return total
    }

    /// The text libcurl left in the error buffer, or "".
    var errorText: String {
        // Bounded: CURL_ERROR_SIZE includes the terminating NUL, which libcurl always writes.
        errorBuffer[Int(CURL_ERROR_SIZE) - 1] = 0
        return String(cString: errorBuffer)
    }

    /// The limit enforced by the write callback, for messages.
    var byteLimit: Int { limit }

    // MARK: Info

    /// `CURLINFO_RESPONSE_CODE`; nil when no response arrived (libcurl reports 0).
    var responseCode: Int? {
        var code = 0
        guard trawl_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK,
              code > 0 else { return nil }
        return code
    }

    /// `CURLINFO_EFFECTIVE_URL`: the last URL fetched, after redirects.
    var effectiveURL: String? { stringInfo(CURLINFO_EFFECTIVE_URL) }

    /// `CURLINFO_CONTENT_TYPE`.
    var contentType: String? { stringInfo(CURLINFO_CONTENT_TYPE) }

    /// `CURLINFO_CONTENT_LENGTH_DOWNLOAD_T`; -1 when unknown.
    private var contentLength: Int {
        var length: curl_off_t = -1
        guard trawl_curl_easy_getinfo_off(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
                == CURLE_OK else { return -1 }
        return Int(length)
    }

    private func stringInfo(_ info: CURLINFO) -> String? {
        var text: UnsafeMutablePointer<CChar>? = nil
        guard trawl_curl_easy_getinfo_str(handle, info, &text) == CURLE_OK, let text else {
            return nil
        }
        return String(cString: text)
    }

    /// The ``CurlEasy`` that owns `handle`, through `CURLINFO_PRIVATE`.
    static func owner(of handle: UnsafeMutableRawPointer) -> CurlEasy? {
        var raw: UnsafeMutableRawPointer? = nil
        guard trawl_curl_easy_getinfo_ptr(handle, CURLINFO_PRIVATE, &raw) == CURLE_OK,
              let raw else { return nil }
        return Unmanaged<CurlEasy>.fromOpaque(raw).takeUnretainedValue()
    }
}
