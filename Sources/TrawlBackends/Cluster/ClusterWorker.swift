// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import TrawlExtract
import TrawlHTTP
import TrawlRedis
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of the cluster backend: `trawl worker --redis URL` runs this.
///
/// It joins the consumer group, takes tasks with `XREADGROUP` (only as many as it has room
/// for), crawls them with local lanes exactly as the thread backend would, and per flush
/// writes the results, acknowledges and deletes the tasks in one pipeline. While it holds
/// tasks it renews their claim (a heartbeat), so the visibility timeout only has to cover a
/// silent worker, not a slow page. It reclaims tasks whose holder went silent and turns a
/// task delivered `max_deliveries` times into a `worker_lost` result. Tasks are data only:
/// a URL, an index and a batch id; nothing in them is ever executed.
public enum ClusterWorker {
    /// Set by SIGTERM/SIGINT: finish the tasks held, write them back, exit.
    static let stopRequested = Atomic<Bool>(false)

    /// Serves tasks until SIGTERM or SIGINT.
    /// - Parameters:
    ///   - options: `redis_url`, `key_prefix`, `redis_timeout`, `jobs` (lanes per batch),
    ///     `concurrency` (transfers in flight, adaptive when auto); `visibility_timeout` and
    ///     `max_deliveries` apply to tasks of batches whose options this worker cannot read.
    ///   - name: the consumer name, unique per worker; default `host-pid`.
    /// - Returns: the exit status: 0 after a signal, 2 when Redis cannot be used at start.
    public static func run(options: CrawlOptions, name: String? = nil) -> Int32 {
        _ = signal(SIGPIPE, SIG_IGN)  // our own process: a vanished peer must not kill it
        _ = signal(SIGTERM, { _ in ClusterWorker.stopRequested.store(true, ordering: .relaxed) })
        _ = signal(SIGINT, { _ in ClusterWorker.stopRequested.store(true, ordering: .relaxed) })
        let url: RedisURL
        do { url = try RedisURL.from(options: options) } catch {
            log("\(error.message)")
            return 2
        }
        let consumer = name ?? defaultName()
        let loop: WorkerLoop
        do {
            loop = try WorkerLoop(url: url, options: options, name: consumer)
        } catch {
            log("\(error.message)")
            return 2
        }
        log("\(consumer) serving \(url) (stream \(options.keyPrefix)tasks, group \(options.keyPrefix)workers)")
        loop.run()
        log("\(consumer) stopped")
        return 0
    }

    static func log(_ line: String) {
        Console.error("trawl worker: \(line)\n")
    }

    static func defaultName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buf, buf.count) == 0
            ? String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "worker"
        return "\(host)-\(getpid())"
    }
}

/// A batch as one worker knows it.
final class WorkerBatch {
    let meta: ClusterBatchMeta
    let extractor: Extractor
    /// Follow mode's pattern and filter, when the batch follows links.
    let follow: WorkerFollow?
    var engine: ClusterEngine?
    var lastUsed = MonotonicClock.now()

    init(meta: ClusterBatchMeta) throws(TrawlError) {
        self.meta = meta
        extractor = try Extractor(patterns: meta.options.effectivePatterns,
                                  matchLimit: meta.options.regexMatchLimit, budget: meta.options.regexBudget)
        follow = try WorkerFollow.of(meta.options, patterns: meta.options.effectivePatterns)
    }

    /// Whether `index` can be one of the batch's tasks (a following batch grows as it runs,
    /// and so does one whose submitter is still writing tasks).
    func holds(_ index: Int) -> Bool { index >= 0 && (follow != nil || !meta.complete || index < meta.total) }
}

/// The worker's Redis thread: the only user of its connection.
final class WorkerLoop {
    private let redis: RedisConnection
    private let keys: ClusterKeys
    private let name: String
    private let lanes: Int
    /// Transfers in flight on this worker, across its batches: adaptive with the worker's
    /// `concurrency` auto (the default), fixed when `--concurrency N` pins it.
    private let limiter: ConcurrencyLimiter
    private let fallbackVisibility: Double
    private let fallbackMaxDeliveries: Int
    private let outbox = ClusterOutbox()
    private var batches: [String: WorkerBatch] = [:]
    /// Batch ids whose options key is gone: their tasks are acknowledged and dropped.
    private var gone: [String: Double] = [:]
    /// Task entries read and not yet written back, by entry id.
    private var held: [String: String] = [:]
    /// Where the pages of held tasks of following batches were found, by entry id.
    private var origins: [String: ClusterFollow.Origin] = [:]
    /// Completions whose write-back failed; retried after a reconnect.
    private var unflushed: [ClusterCompletion] = []
    private var connected = true
    private let blockMs = 500

    init(url: RedisURL, options: CrawlOptions, name: String) throws(TrawlError) {
        self.name = name
        keys = ClusterKeys(prefix: options.keyPrefix)
        lanes = options.effectiveJobs(cores: OSThread.availableCores)
        limiter = ConcurrencyLimiter(options, lanes: lanes)
        fallbackVisibility = options.visibilityTimeout
        fallbackMaxDeliveries = options.maxDeliveries
        redis = try RedisConnection(url: url, timeout: options.redisTimeout)
        try redis.setTimeout(options.redisTimeout + Double(blockMs) / 1000)
        try keys.ensureGroup(redis)
    }

    func run() {
        var nextHeartbeat = 0.0, nextReclaim = 0.0, nextLiveness = 0.0
        var stopping = false
        while true {
            if !stopping && ClusterWorker.stopRequested.load(ordering: .relaxed) {
                stopping = true
                for b in batches.values { b.engine?.stop(cancel: false) }
            }
            do throws(TrawlError) {
                if !connected { try reconnect() }
                try flush()
                if stopping && held.isEmpty && unflushed.isEmpty { break }
                let now = MonotonicClock.now()
                if now >= nextHeartbeat {
                    nextHeartbeat = now + heartbeatInterval()
                    try heartbeat()
                }
                if now >= nextReclaim && !stopping {
                    nextReclaim = now + max(0.25, min(1, minVisibility() / 2))
                    try reclaim()
                }
                if now >= nextLiveness {
                    nextLiveness = now + 1
                    try checkLiveness()
                }
                // Tasks held: what runs now and a few more ready behind it (a quarter of the
                // limit, at least 16), never more than the limit and a quarter. An adaptive
                // limit may stand well above what runs (it grows while half of it is used):
                // tasks held beyond that would only wait here while other workers starve.
                let flight = limiter.snapshot
                let capacity = min(flight.limit + max(1, flight.limit / 4), flight.running + max(16, flight.limit / 4))
                let room = stopping ? 0 : capacity - held.count
                if room > 0 {
                    var args: [RedisArgument] = ["XREADGROUP", "GROUP", RedisArgument(keys.group), RedisArgument(name),
                                                 "COUNT", RedisArgument(room)]
                    // Block for new tasks only with nothing to write back; otherwise poll.
                    if held.isEmpty { args += ["BLOCK", RedisArgument(blockMs)] }
                    args += ["STREAMS", RedisArgument(keys.tasks), ">"]
                    let reply = try redis.command(args)
                    if let e = reply.errorMessage {
                        // NOGROUP: Redis restarted without the group (no persistence).
                        if e.hasPrefix("NOGROUP") { try keys.ensureGroup(redis); continue }
                        throw TrawlError(.backendUnavailable, "Redis refused XREADGROUP: \(e)")
                    }
                    try dispatch(reply.streamEntries(of: keys.tasks))
                }
                if !held.isEmpty {
                    // Let a few more results gather: one pipeline per ~5 ms instead of one
                    // per result keeps round trips (and Redis CPU) per URL low.
                    outbox.wait(0.02)
                    usleep(5_000)
                }
                retireIdleEngines()
            } catch {
                if connected {
                    ClusterWorker.log("\(name): \(error.message); reconnecting")
                    connected = false
                }
                usleep(200_000)
                // Stopping with Redis away: what is held stays pending and is reclaimed by
                // the other workers after the visibility timeout.
                if stopping { break }
            }
        }
        for b in batches.values { b.engine?.stop(cancel: true) }
    }

    // MARK: - Connection

    private func reconnect() throws(TrawlError) {
        try redis.reconnect()
        try redis.setTimeout(redis.timeout)
        try keys.ensureGroup(redis)
        connected = true
        ClusterWorker.log("\(name): reconnected to Redis")
        // Results written before the loss may be lost with a restarted server; the tasks
        // then stay pending and are reclaimed, so nothing else needs redoing here.
    }

    // MARK: - Tasks in

    private func dispatch(_ entries: [RedisStreamEntry]) throws(TrawlError) {
        var dropped: [String] = []
        for entry in entries {
            guard let b = entry.text("b"), let i = entry.int("i"), let u = entry.text("u"), i >= 0 else {
                dropped.append(entry.id)  // not a trawl task: never acted on
                continue
            }
            guard let batch = try batchNamed(b) else {
                dropped.append(entry.id)
                continue
            }
            guard batch.holds(i) else {
                dropped.append(entry.id)
                continue
            }
            held[entry.id] = b
            if batch.follow != nil { origins[entry.id] = ClusterFollow.Origin(entry) }
            batch.lastUsed = MonotonicClock.now()
            if batch.engine == nil {
                batch.engine = try ClusterEngine(batchID: b, options: batch.meta.options, extractor: batch.extractor,
                                                 lanes: lanes, inFlight: limiter.share(lanes: lanes),
                                                 limiter: limiter, outbox: outbox)
            }
            batch.engine?.enqueue(FetchRequest(index: i, url: u), entryID: entry.id)
        }
        if !dropped.isEmpty { try acknowledge(dropped) }
    }

    /// The batch's options, read once and cached; nil when the batch is gone (cancelled,
    /// finished, expired).
    private func batchNamed(_ id: String) throws(TrawlError) -> WorkerBatch? {
        if let b = batches[id] { return b }
        if gone[id] != nil { return nil }
        let reply = try redis.command(["GET", RedisArgument(keys.options(id))])
        guard let bytes = reply.bytes else {
            gone[id] = MonotonicClock.now()
            return nil
        }
        do throws(TrawlError) {
            let b = try WorkerBatch(meta: try ClusterBatchMeta.decode(bytes))
            batches[id] = b
            return b
        } catch {
            ClusterWorker.log("\(name): cannot run batch \(id): \(error.message)")
            gone[id] = MonotonicClock.now()
            return nil
        }
    }

    // MARK: - Results out

    /// Writes every completion back in one pipeline: the results (`XADD ... NOMKSTREAM`, so a
    /// batch already collected or cancelled gets nothing), then `XACK` and `XDEL` of their
    /// tasks, in that order, so a task is never acknowledged before its result is stored.
    private func flush() throws(TrawlError) {
        let batch = unflushed + outbox.take()
        unflushed = batch
        guard !batch.isEmpty else { return }
        var commands: [[RedisArgument]] = []
        var ids: [RedisArgument] = []
        for c in batch {
            if var r = c.result {
                // A page's links go into the frontier before its result is written: see
                // ClusterFollow for why the submitter's count is then complete.
                if let follow = batches[c.batchID]?.follow, let id = c.entryIDs.first,
                   let call = follow.commands(for: &r, origin: origins[id] ?? .init(), batchID: c.batchID, keys: keys) {
                    commands.append(call)
                }
                var w = WireWriter(capacity: 1024)
                r.encode(to: &w)
                commands.append(["XADD", RedisArgument(keys.results(c.batchID)), "NOMKSTREAM", "*",
                                 "i", RedisArgument(r.index), "r", RedisArgument(w.bytes)])
            }
            ids += c.entryIDs.map { RedisArgument($0) }
        }
        if !ids.isEmpty {
            commands.append(["XACK", RedisArgument(keys.tasks), RedisArgument(keys.group)] + ids)
            commands.append(["XDEL", RedisArgument(keys.tasks)] + ids)
        }
        for (reply, command) in zip(try redis.pipeline(commands), commands) where command.first == "EVAL" {
            if let e = reply.errorMessage { ClusterWorker.log("\(name): Redis refused to enqueue a page's links: \(e)") }
        }
        unflushed = []
        for c in batch {
            for id in c.entryIDs {
                held[id] = nil
                origins[id] = nil
            }
        }
    }

    private func acknowledge(_ ids: [String]) throws(TrawlError) {
        let args = ids.map { RedisArgument($0) }
        _ = try redis.pipeline([
            ["XACK", RedisArgument(keys.tasks), RedisArgument(keys.group)] + args,
            ["XDEL", RedisArgument(keys.tasks)] + args,
        ])
        for id in ids {
            held[id] = nil
            origins[id] = nil
        }
    }

    // MARK: - Heartbeat and reclaim

    private func minVisibility() -> Double {
        batches.values.map(\.meta.visibilityTimeout).min().map { min($0, fallbackVisibility) } ?? fallbackVisibility
    }

    /// At most a second, so that a healthy task is never idle for long: reclaim can then
    /// list only tasks idle for a couple of seconds and see just the abandoned ones.
    private func heartbeatInterval() -> Double { max(0.1, min(1, minVisibility() / 3)) }

    /// The idle time `XPENDING` filters on: short enough for any batch's visibility timeout
    /// (a batch this worker has not seen yet may have a short one), long enough to skip the
    /// tasks live workers keep renewing. Each candidate is then checked against its own
    /// batch's timeout.
    private func reclaimFilter() -> Double { min(2, minVisibility()) }

    /// Renews the claim on every task held (`XCLAIM ... JUSTID` resets the idle time and,
    /// with JUSTID, does not count a delivery), so a live worker's tasks are never reclaimed
    /// however long its pages take.
    private func heartbeat() throws(TrawlError) {
        guard !held.isEmpty else { return }
        let ids = held.keys.map { RedisArgument($0) }
        var commands: [[RedisArgument]] = []
        var start = 0
        while start < ids.count {
            commands.append(["XCLAIM", RedisArgument(keys.tasks), RedisArgument(keys.group), RedisArgument(name), "0"]
                            + ids[start..<min(ids.count, start + 500)] + ["JUSTID"])
            start += 500
        }
        _ = try redis.pipeline(commands)
    }

    /// Takes over tasks whose holder has been silent longer than their batch's visibility
    /// timeout; a task already delivered `max_deliveries` times becomes a `worker_lost`
    /// result instead, so a URL that kills every worker cannot loop forever.
    private func reclaim() throws(TrawlError) {
        let minIdle = ClusterBackend.ms(reclaimFilter())
        let pending = try redis.command(["XPENDING", RedisArgument(keys.tasks), RedisArgument(keys.group),
                                         "IDLE", RedisArgument(minIdle), "-", "+", 100])
        guard let rows = pending.array, !rows.isEmpty else { return }
        var candidates: [(id: String, owner: String, idle: Int, deliveries: Int)] = []
        for row in rows {
            guard let f = row.array, f.count >= 4, let id = f[0].string, held[id] == nil,
                  let owner = f[1].string, let idle = f[2].int, let n = f[3].int else { continue }
            candidates.append((id, owner, idle, n))
        }
        guard !candidates.isEmpty else { return }
        let ranges = try redis.pipeline(candidates.map { ["XRANGE", RedisArgument(keys.tasks), RedisArgument($0.id), RedisArgument($0.id)] })
        var drop: [String] = []
        var claims: [[RedisArgument]] = []
        for (c, reply) in zip(candidates, ranges) {
            guard let entry = reply.streamEntries.first, let b = entry.text("b"), let i = entry.int("i"),
                  let u = entry.text("u") else {
                drop.append(c.id)  // deleted while pending, or not a task
                continue
            }
            guard let batch = try batchNamed(b), batch.holds(i) else {
                drop.append(c.id)
                continue
            }
            let visibility = batch.meta.visibilityTimeout
            guard Double(c.idle) >= visibility * 1000 else { continue }
            if !TryPolicy(limit: batch.meta.maxDeliveries).allowsAnother(after: c.deliveries) {
                let error = TrawlError(.workerLost, "the task was delivered \(c.deliveries) times (last to worker '\(c.owner)') and no worker finished it within the visibility timeout of \(visibility) s")
                let result = FailedResults(batch.extractor, options: batch.meta.options).result(index: i, url: u, error)
                held[c.id] = b
                if batch.follow != nil { origins[c.id] = ClusterFollow.Origin(entry) }
                outbox.push(ClusterCompletion(batchID: b, entryIDs: [c.id], result: result))
                ClusterWorker.log("\(name): batch \(b) URL #\(i): worker_lost after \(c.deliveries) deliveries")
            } else {
                claims.append(["XCLAIM", RedisArgument(keys.tasks), RedisArgument(keys.group), RedisArgument(name),
                               RedisArgument(ClusterBackend.ms(visibility)), RedisArgument(c.id)])
            }
        }
        if !drop.isEmpty { try acknowledge(drop) }
        guard !claims.isEmpty else { return }
        var claimed: [RedisStreamEntry] = []
        for reply in try redis.pipeline(claims) { claimed += reply.streamEntries }
        if !claimed.isEmpty {
            ClusterWorker.log("\(name): reclaimed \(claimed.count) task(s) from silent workers")
        }
        try dispatch(claimed)
    }

    /// Notices cancelled or vanished batches (options key gone): their queued tasks are
    /// dropped and their transfers stopped.
    private func checkLiveness() throws(TrawlError) {
        let active = batches.keys.sorted()
        guard !active.isEmpty else { return }
        let replies = try redis.pipeline(active.map { ["EXISTS", RedisArgument(keys.options($0))] })
        for (id, r) in zip(active, replies) where r == .integer(0) {
            batches[id]?.engine?.stop(cancel: true)
            batches[id] = nil
            gone[id] = MonotonicClock.now()
        }
        // Forget old tombstones: a batch id may be used again later.
        let now = MonotonicClock.now()
        gone = gone.filter { now - $0.value < 60 }
    }

    /// Stops the lanes of batches that have had no task for a while.
    private func retireIdleEngines() {
        let now = MonotonicClock.now()
        let busy = Set(held.values)
        for (id, b) in batches where !busy.contains(id) && now - b.lastUsed > 10 {
            b.engine?.stop(cancel: false)
            b.engine = nil
            if now - b.lastUsed > 60 { batches[id] = nil }
        }
    }
}
