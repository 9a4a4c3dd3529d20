// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlFollow
import TrawlRedis
#if canImport(Glibc)
import Glibc
#endif

/// The submitter side of the cluster backend.
///
/// ``init(batch:)`` runs on the thread that starts the batch: it connects, authenticates and
/// writes the batch (options once; a list's tasks, pipelined in chunks), so that an
/// unreachable Redis or a refused password fails the start with `backend_unavailable`.
/// ``run()`` then runs on the batch's thread: it writes a streamed batch's tasks as the
/// intake reads them (so a list of any length is never held whole), reads the result
/// stream, hands results to the batch (which drops duplicates by index, so a task that ran
/// twice is seen once), keeps the batch's keys alive, and deletes them once every result is in.
///
/// `@unchecked Sendable`: the connection and the mutable state are used by the starting
/// thread until ``init(batch:)`` returns and by the batch thread afterwards, never by both;
/// the hand-over happens-before through the thread start.
final class ClusterBackend: Backend, @unchecked Sendable {
    private let batch: BatchHub
    private let redis: RedisConnection
    private let keys: ClusterKeys
    private let batchID: String
    /// What the options key holds; its count and fingerprint grow as tasks are written.
    private var meta: ClusterBatchMeta
    /// The fingerprint of the ``ClusterBatchMeta/total`` URLs written so far.
    private var fingerprint = URLFingerprint()
    private let options: CrawlOptions
    /// The entry ids of the tasks this submitter wrote that have no result yet, by index:
    /// deleted from the shared stream on cancel so that workers never see them. A streamed
    /// batch's are bounded by the intake's window. Empty for a resumed batch.
    private var outstanding: [Int: String] = [:]
    /// A streamed batch's URLs read by the intake and not yet written as tasks (kept until a
    /// pipeline that writes them succeeds, so a lost connection loses none).
    private var unsent: [(url: String, fetch: Bool)] = []
    /// A streamed batch's input is over and every task is written.
    private var inputDone: Bool
    /// The last result entry read; `0-0` reads the stream from its start (resume).
    private var lastID = "0-0"
    /// Redis's `run_id`: when it changes across a reconnect the server restarted, and tasks
    /// it lost (not yet fsynced, or no persistence at all) are written again.
    private var runID = ""
    /// Follow mode's filter, for the seeds' scope keys; nil when the batch does not follow
    /// (the workers enqueue the links: ClusterFollow).
    private let follow: FollowFilter?
    /// A following batch's page count as last read from Redis: its total so far.
    private var pages = 0

    static let chunk = 1000

    static let capabilities: BackendCapabilities = [.isolatesCrashes, .spawnsWorkers, .distributed, .submitsOnStart, .streamsInput,
                                                    .followsLinks, .sharesFrontier]

    /// The URL is parsed when the crawler is made; the server is first contacted when a
    /// batch starts.
    static func validate(_ options: CrawlOptions) throws(TrawlError) {
        _ = try RedisURL.from(options: options)
    }

    static func start(hub: BatchHub) throws(TrawlError) -> ClusterBackend {
        try ClusterBackend(batch: hub)
    }

    private init(batch: BatchHub) throws(TrawlError) {
        self.batch = batch
        options = batch.options
        let url = try RedisURL.from(options: options)
        keys = ClusterKeys(prefix: options.keyPrefix)
        follow = batch.crawler.follow.map { FollowFilter(rules: $0.rules) }
        pages = batch.urls.count
        batchID = options.batchID ?? Self.randomID()
        inputDone = batch.source == nil
        meta = ClusterBatchMeta(total: 0, fingerprint: URLFingerprint().value, complete: false,
                                visibilityTimeout: options.visibilityTimeout, maxDeliveries: options.maxDeliveries,
                                options: options)
        redis = try RedisConnection(url: url, timeout: options.redisTimeout)
        runID = try serverRunID()
        try keys.ensureGroup(redis)
        let created = try redis.command(["SET", RedisArgument(keys.options(batchID)), RedisArgument(meta.encoded()), "NX",
                                         "PX", RedisArgument(Self.ms(options.ttl))])
        if let e = created.errorMessage {
            throw TrawlError(.backendUnavailable, "Redis refused the batch's options: \(e)")
        }
        if created.isNull {
            try resume()
        } else {
            try openResults()
            if follow != nil { try openFrontier() }
            if batch.source == nil { try submitList(from: 0) }
        }
    }

    /// A following batch's page count (its seeds) and seen-set (their normalised URLs),
    /// written before the first task so that no worker can enqueue a seed again.
    private func openFrontier() throws(TrawlError) {
        let ttl = RedisArgument(Self.ms(options.ttl))
        let seen = RedisArgument(keys.seen(batchID))
        var commands: [[RedisArgument]] = [["SET", RedisArgument(keys.count(batchID)), RedisArgument(batch.urls.count), "PX", ttl]]
        // The empty member (never a hash, which is 8 bytes) makes the set exist, with its TTL,
        // even when no seed is an http(s) URL: a set the workers' script created would have none.
        let members = [RedisArgument("")] + batch.urls.compactMap(FollowFilter.seenKey).map(ClusterFollow.member)
        var start = 0
        while start < members.count {
            commands.append(["SADD", seen] + members[start..<min(members.count, start + Self.chunk)])
            start += Self.chunk
        }
        commands.append(["PEXPIRE", seen, ttl])
        if let e = try redis.pipeline(commands).compactMap(\.errorMessage).first {
            throw TrawlError(.backendUnavailable, "Redis refused the batch's frontier: \(e)")
        }
    }

    // MARK: - Submitting

    /// Another submitter (or an earlier run of this one) created the batch: resume it if it
    /// holds the same URLs. One that was killed while writing the tasks left a key naming the
    /// first `total` of them: if they are this list's first, the rest are written now.
    /// (Only a list is resumed: a batch with a `batch_id` reads its whole input.)
    private func resume() throws(TrawlError) {
        guard let bytes = try redis.command(["GET", RedisArgument(keys.options(batchID))]).bytes else {
            throw TrawlError(.backendUnavailable, "batch '\(batchID)' vanished while being resumed")
        }
        let existing = try ClusterBatchMeta.decode(bytes)
        let urls = batch.urls
        let written = min(existing.total, urls.count)
        let prefix = URLFingerprint.of(urls[..<written])
        guard batch.source == nil, existing.total <= urls.count, prefix.value == existing.fingerprint,
              !existing.complete || existing.total == urls.count else {
            throw TrawlError(.invalidArgument, "batch id '\(batchID)' is in use by a batch of \(existing.total) other URLs")
        }
        lastID = "0-0"
        guard !existing.complete else {
            meta = existing
            return
        }
        meta.total = written
        fingerprint = prefix
        try openResults()
        try submitList(from: written)
    }

    /// Creates the result stream (with a marker entry) so that workers can append to it with
    /// `NOMKSTREAM`: a result for a batch whose stream is gone is dropped instead of
    /// recreating a key without a TTL.
    private func openResults() throws(TrawlError) {
        let r = try redis.pipeline([
            ["XADD", RedisArgument(keys.results(batchID)), "*", "o", "1"],
            ["PEXPIRE", RedisArgument(keys.results(batchID)), RedisArgument(Self.ms(options.ttl))],
        ])
        if let e = r.compactMap(\.errorMessage).first {
            throw TrawlError(.backendUnavailable, "Redis refused the batch's result stream: \(e)")
        }
    }

    /// Writes a list's tasks from index `start` on, `chunk` per round trip, each chunk
    /// followed by the options key that counts it.
    private func submitList(from start: Int) throws(TrawlError) {
        let urls = batch.urls
        var start = start
        repeat {
            let end = min(urls.count, start + Self.chunk)
            try writeNew((start..<end).map { (urls[$0], true) }, last: end == urls.count)
            start = end
        } while start < urls.count
    }

    /// A streamed batch's URLs that the intake read: written as tasks, `chunk` per round
    /// trip; `closed`: the input is over (the options key then says the batch is complete).
    private func submitStreamed(closed: Bool) throws(TrawlError) {
        while !unsent.isEmpty || (closed && !inputDone) {
            let part = Array(unsent.prefix(Self.chunk))
            let last = closed && part.count == unsent.count
            try writeNew(part, last: last)
            unsent.removeFirst(part.count)
            if last { inputDone = true }
        }
    }

    /// Writes the tasks of the batch's next URLs (indexes from ``ClusterBatchMeta/total`` on;
    /// one with `fetch` false only takes its index: its result is a copy's), then, in the same
    /// pipeline, the options key with the new count and fingerprint, complete when `last`.
    private func writeNew(_ items: [(url: String, fetch: Bool)], last: Bool) throws(TrawlError) {
        var next = meta
        var print = fingerprint
        var commands: [[RedisArgument]] = []
        var indexes: [Int] = []
        for (k, item) in items.enumerated() {
            print.add(item.url)
            guard item.fetch else { continue }
            let i = meta.total + k
            commands.append(task(i, url: item.url))
            indexes.append(i)
        }
        next.total += items.count
        next.fingerprint = print.value
        next.complete = last
        commands.append(["SET", RedisArgument(keys.options(batchID)), RedisArgument(next.encoded()),
                         "PX", RedisArgument(Self.ms(options.ttl))])
        let replies = try redis.pipeline(commands)
        if let e = replies.compactMap(\.errorMessage).first {
            throw TrawlError(.backendUnavailable, "Redis refused a task: \(e)")
        }
        for (i, reply) in zip(indexes, replies) {
            if let id = reply.string { outstanding[i] = id }
        }
        meta = next
        fingerprint = print
    }

    /// Writes tasks again for `indexes`, whose earlier ones Redis may have lost.
    private func rewrite(_ indexes: [Int]) throws(TrawlError) {
        var start = 0
        while start < indexes.count {
            let part = indexes[start..<min(indexes.count, start + Self.chunk)]
            var commands: [[RedisArgument]] = []
            var sent: [Int] = []
            for i in part {
                guard let url = url(of: i) else { continue }
                commands.append(task(i, url: url))
                sent.append(i)
            }
            let replies = try redis.pipeline(commands)
            if let e = replies.compactMap(\.errorMessage).first {
                throw TrawlError(.backendUnavailable, "Redis refused a task: \(e)")
            }
            for (i, reply) in zip(sent, replies) {
                if let id = reply.string { outstanding[i] = id }
            }
            start += Self.chunk
        }
    }

    /// The `XADD` of task `i`.
    private func task(_ i: Int, url: String) -> [RedisArgument] {
        var task: [RedisArgument] = ["XADD", RedisArgument(keys.tasks), "*", "b", RedisArgument(batchID),
                                     "i", RedisArgument(i), "u", RedisArgument(url)]
        if let follow { task += ClusterFollow.Origin(scope: follow.scopeKey(of: url)).fields }
        return task
    }

    /// The URL of task `i`: the list's, or a streamed batch's while it has no result.
    private func url(of i: Int) -> String? {
        if batch.source != nil { return batch.streamedURL(i) }
        return i >= 0 && i < batch.urls.count ? batch.urls[i] : nil
    }

    // MARK: - Collecting

    func run() {
        // A streamed batch's URLs are read on a thread of their own (a source may block) into
        // an inbox that this loop empties on every pass: only this thread uses the connection.
        let intake = InboxIntake.start(batch, wake: {})
        defer { intake?.stop() }
        collect(intake?.inbox)
    }

    private func collect(_ inbox: IntakeInbox?) {
        // Results by submitted index: with `dedupe`, more than the tasks (``BatchHub/urls``);
        // a following batch's grows with the pages its workers enqueue, a streamed one's with
        // its input.
        var total = batch.collector.total
        // XREAD blocks at most this long so that a cancel is seen quickly, and while a
        // streamed input is open, so that a URL just read waits little for its task; the
        // reply timeout must outlast the block.
        let blockMs = 200, streamingBlockMs = 10
        try? redis.setTimeout(options.redisTimeout + Double(blockMs) / 1000)
        let refreshEvery = min(options.ttl / 3, 10)
        var lastRefresh = MonotonicClock.now()
        var closed = inbox == nil
        while true {
            if batch.isCancelled {
                cleanUp(cancelled: true)
                return
            }
            if let inbox, !inputDone {
                let taken = inbox.take()
                unsent += taken.items
                closed = taken.closed
            }
            if inputDone && batch.collector.progress.done >= (inbox == nil ? total : batch.collector.total) {
                cleanUp(cancelled: false)
                return
            }
            do throws(TrawlError) {
                if !inputDone { try submitStreamed(closed: closed) }
                let reply = try redis.command([
                    "XREAD", "COUNT", RedisArgument(Self.chunk), "BLOCK", RedisArgument(inputDone ? blockMs : streamingBlockMs),
                    "STREAMS", RedisArgument(keys.results(batchID)), RedisArgument(lastID),
                ])
                if let e = reply.errorMessage {
                    throw TrawlError(.backendUnavailable, "Redis refused XREAD: \(e)")
                }
                // Read after the results: every page among them had its links counted before
                // its result was written, so done == pages means the batch is complete.
                if follow != nil {
                    try countPages()
                    total = pages
                }
                for entry in reply.streamEntries(of: keys.results(batchID)) {
                    lastID = entry.id
                    accept(entry)
                }
                if MonotonicClock.now() - lastRefresh > refreshEvery {
                    lastRefresh = MonotonicClock.now()
                    try refresh()
                }
            } catch {
                guard recover(from: error) else { return }
            }
        }
    }

    /// A following batch's page count, the collector grown to it.
    private func countPages() throws(TrawlError) {
        let reply = try redis.command(["GET", RedisArgument(keys.count(batchID))])
        if let e = reply.errorMessage { throw TrawlError(.backendUnavailable, "Redis refused GET: \(e)") }
        guard let text = reply.string, let n = Int(text), n > pages else { return }
        batch.collector.expand(by: n - pages)
        pages = n
    }

    /// Whether a result's index and URL are of this batch (a followed page's URL is known
    /// only from its result; a streamed batch's, only until its result is in).
    private func belongs(_ r: CrawlResult) -> Bool {
        guard r.index >= 0 else { return false }
        if batch.source != nil { return batch.streamedURL(r.index) == r.url }
        if r.index < batch.urls.count { return r.url == batch.urls[r.index] }
        return follow != nil && r.index < pages
    }

    /// One result entry: decoded and delivered; the marker entry has no `r`.
    private func accept(_ entry: RedisStreamEntry) {
        guard let bytes = entry.fields["r"] else { return }
        var reader = WireReader(bytes)
        do {
            let r = try CrawlResult.decode(from: &reader)
            try reader.expectEnd()
            guard belongs(r) else { return }
            outstanding[r.index] = nil
            batch.deliver(r)
        } catch {
            guard let i = entry.int("i"), i >= 0, i < (follow != nil ? pages : meta.total) else { return }
            outstanding[i] = nil
            batch.deliver(batch.failure(index: i, TrawlError(.internalError, "a worker sent an unreadable result: \(error.message)")))
        }
    }

    /// Extends the TTLs; a batch whose options key is gone was lost by Redis (a restart
    /// without persistence, FLUSHALL, eviction) and is written again.
    private func refresh() throws(TrawlError) {
        let ttl = RedisArgument(Self.ms(options.ttl))
        let live = follow != nil ? keys.all(batchID) : [keys.options(batchID), keys.results(batchID)]
        let r = try redis.pipeline(live.map { ["PEXPIRE", RedisArgument($0), ttl] })
        if r.contains(.integer(0)) { try resubmit() }
    }

    /// Writes the options, the result stream and the group again, and a task for every URL
    /// written and still without a result (a streamed batch's later URLs are written as they
    /// come). Tasks that survived run twice; the batch drops the duplicates.
    private func resubmit() throws(TrawlError) {
        guard follow == nil else {
            throw TrawlError(.backendUnavailable,
                             "Redis lost the following batch's keys (its seen-set and page count): the pages its workers found cannot be written again")
        }
        try keys.ensureGroup(redis)
        let r = try redis.command(["SET", RedisArgument(keys.options(batchID)), RedisArgument(meta.encoded()),
                                   "PX", RedisArgument(Self.ms(options.ttl))])
        if let e = r.errorMessage { throw TrawlError(.backendUnavailable, "Redis refused the batch's options: \(e)") }
        try openResults()
        try rewrite(batch.source != nil ? outstanding.keys.sorted() : batch.missingTasks())
    }

    /// Reconnects after a lost connection, for at most `redis_timeout` seconds. After a
    /// server restart (a new `run_id`) the tasks Redis may have lost are written again.
    /// - Returns: false when the batch was ended because Redis stayed away.
    private func recover(from error: TrawlError) -> Bool {
        let deadline = MonotonicClock.now() + options.redisTimeout
        var last = error
        while MonotonicClock.now() < deadline && !batch.isCancelled {
            do throws(TrawlError) {
                try redis.reconnect()
                try? redis.setTimeout(options.redisTimeout + 0.2)
                let now = try serverRunID()
                if now != runID {
                    runID = now
                    try resubmit()
                } else {
                    try refresh()
                }
                return true
            } catch {
                last = error
                usleep(100_000)
            }
        }
        if batch.isCancelled { return true }
        let failure = TrawlError(.backendUnavailable,
                                 "lost the connection to Redis and could not reconnect within \(options.redisTimeout) s (redis_timeout): \(last.message)")
        batch.failMissing(failure)
        return false
    }

    /// Deletes the batch's keys; after a cancel also its tasks still in the shared stream,
    /// so that no worker spends time on them (a worker that already holds some sees the
    /// options key gone and skips them).
    private func cleanUp(cancelled: Bool) {
        var commands: [[RedisArgument]] = [["DEL"] + keys.all(batchID).map { RedisArgument($0) }]
        if cancelled {
            let ids = Array(outstanding.values)
            var start = 0
            while start < ids.count {
                let part = ids[start..<min(ids.count, start + Self.chunk)].map { RedisArgument($0) }
                commands.append(["XACK", RedisArgument(keys.tasks), RedisArgument(keys.group)] + part)
                commands.append(["XDEL", RedisArgument(keys.tasks)] + part)
                start += Self.chunk
            }
        }
        // Best effort: if Redis is gone the TTLs remove the keys, and workers skip the tasks
        // of a batch whose options have expired.
        _ = try? redis.pipeline(commands)
    }

    // MARK: - Helpers

    private func serverRunID() throws(TrawlError) -> String {
        let info = try redis.command(["INFO", "server"]).string ?? ""
        for line in info.split(whereSeparator: { $0 == "\r" || $0 == "\n" }) where line.hasPrefix("run_id:") {
            return String(line.dropFirst(7))
        }
        return ""
    }

    static func ms(_ seconds: Double) -> Int { max(1, Int((seconds * 1000).rounded())) }

    /// 128 random bits in hex.
    static func randomID() -> String {
        var g = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        return String((0..<32).map { _ in hex[Int(g.next() % 16)] })
    }
}
