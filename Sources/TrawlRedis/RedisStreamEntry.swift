// SPDX-License-Identifier: Apache-2.0

/// One stream entry as `XRANGE`, `XREAD`, `XREADGROUP` and `XCLAIM` return it.
public struct RedisStreamEntry: Sendable, Equatable {
    /// The entry id, `"<ms>-<seq>"`.
    public var id: String
    /// The field/value pairs; a later duplicate field wins.
    public var fields: [String: [UInt8]]

    public init(id: String, fields: [String: [UInt8]]) {
        self.id = id
        self.fields = fields
    }

    /// A field as UTF-8 text.
    public func text(_ field: String) -> String? {
        fields[field].map { String(decoding: $0, as: UTF8.self) }
    }

    /// A field holding a decimal integer.
    public func int(_ field: String) -> Int? {
        text(field).flatMap { Int($0) }
    }
}

extension RedisReply {
    /// The entries of an `XRANGE` or `XCLAIM` reply: `[[id, [field, value, ...]], ...]`.
    /// Entries without fields (deleted while pending) keep their id with no fields.
    public var streamEntries: [RedisStreamEntry] {
        guard let items = array else { return [] }
        return items.compactMap { item in
            guard let pair = item.array, pair.count >= 1, let id = pair[0].string else { return nil }
            var fields: [String: [UInt8]] = [:]
            if pair.count >= 2, let kv = pair[1].array {
                var i = 0
                while i + 1 < kv.count {
                    if let k = kv[i].string { fields[k] = kv[i + 1].bytes ?? Array((kv[i + 1].string ?? "").utf8) }
                    i += 2
                }
            }
            return RedisStreamEntry(id: id, fields: fields)
        }
    }

    /// The entries of an `XREAD`/`XREADGROUP` reply for one stream:
    /// `[[stream, [[id, [field, value, ...]], ...]], ...]`; nil (a timed-out block) gives none.
    public func streamEntries(of stream: String) -> [RedisStreamEntry] {
        guard let streams = array else { return [] }
        for s in streams {
            guard let pair = s.array, pair.count == 2, pair[0].string == stream else { continue }
            return pair[1].streamEntries
        }
        return []
    }
}
