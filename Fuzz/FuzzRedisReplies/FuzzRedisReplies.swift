// SPDX-License-Identifier: Apache-2.0

@testable import TrawlRedis
@testable import TrawlBackends
import TrawlCore
import CHiredis

/// Redis replies as a server (or whatever listens on its port) may send them: the bytes go
/// through hiredis's reader (`redisReaderFeed`, `redisReaderGetReply`, which `redisGetReply`
/// uses) building replies with the functions ``RedisConnection`` installs (``BoundedReplies``),
/// each reply through ``RedisConnection``'s copy into ``RedisReply``, then through the stream
/// entry parsing of the cluster backend: `streamEntries`, `streamEntries(of:)` for each
/// stream the reply names, the `b`/`i`/`u` fields of a task, the `r` field of a result
/// (``CrawlResult`` in ``Wire`` form) and a batch's options (``ClusterBatchMeta``).
/// Checks: no crash, and no allocation beyond libFuzzer's limit (a declared length is not an
/// allocation).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let reader = BoundedReplies.makeReader() else { return 0 }
    defer { redisReaderFree(reader) }
    let fed = data.withMemoryRebound(to: CChar.self, capacity: size) { redisReaderFeed(reader, $0, size) }
    guard fed == REDIS_OK else { return 0 }
    while true {
        var raw: UnsafeMutableRawPointer? = nil
        guard redisReaderGetReply(reader, &raw) == REDIS_OK, let raw else { return 0 }
        let reply = RedisConnection.convert(raw.assumingMemoryBound(to: redisReply.self))
        freeReplyObject(raw)
        check(reply)
    }
}

private func check(_ reply: RedisReply) {
    _ = (reply.string, reply.int, reply.bytes, reply.errorMessage, reply.isNull)
    var entries = reply.streamEntries
    for stream in reply.array ?? [] {
        if let name = stream.array?.first?.string { entries += reply.streamEntries(of: name) }
    }
    for entry in entries {
        _ = (entry.text("b"), entry.int("i"), entry.text("u"))
        if let r = entry.fields["r"] {
            var reader = WireReader(r)
            _ = try? CrawlResult.decode(from: &reader)
        }
        for value in entry.fields.values { _ = try? ClusterBatchMeta.decode(value) }
    }
    if let bytes = reply.bytes { _ = try? ClusterBatchMeta.decode(bytes) }
}
