// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlRedis

/// The Redis keys of the cluster backend (see docs/cluster.md, "Keys").
///
/// One task stream and one consumer group per key prefix serve every batch; each batch has
/// its options key and its result stream, both with a TTL so that an abandoned batch
/// disappears on its own.
struct ClusterKeys {
    let prefix: String

    /// The shared task stream: entries `b` (batch id), `i` (index), `u` (URL); in a
    /// following batch also `d` (depth), `p` (parent index), `q` (parent URL, absent for a
    /// seed) and `s` (the scope key of its seed, absent when the seed has none).
    var tasks: String { prefix + "tasks" }
    /// The consumer group every worker joins.
    var group: String { prefix + "workers" }
    /// The batch's encoded ``ClusterBatchMeta``; deleting it cancels the batch.
    func options(_ batch: String) -> String { prefix + "batch:" + batch + ":options" }
    /// The batch's result stream: entries `i` (index), `r` (encoded ``CrawlResult``).
    func results(_ batch: String) -> String { prefix + "batch:" + batch + ":results" }
    /// A following batch's seen-set: the 64-bit hashes (8 bytes, little-endian) of every
    /// normalised URL enqueued, seeds included, and of every redirect's target.
    func seen(_ batch: String) -> String { prefix + "batch:" + batch + ":seen" }
    /// A following batch's page count: the next page's index, and so the batch's total.
    func count(_ batch: String) -> String { prefix + "batch:" + batch + ":count" }
    /// Every key of the batch.
    func all(_ batch: String) -> [String] { [options(batch), results(batch), seen(batch), count(batch)] }

    /// `XGROUP CREATE tasks workers 0 MKSTREAM`, tolerating an existing group. Id `0` makes
    /// entries already in the stream deliverable (after a restart that lost the group).
    func ensureGroup(_ redis: RedisConnection) throws(TrawlError) {
        let reply = try redis.command(["XGROUP", "CREATE", RedisArgument(tasks), RedisArgument(group), "0", "MKSTREAM"])
        if let e = reply.errorMessage, !e.hasPrefix("BUSYGROUP") {
            throw TrawlError(.backendUnavailable, "Redis refused to create the consumer group \(group): \(e)")
        }
    }
}

/// What a worker needs to run a batch's tasks, stored once per batch under
/// ``ClusterKeys/options(_:)``: the fetch and extraction options (``CrawlOptions``'s worker
/// encoding, validated again by the worker), the delivery policy, follow mode's options (the
/// workers enqueue the links), and how many tasks the submitter has written with a
/// fingerprint of their URLs, so that a resuming submitter can tell its own batch from
/// another one and write the tasks a killed submitter did not.
///
/// The submitter rewrites the key after every chunk of tasks, in the same pipeline and after
/// them: whatever moment it is killed at, the key never names a task that is not in the
/// stream.
struct ClusterBatchMeta {
    static let magic: UInt32 = 0x4C57_5254  // "TRWL" little-endian
    /// The options of follow mode, which workers of a following batch apply.
    static let followOptions: Set<String> = ["follow", "max_depth", "max_pages", "follow_scope", "follow_allow", "follow_deny"]

    /// Tasks written so far (the batch's URLs by index `0..<total`).
    var total: Int
    /// ``URLFingerprint`` of those `total` URLs.
    var fingerprint: UInt64
    /// Whether every task is written: the input is over and `total` is the batch's size.
    /// Until then a worker takes any index (a streamed batch's tasks keep coming).
    var complete: Bool
    var visibilityTimeout: Double
    var maxDeliveries: Int
    var options: CrawlOptions

    func encoded() -> [UInt8] {
        var w = WireWriter(capacity: 512)
        w.u32(Self.magic)
        w.u32(Wire.version)
        w.i64(total)
        w.u64(fingerprint)
        w.u32(complete ? 1 : 0)
        w.f64(visibilityTimeout)
        w.i64(maxDeliveries)
        options.encodeForWorker(to: &w)
        CrawlOptions.encode(settings: options.settings(of: Self.followOptions), to: &w)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(TrawlError) -> ClusterBatchMeta {
        var r = WireReader(bytes)
        guard try r.u32() == magic else {
            throw TrawlError(.backendUnavailable, "the batch's options key does not hold trawl options")
        }
        let version = try r.u32()
        guard version == Wire.version else {
            throw TrawlError(.backendUnavailable, "the batch was submitted with wire version \(version); this worker speaks \(Wire.version)")
        }
        let total = try r.i64()
        let fingerprint = try r.u64()
        let flags = try r.u32()
        let visibility = try r.f64()
        let maxDeliveries = try r.i64()
        var options = try CrawlOptions.decodeForWorker(from: &r)
        try options.decodeSettings(from: &r)
        guard total >= 0, flags <= 1, visibility.isFinite, visibility > 0, maxDeliveries >= 1 else {
            throw TrawlError(.backendUnavailable, "the batch's options are out of range")
        }
        return ClusterBatchMeta(total: total, fingerprint: fingerprint, complete: flags == 1, visibilityTimeout: visibility,
                                maxDeliveries: maxDeliveries, options: options)
    }

}

/// FNV-1a over a batch's URLs in order, each followed by a 0 byte: built up as tasks are
/// written, so that a streamed batch's is known without holding its list.
struct URLFingerprint: Equatable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ url: String) {
        for b in url.utf8 { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
        value = value &* 0x100_0000_01b3
    }

    /// The fingerprint of `urls`.
    static func of(_ urls: some Sequence<String>) -> URLFingerprint {
        var f = URLFingerprint()
        for u in urls { f.add(u) }
        return f
    }
}

extension RedisURL {
    /// Parses ``CrawlOptions/redisURL``.
    /// - Throws: `backend_unavailable` when it is missing, `invalid_argument` when malformed.
    static func from(options: CrawlOptions) throws(TrawlError) -> RedisURL {
        guard let text = options.redisURL else {
            throw TrawlError(.backendUnavailable, "the cluster backend needs redis_url (redis://[user:password@]host:port/db)")
        }
        return try RedisURL(parsing: text)
    }
}
