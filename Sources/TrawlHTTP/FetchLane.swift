// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import CCurl
import TrawlRobots

/// One libcurl multi handle and the transfers it runs, driven by the thread that calls
/// ``run(inFlight:next:isCancelled:complete:)``; its ``waker`` may be used from any thread.
///
/// A lane is not `Sendable`: like a libcurl handle it belongs to one thread at a time.
/// Easy handles are reused from transfer to transfer and the multi handle keeps a connection
/// cache, so consecutive URLs on one host share a keep-alive connection (or one HTTP/2
/// connection).
public final class FetchLane {
    private let multi: CurlMulti
    private let options: FetchOptions
    private let headers: CurlHeaderList
    private let resolve: CurlHeaderList?
    /// DNS cache and TLS sessions shared with the batch's other lanes; nil for none.
    private let share: LaneShare?
    private let validation: URLValidation
    /// The SSRF guard's rule, nil when it is off.
    private let addressGuard: AddressGuard?
    /// The `proxy` option parsed, nil without one; its password is kept out of messages.
    private let proxy: ProxyURL?
    /// The batch's cookie jar (shared by its lanes in this process), nil without `cookies`.
    private let jar: CookieJar?
    /// robots.txt verdicts shared with the batch's other lanes, nil without `respect_robots`.
    private let robots: RobotsGate?
    /// This lane's id in ``robots``.
    private var robotsLane = 0
    /// Requests waiting for their origin's robots.txt.
    private var parked = RobotsParking()
    /// Easy handles not running a transfer, ready for the next one.
    private var idle = HandlePool<CurlEasy>()
    /// Easy handles added to the multi handle, by identity.
    private var active: [ObjectIdentifier: CurlEasy] = [:]
    /// Validated requests waiting for room on their host, oldest first.
    private var waiting: [(request: FetchRequest, host: String)] = []
    /// The per-host rules, shared with the batch's other lanes in this process.
    private let hosts: HostPolicy
    /// This lane's id in ``hosts``.
    private var laneID = 0
    /// The batch's limit on transfers in flight, told of every start and end; nil for none.
    private let limiter: ConcurrencyLimiter?

    /// Longest sleep in `curl_multi_poll`: how late a cancellation or a `.wait` retry may be
    /// noticed without ``LaneWaker/wake()``.
    static let pollIntervalMs: Int32 = 100

    /// Creates the lane's multi handle (`curl_multi_init`) and checks `options` by building
    /// a first easy handle with them.
    /// - Parameters:
    ///   - options: the fetch settings (timeouts, limits, headers, TLS, protocols).
    ///   - hosts: the per-host policy shared by every lane of the batch in this process, so
    ///     that ``FetchOptions/perHostConnections`` holds across lanes (requests wait in
    ///     their lane before their transfer and its timeout start); nil for a policy of this
    ///     lane's own. `CURLMOPT_MAX_HOST_CONNECTIONS` stays as a backstop.
    ///   - share: the DNS cache and TLS sessions of the batch's lanes in this process, so a
    ///     new connection resumes a TLS session another lane negotiated; nil for this lane's
    ///     own (each easy handle then keeps its own sessions).
    /// - Throws: `invalid_argument` for options libcurl refuses (a protocol other than http
    ///   and https, a header with a line break), `out_of_memory` or `internal` if libcurl
    ///   cannot start.
    ///   - cookies: the batch's cookie jar; nil for a jar of this lane's own when
    ///     ``FetchOptions/cookies`` is on.
    ///   - robots: the batch's robots.txt verdicts (shared by its lanes in this process);
    ///     nil for a gate of this lane's own when ``FetchOptions/respectRobots`` is on.
    ///   - limiter: the batch's limit on transfers in flight (adaptive with `concurrency`
    ///     auto), told of every transfer's start and end; nil when `inFlight` alone decides.
    public convenience init(options: FetchOptions, hosts: HostPolicy? = nil,
                            share: LaneShare? = nil, robots: RobotsGate? = nil,
                            cookies: CookieJar? = nil, limiter: ConcurrencyLimiter? = nil) throws(TrawlError) {
        try self.init(options: options, hosts: hosts, resolve: [], share: share, robots: robots, cookies: cookies,
                      limiter: limiter)
    }

    /// As the public initializer; `resolve` adds `CURLOPT_RESOLVE` entries
    /// ("host:port:address") to ``FetchOptions/resolve``'s, so that tests reach names such as
    /// `bücher.example` on loopback without DNS.
    init(options: FetchOptions, hosts: HostPolicy?, resolve: [String], share: LaneShare? = nil,
         robots: RobotsGate? = nil, cookies: CookieJar? = nil, limiter: ConcurrencyLimiter? = nil) throws(TrawlError) {
        try CrawlOptions.checkProtocols(options.allowedProtocols)
        self.options = options
        self.limiter = limiter
        multi = try CurlMulti()
        self.hosts = hosts ?? HostPolicy(options)
        // libcurl's limit stays as a backstop for redirects to another host, which the
        // policy does not see.
        try multi.setMaxHostConnections(max(0, options.perHostConnections))
        headers = try CurlHeaderList(options.headers)
        for entry in options.resolve {
            if let problem = CrawlOptions.resolveProblem(entry) { throw TrawlError(.invalidArgument, problem) }
        }
        let entries = options.resolve + resolve
        self.resolve = entries.isEmpty ? nil : try CurlHeaderList(entries)
        self.share = share
        validation = try URLValidation(allowedProtocols: options.allowedProtocols)
        addressGuard = options.blockPrivateAddresses ? AddressGuard(allowHosts: options.allowHosts) : nil
        proxy = try options.proxy.flatMap { p throws(TrawlError) in p.isEmpty ? nil : try ProxyURL(p) }
        if let proxy, proxy.resolvesNames, addressGuard != nil {
            throw TrawlError(.invalidArgument, "proxy: socks5h together with block_private_addresses is refused "
                             + "(the proxy would resolve names the guard cannot check); use socks5://")
        }
        jar = options.cookies ? cookies ?? CookieJar() : nil
        let policy = self.hosts
        self.robots = options.respectRobots
            ? robots ?? RobotsGate(userAgent: options.userAgent) { policy.raiseDelay(host: $0, seconds: $1) } : nil
        idle.put(try makeEasy())
        laneID = self.hosts.join(LaneWaker(multi: multi))
        if let gate = self.robots { robotsLane = gate.join(LaneWaker(multi: multi)) }
    }

    /// The easy handles this lane has made, and how many of them have the large receive buffer.
    var handlesMade: (all: Int, large: Int) { (idle.made, idle.largeMade) }

    /// A new easy handle with the lane's settings (each has its own guard state) and the
    /// receive buffer ``idle`` chooses.
    private func makeEasy() throws(TrawlError) -> CurlEasy {
        let hosts = self.hosts
        let size = idle.nextBufferSize
        let easy = try CurlEasy(options: options, headers: headers, resolve: resolve, share: share,
                                connectCheck: addressGuard.map(makeConnectCheck), jar: jar,
                                onConnected: hosts.isUnlimited ? nil : { hosts.connected(host: $0) },
                                receiveBufferSize: size)
        idle.made(bufferSize: size)
        return easy
    }

    /// The guard's state for one easy handle: with a proxy, the proxy's own addresses are
    /// exempt and targets are checked by name before each request.
    private func makeConnectCheck(_ rule: AddressGuard) -> ConnectCheck {
        let check = ConnectCheck(rule)
        if let proxy {
            check.exempt = Set(IPAddress(proxy.host).map { [$0] } ?? ConnectCheck.lookUp(proxy.host))
            check.checksNames = true
            for entry in options.resolve {
                let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
                guard parts.count == 3 else { continue }
                check.pinned["\(parts[0].lowercased()):\(parts[1])"] = parts[2].split(separator: ",")
                    .compactMap { IPAddress(String($0).trimmingSpaces()) }
            }
        }
        return check
    }

    /// A lane for `options`' fetch settings, with a per-host policy of its own.
    public convenience init(options: CrawlOptions) throws(TrawlError) {
        try self.init(options: FetchOptions(options))
    }

    deinit {
        for easy in active.values { multi.remove(easy) }
        hosts.leave(laneID)
        robots?.leave(robotsLane)
    }

    /// Wakes this lane's `curl_multi_poll` from any thread (`curl_multi_wakeup`).
    public var waker: LaneWaker { LaneWaker(multi: multi) }

    /// Runs transfers until there is no more work.
    ///
    /// Keeps up to `inFlight` transfers running, pulling requests with `next` (which must not
    /// block), and calls `complete` on this thread exactly once for every request `next`
    /// returned, until `next` said ``Pull/finished`` and every transfer is done. An invalid or
    /// refused URL is completed at once, without a transfer.
    ///
    /// When `isCancelled()` turns true, every running transfer ends with a `cancelled`
    /// response, `next` is not called again, and `run` returns (within 100 ms, or at once
    /// after ``LaneWaker/wake()``).
    /// - Parameters:
    ///   - inFlight: the most transfers running at once (at least 1).
    ///   - next: the next request, ``Pull/wait`` when there is none yet, or ``Pull/finished``.
    ///   - isCancelled: polled at least every 100 ms.
    ///   - complete: receives every response, on this thread.
    public func run(inFlight: Int, next: () -> Pull, isCancelled: () -> Bool,
                    complete: (FetchResponse) -> Void) {
        run(limit: { inFlight }, next: next, isCancelled: isCancelled, complete: complete)
    }

    /// As ``run(inFlight:next:isCancelled:complete:)``, with a limit read again on every
    /// pass (the lane's share of an adaptive ``ConcurrencyLimiter``). When it falls, running
    /// transfers finish and fewer start.
    public func run(limit inFlight: () -> Int, next: () -> Pull, isCancelled: () -> Bool,
                    complete: (FetchResponse) -> Void) {
        var exhausted = false
        while true {
            if isCancelled() {
                cancelAll(complete)
                return
            }
            unpark(complete)
            startReady(complete)
            // Pull while there is room; requests waiting for their host (or its robots.txt)
            // take room too, so a lane never hoards more of the batch than it may run.
            let limit = max(1, inFlight())
            pulling: while !exhausted && active.count + waiting.count + parked.count < limit {
                switch next() {
                case .request(let request):
                    switch validation.check(request.url) {
                    case .failure(let error):
                        complete(.failed(request, error))
                    case .success(let checked):
                        var request = request
                        request.fetchURL = checked.fetchURL
                        admit(request, host: checked.host, complete)
                        startReady(complete)
                    }
                case .wait:
                    break pulling
                case .finished:
                    exhausted = true
                }
            }
            if exhausted && active.isEmpty && waiting.isEmpty && parked.isEmpty { return }

            let performed = multi.perform()
            if performed != CURLM_OK && performed != CURLM_CALL_MULTI_PERFORM {
                failAll(TrawlError(.internalError, "curl_multi_perform: \(CurlMulti.strerror(performed))"),
                        complete)
                continue
            }
            var finishedAny = false
            while let (handle, result) = multi.nextDone() {
                guard let easy = CurlEasy.owner(of: handle) else { continue }
                let origin = easy.request?.robotsOrigin
                let response = finish(easy, result: result)
                if let origin { robotsFetched(origin, response) } else { complete(response) }
                finishedAny = true
            }
            if exhausted && active.isEmpty && waiting.isEmpty && parked.isEmpty { return }
            // Room was freed: refill before sleeping.
            if finishedAny { continue }
            _ = multi.poll(timeoutMs: Self.pollIntervalMs)
        }
    }

    // MARK: robots.txt

    /// Sends a validated request on to wait for its host, or parks it until its origin's
    /// robots.txt is known, or completes it with `robots_disallowed`.
    private func admit(_ request: FetchRequest, host: String, _ complete: (FetchResponse) -> Void) {
        guard let robots else {
            waiting.append((request, host))
            return
        }
        let url = request.fetchURL ?? request.url
        let origin = (URLValidation.scheme(of: url) ?? "http") + "://" + host
        switch robots.admit(origin, lane: robotsLane) {
        case .ready(let rules, let reason):
            if rules.allows(url: url) {
                waiting.append((request, host))
            } else {
                complete(.failed(request, Self.refusal(url, origin: origin, token: robots.token, reason: reason)))
            }
        case .fetch:
            parked.park(request, host: host, origin: origin)
            var fetch = FetchRequest(index: -1, url: origin + "/robots.txt")
            fetch.robotsOrigin = origin
            // First in line: the pages of its host wait for it anyway.
            waiting.insert((fetch, host), at: 0)
        case .wait:
            parked.park(request, host: host, origin: origin)
        }
    }

    /// Moves parked requests whose origin has its verdict now.
    private func unpark(_ complete: (FetchResponse) -> Void) {
        guard !parked.isEmpty, robots != nil else { return }
        for origin in Array(parked.byOrigin.keys) {
            guard case .ready? = robots.map({ $0.admit(origin, lane: robotsLane) }) else { continue }
            for (request, host) in parked.take(origin) { admit(request, host: host, complete) }
        }
    }

    /// The lane's robots.txt transfer for `origin` ended: its verdict goes to the gate.
    private func robotsFetched(_ origin: String, _ response: FetchResponse) {
        guard let robots else { return }
        var failure: String? = nil
        if let error = response.error, error.code != .blockedAddress, error.code != .tooLarge {
            failure = "\(error.code.name): \(error.message)"
        }
        // A guard refusal allows: the pages are then refused by the guard themselves.
        let (rules, reason) = robots.verdict(origin: origin, status: response.error?.code == .blockedAddress ? 404 : response.status,
                                             body: response.body, failure: failure)
        let host = waitingHost(origin)
        robots.store(origin, host: host, rules: rules, reason: reason)
    }

    /// Hands `response` to the caller, or to the gate when it is the lane's robots.txt
    /// transfer (so that no lane waits forever for an origin whose fetch failed).
    private func deliver(_ response: FetchResponse, of request: FetchRequest, _ complete: (FetchResponse) -> Void) {
        if let origin = request.robotsOrigin { robotsFetched(origin, response) } else { complete(response) }
    }

    /// The `host:port` key of `origin` (`scheme://host:port`).
    private func waitingHost(_ origin: String) -> String {
        origin.firstRange(of: "://").map { String(origin[$0.upperBound...]) } ?? origin
    }

    private static func refusal(_ url: String, origin: String, token: String, reason: String?) -> TrawlError {
        if let reason {
            return TrawlError(.robotsDisallowed, "\(reason): every URL of \(origin) is refused for this batch (RFC 9309 2.3.1.4, respect_robots)")
        }
        return TrawlError(.robotsDisallowed, "\(origin)/robots.txt disallows \(RobotsPath.of(url: url)) for user-agent '\(token)' (respect_robots)")
    }

    // MARK: Transfers

    /// Starts every waiting request whose host has room, oldest first (a request for a busy
    /// host does not hold back one for another host).
    private func startReady(_ complete: (FetchResponse) -> Void) {
        guard !waiting.isEmpty else { return }
        var ready = waiting
        if hosts.isUnlimited {
            waiting.removeAll(keepingCapacity: true)
        } else {
            let answers = hosts.admit(waiting.map(\.host), lane: laneID)
            ready.removeAll(keepingCapacity: true)
            var still: [(request: FetchRequest, host: String)] = []
            for (entry, answer) in zip(waiting, answers) {
                switch answer {
                case .start: ready.append(entry)
                // A later time is seen at the next pass: the lane polls every 100 ms.
                case .wait, .waitUntil: still.append(entry)
                case .refuse(let error): complete(.failed(entry.request, error))
                }
            }
            waiting = still
        }
        for (request, host) in ready {
            if let failure = start(request, host: host) {
                release(host)
                deliver(failure, of: request, complete)
            }
        }
    }

    /// A transfer on `host` ended (with `outcome`, for the circuit breaker) or never started.
    private func release(_ host: String, _ outcome: HostTable.Outcome = .other, multiplexed: Bool = false,
                         closed: Bool = false) {
        if !hosts.isUnlimited { hosts.finished(host: host, outcome: outcome, multiplexed: multiplexed, closed: closed) }
    }

    /// Adds a transfer for `request`; returns its response instead when it cannot start.
    private func start(_ request: FetchRequest, host: String) -> FetchResponse? {
        let easy: CurlEasy
        if let reused = idle.take() {
            easy = reused
        } else {
            do {
                easy = try makeEasy()
            } catch {
                return .failed(request, error)
            }
        }
        do {
            try easy.begin(request, at: MonotonicClock.now())
        } catch {
            easy.request = nil
            idle.put(easy)
            return .failed(request, error)
        }
        let added = multi.add(easy)
        guard added == CURLM_OK else {
            easy.request = nil
            idle.put(easy)
            return .failed(request, TrawlError(.internalError,
                                               "curl_multi_add_handle: \(CurlMulti.strerror(added))"))
        }
        easy.host = host
        active[ObjectIdentifier(easy)] = easy
        limiter?.started()
        return nil
    }

    /// Removes a finished transfer and builds its response; the easy handle goes back to
    /// ``idle``.
    private func finish(_ easy: CurlEasy, result: CURLcode) -> FetchResponse {
        let elapsed = MonotonicClock.now() - easy.started
        easy.returnCookies()
        multi.remove(easy)
        active[ObjectIdentifier(easy)] = nil
        var outcome = HostTable.Outcome.other
        let multiplexed = result == CURLE_OK && easy.isMultiplexed
        let closed = result == CURLE_OK && easy.closesConnection
        defer {
            release(easy.host, outcome, multiplexed: multiplexed, closed: closed)
            easy.request = nil
            idle.put(easy)
        }
        let request = easy.request ?? FetchRequest(index: -1, url: "")
        var response = FetchResponse(index: request.index, url: request.url,
                                     finalURL: easy.effectiveURL, status: easy.responseCode,
                                     contentType: easy.contentType, elapsed: elapsed)
        response.retryAfter = easy.retryAfter
        if result == CURLE_WRITE_ERROR && easy.overLimit && request.robotsOrigin != nil {
            // RFC 9309 2.5: a robots.txt over the limit is parsed up to it.
            (response.body, response.validUTF8, response.rawBody) = easy.takeBody()
        } else if result == CURLE_OK {
            do throws(TrawlError) {
                try easy.finishBody()
                (response.body, response.validUTF8, response.rawBody) = easy.takeBody()
                if options.keepHeaders { response.headers = easy.responseHeaders() }
                if options.keepHeads { (response.requestHead, response.responseHead, response.redirects) = easy.takeHeads() }
            } catch {
                _ = easy.takeBody()
                response.error = error
            }
        } else {
            _ = easy.takeBody()
            var failure = error(for: result, easy: easy, request: request)
            if let proxy { failure.message = proxy.redacting(failure.message) }
            response.error = failure
        }
        if let status = response.status {
            outcome = status == 429 || status == 503 ? .strained : .responded
        } else if let e = response.error, e.code == .connect || e.code == .timeout {
            outcome = .unreachable(e.message)
        }
        limiter?.ended(rtt: elapsed, strained: outcome != .responded && outcome != .other)
        return response
    }

    private func error(for result: CURLcode, easy: CurlEasy, request: FetchRequest) -> TrawlError {
        if result == CURLE_WRITE_ERROR, let contentError = easy.contentError {
            return contentError
        }
        if result == CURLE_WRITE_ERROR && easy.overLimit {
            return TrawlError(.tooLarge, "response body exceeds the limit of \(easy.byteLimit) bytes (maxBytes)")
        }
        if result == CURLE_WRITE_ERROR, let problem = easy.headerProblem {
            return TrawlError(.badResponse, problem)
        }
        if let refusal = easy.connectCheck?.refusal {
            return TrawlError(.blockedAddress, refusal)
        }
        let detail = easy.errorText
        // The URL itself was checked before the transfer, so a refused scheme at the end is a
        // redirect's; libcurl has already moved the effective URL to the target.
        let target = easy.effectiveURL ?? request.url
        let refused = !validation.allows(scheme: URLValidation.scheme(of: target))
        var error = CurlErrors.error(for: result, detail: detail, schemeRefused: refused)
        if result == CURLE_OUT_OF_MEMORY {
            error.message = "a response header line is longer than libcurl's limit of 100 KiB "
                + "(libcurl 7.88 reports it as out of memory) [\(error.message)]"
        }
        if error.code == .unsupportedProtocol, target != (request.fetchURL ?? request.url) {
            let scheme = URLValidation.scheme(of: target) ?? "?"
            error.message = "redirect to \(target) refused: "
                + "scheme '\(scheme)' is not allowed (allowed: \(options.allowedProtocols.joined(separator: ", ")))"
                + " [\(error.message)]"
        } else if error.code == .tooManyRedirects {
            error.message = "more than \(max(0, options.maxRedirects)) redirects (maxRedirects), "
                + "last at \(easy.effectiveURL ?? request.url): \(error.message)"
        }
        return error
    }

    /// Ends every running transfer with `cancelled`.
    private func cancelAll(_ complete: (FetchResponse) -> Void) {
        failAll(TrawlError(.cancelled, "cancelled before the transfer finished"), waiting: true, complete)
    }

    /// Ends every running transfer with `error`; with `waiting`, the requests waiting for
    /// their host too.
    private func failAll(_ error: TrawlError, waiting: Bool = false,
                         _ complete: (FetchResponse) -> Void) {
        let now = MonotonicClock.now()
        let running = active.values.sorted { ($0.request?.index ?? 0) < ($1.request?.index ?? 0) }
        active.removeAll()
        for easy in running {
            multi.remove(easy)
            release(easy.host)
            limiter?.abandoned()
            _ = easy.takeBody()
            if let request = easy.request {
                deliver(.failed(request, error, elapsed: now - easy.started), of: request, complete)
            }
            easy.request = nil
            idle.put(easy)
        }
        if waiting {
            let drained = self.waiting
            self.waiting.removeAll()
            for (request, _) in drained { deliver(.failed(request, error), of: request, complete) }
            for (request, _) in parked.drain() { complete(.failed(request, error)) }
        }
    }
}
