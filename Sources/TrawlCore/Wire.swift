// SPDX-License-Identifier: Apache-2.0

/// trawl's compact binary encoding, shared by the process backend's pipes and the cluster
/// backend's Redis entries: little-endian fixed-width integers, length-prefixed UTF-8 strings.
///
/// The encoding is versioned by ``version``; a peer that sees another version refuses to talk
/// rather than misread. It carries data only: a worker never executes anything it receives.
public enum Wire {
    /// Bumped whenever an encoding below changes shape.
    public static let version: UInt32 = 8
}

/// Appends values to a byte buffer.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func i64(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    public mutating func f64(_ v: Double) { u64(v.bitPattern) }
    public mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    public mutating func string(_ s: String) {
        u32(UInt32(truncatingIfNeeded: s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
    public mutating func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
}

/// Reads values written by ``WireWriter``; every read checks bounds and throws on truncated
/// or malformed input instead of trapping, since the bytes come from another process.
public struct WireReader {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset >= bytes.count }

    /// Throws unless every byte was read: a message with bytes after its last field was
    /// written by another encoding (or is corrupt), and is refused rather than half-read.
    public func expectEnd() throws(TrawlError) {
        guard isAtEnd else {
            throw TrawlError(.internalError, "\(bytes.count - offset) unexpected trailing bytes at byte \(offset)")
        }
    }

    private mutating func take(_ n: Int) throws(TrawlError) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - offset >= n else {
            throw TrawlError(.internalError, "truncated message at byte \(offset)")
        }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    public mutating func u8() throws(TrawlError) -> UInt8 { try take(1).first ?? 0 }
    public mutating func u32() throws(TrawlError) -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4).enumerated() { v |= UInt32(b) << (8 * i) }
        return v
    }
    public mutating func u64() throws(TrawlError) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * i) }
        return v
    }
    public mutating func i64() throws(TrawlError) -> Int { Int(Int64(bitPattern: try u64())) }
    public mutating func f64() throws(TrawlError) -> Double { Double(bitPattern: try u64()) }
    public mutating func bool() throws(TrawlError) -> Bool { try u8() != 0 }
    public mutating func string() throws(TrawlError) -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }
    public mutating func bytes(_ n: Int) throws(TrawlError) -> [UInt8] {
        Array(try take(n))
    }
    public mutating func optionalString() throws(TrawlError) -> String? {
        try bool() ? try string() : nil
    }
}

// MARK: - Results

extension CrawlResult {
    /// Appends the result's binary form.
    public func encode(to w: inout WireWriter) {
        w.i64(index)
        w.string(url)
        w.optionalString(finalURL)
        w.i64(status ?? -1)
        w.optionalString(contentType)
        w.optionalString(charset)
        w.i64(bytes)
        w.f64(elapsed)
        w.i64(attempts)
        w.f64(timing.fetch)
        w.f64(timing.decode)
        w.f64(timing.extract)
        w.u32(UInt32(bitPattern: error?.code.rawValue ?? 0))
        if let error { w.string(error.message) }
        Self.encode(matches, to: &w)
        Self.encode(rawMatches, to: &w)
        w.bool(followMode)
        w.i64(depth)
        w.i64(parent)
        w.optionalString(parentURL)
    }

    private static func encode(_ list: [PatternMatches], to w: inout WireWriter) {
        w.u32(UInt32(list.count))
        for p in list {
            w.string(p.name)
            w.u32(UInt32(p.groups))
            w.u32(UInt32(p.ends.count))
            for e in p.ends { w.u32(UInt32(truncatingIfNeeded: e)) }
            w.u32(UInt32(truncatingIfNeeded: p.utf8.count))
            w.raw(p.utf8)
            w.u32(UInt32(truncatingIfNeeded: p.unresolved.count))
            for i in p.unresolved { w.u32(UInt32(truncatingIfNeeded: i)) }
        }
    }

    private static func decodeMatches(from r: inout WireReader) throws(TrawlError) -> [PatternMatches] {
        let patterns = Int(try r.u32())
        var list: [PatternMatches] = []
        list.reserveCapacity(min(patterns, 1024))
        for _ in 0..<patterns {
            var p = PatternMatches(name: try r.string(), groups: Int(try r.u32()))
            let n = Int(try r.u32())
            var ends: [Int] = []
            ends.reserveCapacity(min(n, 1 << 20))
            for _ in 0..<n { ends.append(Int(try r.u32())) }
            let utf8 = try r.bytes(Int(try r.u32()))
            guard p.setStorage(utf8: utf8, ends: ends) else {
                throw TrawlError(.internalError, "malformed matches of pattern '\(p.name)'")
            }
            let u = Int(try r.u32())
            for _ in 0..<u {
                let i = Int(try r.u32())
                guard i < p.count else { throw TrawlError(.internalError, "malformed link flags of pattern '\(p.name)'") }
                p.unresolved.append(i)
            }
            list.append(p)
        }
        return list
    }

    /// Reads a result written by ``encode(to:)``.
    public static func decode(from r: inout WireReader) throws(TrawlError) -> CrawlResult {
        var res = CrawlResult(index: try r.i64(), url: try r.string())
        res.finalURL = try r.optionalString()
        let status = try r.i64()
        res.status = status >= 0 ? status : nil
        res.contentType = try r.optionalString()
        res.charset = try r.optionalString()
        res.bytes = try r.i64()
        res.elapsed = try r.f64()
        res.attempts = try r.i64()
        res.timing = CrawlResult.Timing(fetch: try r.f64(), decode: try r.f64(), extract: try r.f64())
        // No fetch takes negative, infinite or NaN seconds or has a negative size: a peer
        // sending one is broken or hostile, and its frame is refused as a protocol error.
        let seconds = [res.elapsed, res.timing.fetch, res.timing.decode, res.timing.extract]
        guard seconds.allSatisfy({ $0.isFinite && $0 >= 0 }), res.bytes >= 0, res.attempts >= 0 else {
            throw TrawlError(.internalError, "malformed result: elapsed \(res.elapsed) s (timing \(res.timing)), "
                             + "\(res.bytes) bytes, \(res.attempts) attempts")
        }
        let code = Int32(bitPattern: try r.u32())
        if code != 0 {
            let message = try r.string()
            res.error = TrawlError(ErrorCode(rawValue: code) ?? .internalError, message)
        }
        res.matches = try decodeMatches(from: &r)
        res.rawMatches = try decodeMatches(from: &r)
        res.followMode = try r.bool()
        res.depth = try r.i64()
        res.parent = try r.i64()
        res.parentURL = try r.optionalString()
        guard res.depth >= 0, res.parent >= -1 else {
            throw TrawlError(.internalError, "malformed result: depth \(res.depth), parent \(res.parent)")
        }
        return res
    }
}

// MARK: - Options

extension CrawlOptions {
    /// The settings a worker needs to fetch and extract exactly as this process would, as
    /// names and values for ``set(_:_:)``, so that the worker validates them again: every
    /// registry option whose scope travels to workers (``OptionScope/travelsToWorkers``).
    public var workerSettings: [(String, OptionValue)] {
        Self.registry.filter(\.scope.travelsToWorkers).flatMap { spec in
            spec.settings(from: self).map { (spec.name, $0) }
        }
    }

    /// The settings of the options named, as ``workerSettings`` gives them.
    public func settings(of names: Set<String>) -> [(String, OptionValue)] {
        Self.registry.filter { names.contains($0.name) }.flatMap { spec in
            spec.settings(from: self).map { (spec.name, $0) }
        }
    }

    /// Appends option settings: a count, then each name and typed value.
    public static func encode(settings: [(String, OptionValue)], to w: inout WireWriter) {
        w.u32(UInt32(settings.count))
        for (key, value) in settings {
            w.string(key)
            switch value {
            case .int(let n): w.u8(0); w.i64(n)
            case .double(let d): w.u8(1); w.f64(d)
            case .string(let s): w.u8(2); w.string(s)
            }
        }
    }

    /// Reads settings from ``encode(settings:to:)`` into these options, each validated by
    /// ``set(_:_:)``.
    public mutating func decodeSettings(from r: inout WireReader) throws(TrawlError) {
        let n = Int(try r.u32())
        for _ in 0..<n {
            let key = try r.string()
            let value: OptionValue
            switch try r.u8() {
            case 0: value = .int(try r.i64())
            case 1: value = .double(try r.f64())
            case 2: value = .string(try r.string())
            case let t: throw TrawlError(.internalError, "unknown option value type \(t)")
            }
            try set(key, value)
        }
    }

    /// Appends the worker settings and the user patterns.
    public func encodeForWorker(to w: inout WireWriter) {
        Self.encode(settings: workerSettings, to: &w)
        w.u32(UInt32(patterns.count))
        for p in patterns {
            w.string(p.name)
            w.string(p.source)
            w.u32(p.flags.rawValue)
        }
    }

    /// Options from ``encodeForWorker(to:)``, each setting validated by ``set(_:_:)``.
    public static func decodeForWorker(from r: inout WireReader) throws(TrawlError) -> CrawlOptions {
        var o = CrawlOptions()
        try o.decodeSettings(from: &r)
        let p = Int(try r.u32())
        for _ in 0..<p {
            o.patterns.append(PatternSpec(name: try r.string(), source: try r.string(),
                                          flags: PatternFlags(rawValue: try r.u32())))
        }
        return o
    }
}
