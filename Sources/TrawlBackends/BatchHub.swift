// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlHTTP
import TrawlWARC
import TrawlLinks
import TrawlFollow
import Synchronization

/// Where a backend puts results: the backend-side sink. Backends never build failed results
/// or loop over missing URLs themselves; they say which URLs failed and why.
protocol ResultDelivery: Sendable {
    /// Hands results to the consumer with one wake-up (duplicates by index are dropped).
    func deliver(contentsOf results: [CrawlResult])
    /// The result of URL `index` ending with `error` and no page.
    func failure(index: Int, _ error: TrawlError) -> CrawlResult
    /// Gives every URL still without a result one ending with `error`.
    func failMissing(_ error: TrawlError)
}

extension ResultDelivery {
    func deliver(_ result: CrawlResult) { deliver(contentsOf: [result]) }
    /// Delivers a failure for each of `indexes`.
    func fail(_ indexes: [Int], _ error: TrawlError) {
        deliver(contentsOf: indexes.map { failure(index: $0, error) })
    }
}

/// The backends' side of a batch: its URLs and options, the result collector, cancellation
/// and the wakers that interrupt a backend's wait, progress callbacks and joblib-style
/// progress lines. ``Batch`` is the consumer's side over the same hub.
final class BatchHub: ResultDelivery {
    /// The URLs the backend runs, by the index it uses: the submitted ones, or with `dedupe`
    /// each distinct one once (``repeats`` maps them back); empty for a streamed batch, whose
    /// URLs come from ``source`` (de-duplicated as they are read: ``streamRepeats``).
    let urls: [String]
    /// The URLs as submitted.
    let submitted: [String]
    /// With `dedupe` and a repeated URL: which submitted indexes each backend index stands for.
    private let repeats: RepeatedURLs?
    /// Where a streamed batch reads its URLs; nil for a list.
    let source: (any URLSource)?
    /// A streamed batch's URLs read and not yet answered, by index, for failures of URLs
    /// without a page (held only until their result is out: memory stays bounded).
    private let streamed = Mutex<[Int: String]>([:])
    /// Why a streamed batch's source failed, once it did.
    private let sourceError = Mutex<TrawlError?>(nil)
    let options: CrawlOptions
    let crawler: Crawler
    let collector: ResultCollector
    /// Lanes (threads or worker processes) the batch runs on.
    let lanes: Int
    /// Transfers in flight on the in-process lanes: fixed, or adaptive with `concurrency` auto.
    let limiter: ConcurrencyLimiter
    private let workersFlight: Mutex<ConcurrencySnapshot?>
    private let failed: FailedResults
    private let cancelled = Atomic<Bool>(false)
    private let wakers = Mutex<[@Sendable () -> Void]>([])
    private let progressLock = Mutex<Void>(())
    private let onProgress: (@Sendable (Progress) -> Void)?
    private let reporter: ProgressReporter
    /// The batch's journal (`journal` option), written before results reach the consumer.
    let journal: Journal?
    /// Backend indexes whose results came from the journal: backends never run them.
    let resumed: Set<Int>
    /// The WARC files of lanes in this process (`warc` option, in-process backends; worker
    /// processes write their own).
    let warc: WARCWriter?
    /// The batch's cookie jar (`cookies` option), loaded from `cookie_file` at the start: the
    /// lanes of in-process backends share it and ``saveCookies()`` writes it back; worker
    /// processes keep jars of their own (loaded from the same file, not saved).
    let cookies: CookieJar?
    /// Why the jar could not be saved to `cookie_file`, once that failed.
    private let cookieSaveError = Mutex<TrawlError?>(nil)
    /// Submitted indexes whose results came from the journal.
    private let resumedSubmitted: Set<Int>
    /// With `dedupe` on a streamed batch: which URLs read are fetched, and the copies that
    /// wait for them (the list form is ``repeats``).
    private let streamRepeats: Mutex<StreamedRepeats?>
    private let dedupesStream: Bool
    /// Follow mode's frontier (it is also ``source``): sees every result before the consumer.
    let follow: FollowSource?

    init(urls: [String], source: (any URLSource)? = nil, crawler: Crawler, order: ResultOrder,
         onProgress: (@Sendable (Progress) -> Void)?, journal: Journal? = nil, cookies: CookieJar? = nil,
         follow: FollowSource? = nil, grows: Bool = false) {
        submitted = urls
        self.follow = follow
        self.cookies = cookies
        self.source = source
        self.journal = journal
        // A batch that grows by its backend's indexes (the cluster's follow mode) keeps its
        // seeds' indexes: the frontier, not this hub, decides what is fetched once.
        let repeats = crawler.options.dedupe && !grows ? RepeatedURLs(urls) : nil
        let done = Set(journal?.resumed.keys.filter { $0 < urls.count } ?? [])
        self.resumedSubmitted = done
        if let repeats, repeats.repeats > 0 {
            self.repeats = repeats
            self.urls = repeats.firsts.map { urls[$0] }
            // A distinct URL is skipped only when the journal holds every copy's result
            // (they are journaled together, so a kill leaves all or none of them).
            self.resumed = done.isEmpty ? [] : Set(repeats.firsts.indices.filter { k in
                done.contains(repeats.firsts[k]) && repeats.copies(of: k).allSatisfy(done.contains)
            })
        } else {
            self.repeats = nil
            self.urls = urls
            self.resumed = done
        }
        dedupesStream = source != nil && crawler.options.dedupe
        streamRepeats = Mutex(dedupesStream ? StreamedRepeats() : nil)
        self.warc = crawler.options.backend.capabilities.contains(.inProcess) ? WARCArchive.writer(crawler.options) : nil
        self.crawler = crawler
        self.options = crawler.options
        self.collector = ResultCollector(total: urls.count, order: order, open: source != nil || grows)
        self.onProgress = onProgress
        self.failed = FailedResults(crawler.extractor, options: crawler.options)
        let jobs = crawler.options.effectiveJobs(cores: OSThread.availableCores)
        lanes = source != nil ? jobs : min(jobs, max(1, self.urls.count))
        reporter = ProgressReporter(verbose: crawler.options.verbose, jobs: lanes)
        limiter = crawler.options.backend.capabilities.contains(.inProcess)
            ? ConcurrencyLimiter(crawler.options, lanes: lanes)
            : ConcurrencyLimiter(fixed: crawler.options.fixedConcurrency)
        // The process backend's workers start from 64 in all (or the pinned number) until
        // they report.
        let o = crawler.options
        workersFlight = Mutex(o.backend == .process
            ? ConcurrencySnapshot(adaptive: o.concurrency == 0, limit: o.fixedConcurrency, peak: o.fixedConcurrency,
                                  max: o.concurrency == 0 ? o.maxConcurrency : o.fixedConcurrency, running: 0)
            : nil)
        // Told at the cancel itself, not by the intake thread later: a URL pushed into a feed
        // after the cancel returned must be refused.
        if let source { register { source.cancel() } }
    }

    // MARK: Cookies

    /// Writes the jar to `cookie_file` (when the batch has both), keeping the error for
    /// ``cookieError``.
    func saveCookies() {
        guard let cookies, let file = options.cookieFile, !file.isEmpty else { return }
        do throws(TrawlError) { try cookies.save(to: file) } catch { cookieSaveError.withLock { $0 = error } }
    }

    /// Why `cookie_file` could not be written at the end of the batch, or nil.
    var cookieError: TrawlError? { cookieSaveError.withLock { $0 } }

    // MARK: Cancellation

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func cancel() {
        cancelled.store(true, ordering: .releasing)
        for wake in wakers.withLock({ $0 }) { wake() }
    }

    /// Registers a way to interrupt a backend's wait, called by ``cancel()``.
    func register(wake: @escaping @Sendable () -> Void) {
        wakers.withLock { $0.append(wake) }
        if isCancelled { wake() }
    }

    // MARK: Results

    /// Results by the backend's indexes: with repeats, each becomes the result of its first
    /// submitted index and of every later copy, each under its own index and URL.
    func deliver(contentsOf results: [CrawlResult]) {
        if dedupesStream {
            var out = results
            streamRepeats.withLock { s in for r in results { out += s?.finished(r) ?? [] } }
            return emit(out)
        }
        guard let repeats else { return emit(results) }
        var out: [CrawlResult] = []
        out.reserveCapacity(results.count)
        for r in results {
            guard r.index >= 0, r.index < repeats.firsts.count else { continue }
            var first = r
            first.index = repeats.firsts[r.index]
            first.url = submitted[first.index]
            out.append(first)
            for c in repeats.copies(of: r.index) {
                var copy = first
                copy.index = c
                copy.url = submitted[c]
                out.append(copy)
            }
        }
        emit(out)
    }

    /// Results by submitted index, to the consumer.
    private func emit(_ results: [CrawlResult]) {
        guard !results.isEmpty else { return }
        if source != nil { streamed.withLock { for r in results { $0[r.index] = nil } } }
        var results = results
        if let follow {
            // Every result passes here once, whatever made it (a page, a copy, a failure), so
            // the frontier learns of each page it handed out, and its links, before the
            // consumer does.
            for k in results.indices { follow.observe(&results[k]) }
        }
        if let journal {
            // Journaled before the consumer sees them: a result handed out is never lost.
            do throws(TrawlError) { try journal.append(results) } catch {
                // Nothing more could be resumed: stop; the URLs left end with this error.
                cancel()
            }
        }
        guard onProgress != nil || reporter.verbose > 0 else {
            collector.push(contentsOf: results)
            return
        }
        // Pushing under the progress lock keeps callbacks in the order of `done`.
        progressLock.withLock { _ in
            for var p in collector.push(contentsOf: results) {
                p.concurrency = concurrency
                onProgress?(p)
                if let line = reporter.line(for: p) {
                    if reporter.toStdout { Console.output(line + "\n") } else { Console.error(line + "\n") }
                }
            }
        }
    }

    func failure(index: Int, _ error: TrawlError) -> CrawlResult {
        if source != nil {
            let url = streamed.withLock { $0[index] ?? "" }
            return failed.result(index: index, url: url, error)
        }
        return failed.result(index: index, url: index >= 0 && index < urls.count ? urls[index] : "", error)
    }

    // MARK: Streamed input

    /// Records URL `index` of a streamed batch (indexes come in order) and expects its result.
    /// - Returns: whether a lane must fetch it: not when the journal holds its result; with
    ///   `dedupe`, a copy of a URL in flight or recently done is not fetched: its result is its copy's (handed on here, or when that
    ///   copy's result arrives).
    func streamed(_ url: String, index: Int) -> Bool {
        streamed.withLock { $0[index] = url }
        collector.expand(by: 1)
        // Resumed: the journal's result in its place (the intake checked the URL; one
        // drained after a cancel is not checked, hence the comparison).
        if let r = journal?.resumed[index], r.url == url {
            emit([r])
            return false
        }
        guard dedupesStream else { return true }
        let key = URLKey.normalized(url)
        let admission = streamRepeats.withLock { s in
            s?.admit(index: index, url: url, key: key, hash: key.map(URLKey.hash) ?? 0) ?? .fetch
        }
        switch admission {
        case .fetch: return true
        case .wait: return false
        case .copy(let r):
            emit([r])
            return false
        }
    }

    /// The URL of a streamed batch's index `index` while it has no result, else nil.
    func streamedURL(_ index: Int) -> String? {
        streamed.withLock { $0[index] }
    }

    /// The streamed input is over; `error` when its source failed.
    func inputEnded(_ error: TrawlError?) {
        if let error { sourceError.withLock { $0 = error } }
        collector.close()
    }

    /// The in-flight limit now (``Progress/concurrency``): the in-process lanes', or the sum
    /// of what the process backend's workers last reported; nil on the cluster, whose workers
    /// report to no one.
    var concurrency: ConcurrencySnapshot? {
        options.backend.capabilities.contains(.inProcess) ? limiter.snapshot : workersFlight.withLock { $0 }
    }

    /// The process backend's workers, together: their limits and transfers as last reported.
    func workersReported(_ flight: ConcurrencySnapshot) {
        workersFlight.withLock { $0 = flight }
    }

    /// Why the streamed input ended early, nil when it did not (or the batch is a list).
    var inputError: TrawlError? { sourceError.withLock { $0 } }

    /// The indexes in ``urls`` (the backend's) whose URLs have no result yet.
    func missingTasks() -> [Int] {
        let missing = collector.missing()
        guard let repeats else { return missing }
        let lacking = Set(missing)
        return repeats.firsts.indices.filter { lacking.contains(repeats.firsts[$0]) }
    }

    func failMissing(_ error: TrawlError) {
        // By submitted index: with repeats those are not the backend's indexes.
        emit(collector.missing().map { i in
            repeats == nil ? failure(index: i, error) : failed.result(index: i, url: submitted[i], error)
        })
    }

    /// After the backend returned: every URL without a result gets one, `cancelled` after a
    /// cancel, otherwise an internal error naming the loss (which would be a bug in a backend).
    func finish() {
        if let e = journal?.error {
            failMissing(TrawlError(.io, "batch stopped: \(e.message)"))
        }
        failMissing(isCancelled
            ? TrawlError(.cancelled, "batch cancelled before this URL was fetched")
            : TrawlError(.internalError, "no worker produced a result for this URL"))
        // A streamed batch's input may still be open (cancelled, or no lane could start):
        // what was read has its results, and nothing more is expected.
        collector.close()
    }

    /// Hands the journal's results to the consumer, each in its place (before the backend
    /// runs: they are never fetched again).
    func deliverResumed() {
        guard let journal, !resumedSubmitted.isEmpty else { return }
        emit(resumedSubmitted.sorted().compactMap { journal.resumed[$0] })
    }
}

extension RepeatedURLs {
    /// The repeats among `urls`, by their normalised form (``URLKey``).
    init(_ urls: [String]) {
        self.init(count: urls.count, key: { URLKey.normalized(urls[$0]) }, hash: URLKey.hash)
    }
}
