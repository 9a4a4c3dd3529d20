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
/// writes the batch (options once, then the tasks, pipelined in chunks), so that an
/// unreachable Redis or a refused password fails the start with `backend_unavailable`.
/// ``run()`` then runs on the batch's thread: it reads the result stream, hands results to
/// the batch (which drops duplicates by index, so a task that ran twice is seen once),
/// keeps the batch's keys alive, and deletes them once every result is in.
///
/// `@unchecked Sendable`: the connection and the mutable state are used by the starting
/// thread until ``init(batch:)`` returns and by the batch thread afterwards, never by both;
/// the hand-over happens-before through the thread start.
final class ClusterBackend: Backend, @unchecked Sendable {
    private let batch: BatchHub
    private let redis: RedisConnection
    private let keys: ClusterKeys
    private let batchID: String
    private let meta: [UInt8]
    private let options: CrawlOptions
    /// The task entry ids this submitter wrote, by index: deleted from the shared stream on
    /// cancel so that workers never see them. Empty for a resumed batch.
    private var taskIDs: [String] = []
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

    static let capabilities: BackendCapabilities = [.isolatesCrashes, .spawnsWorkers, .distributed, .submitsOnStart,
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
        meta = ClusterBatchMeta(total: batch.urls.count, fingerprint: ClusterBatchMeta.fingerprint(batch.urls),
                                visibilityTimeout: options.visibilityTimeout, maxDeliveries: options.maxDeliveries,
                                options: options).encoded()
        redis = try RedisConnection(url: url, timeout: options.redisTimeout)
        runID = try serverRunID()
        try keys.ensureGroup(redis)
        let created = try redis.command(["SET", RedisArgument(keys.options(batchID)), RedisArgument(meta), "NX",
                                         "PX", RedisArgument(Self.ms(options.ttl))])
        if let e = created.errorMessage {
            throw TrawlError(.backendUnavailable, "Redis refused the batch's options: \(e)")
        }
        if created.isNull {
            try checkResumable()
        } else {
            try openResults()
            if follow != nil { try openFrontier() }
            try submit(Array(batch.urls.indices), recordIDs: true)
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
    /// holds the same URLs.
    private func checkResumable() throws(TrawlError) {
        guard let bytes = try redis.command(["GET", RedisArgument(keys.options(batchID))]).bytes else {
            throw TrawlError(.backendUnavailable, "batch '\(batchID)' vanished while being resumed")
        }
        let existing = try ClusterBatchMeta.decode(bytes)
        guard existing.total == batch.urls.count,
              existing.fingerprint == ClusterBatchMeta.fingerprint(batch.urls) else {
            throw TrawlError(.invalidArgument, "batch id '\(batchID)' is in use by a batch of \(existing.total) other URLs")
        }
        lastID = "0-0"
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

    /// Appends tasks for `indexes`, `chunk` commands per round trip.
    private func submit(_ indexes: [Int], recordIDs: Bool) throws(TrawlError) {
        if recordIDs { taskIDs = Array(repeating: "", count: batch.urls.count) }
        let tasks = RedisArgument(keys.tasks), b = RedisArgument(batchID)
        var start = 0
        while start < indexes.count {
            let part = indexes[start..<min(indexes.count, start + Self.chunk)]
            let replies = try redis.pipeline(part.map { i in
                var task: [RedisArgument] = ["XADD", tasks, "*", "b", b, "i", RedisArgument(i), "u", RedisArgument(batch.urls[i])]
                if let follow { task += ClusterFollow.Origin(scope: follow.scopeKey(of: batch.urls[i])).fields }
                return task
            })
            for (i, reply) in zip(part, replies) {
                if let e = reply.errorMessage {
                    throw TrawlError(.backendUnavailable, "Redis refused a task: \(e)")
                }
                if recordIDs, let id = reply.string { taskIDs[i] = id }
            }
            start += Self.chunk
        }
    }

    // MARK: - Collecting

    func run() {
        // Results by submitted index: with `dedupe`, more than the tasks (``BatchHub/urls``);
        // a following batch's grows with the pages its workers enqueue.
        var total = batch.collector.total
        // XREAD blocks at most this long so that a cancel is seen quickly; the reply timeout
        // must outlast the block.
        let blockMs = 200
        try? redis.setTimeout(options.redisTimeout + Double(blockMs) / 1000)
        let refreshEvery = min(options.ttl / 3, 10)
        var lastRefresh = MonotonicClock.now()
        while true {
            if batch.isCancelled {
                cleanUp(cancelled: true)
                return
            }
            if batch.collector.progress.done >= total {
                cleanUp(cancelled: false)
                return
            }
            do throws(TrawlError) {
                let reply = try redis.command([
                    "XREAD", "COUNT", RedisArgument(Self.chunk), "BLOCK", RedisArgument(blockMs),
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
    /// only from its result).
    private func belongs(_ r: CrawlResult) -> Bool {
        guard r.index >= 0 else { return false }
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
            batch.deliver(r)
        } catch {
            guard let i = entry.int("i"), i >= 0, i < (follow != nil ? pages : batch.urls.count) else { return }
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
    /// still without a result. Tasks that survived run twice; the batch drops the duplicates.
    private func resubmit() throws(TrawlError) {
        guard follow == nil else {
            throw TrawlError(.backendUnavailable,
                             "Redis lost the following batch's keys (its seen-set and page count): the pages its workers found cannot be written again")
        }
        try keys.ensureGroup(redis)
        let r = try redis.command(["SET", RedisArgument(keys.options(batchID)), RedisArgument(meta),
                                   "PX", RedisArgument(Self.ms(options.ttl))])
        if let e = r.errorMessage { throw TrawlError(.backendUnavailable, "Redis refused the batch's options: \(e)") }
        try openResults()
        try submit(batch.missingTasks(), recordIDs: false)
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
            let ids = taskIDs.filter { !$0.isEmpty }
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
