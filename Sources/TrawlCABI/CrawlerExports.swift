// SPDX-License-Identifier: Apache-2.0

import TrawlBackends
import TrawlCore

/// What a `trawl_crawler *` points to: a ``Crawler``, or, when creating it failed, the reason
/// (SQLite's `sqlite3_open` model: the caller gets a handle whose error it can read).
/// Immutable after `init`, so any number of threads may use it at once.
final class CrawlerHandle {
    let crawler: Crawler?
    let failure: TrawlError?
    let lastError = MessageSlot()

    init(options: CrawlOptions) {
        do throws(TrawlError) {
            try Self.checkNames(options.effectivePatterns)
            crawler = try Crawler(options: options)
            failure = nil
        } catch {
            crawler = nil
            failure = error
            lastError.set(error.message)
        }
    }

    /// Two patterns with one name would give a JSON object with a repeated key.
    private static func checkNames(_ patterns: [PatternSpec]) throws(TrawlError) {
        var seen = Set<String>()
        for p in patterns where !seen.insert(p.name).inserted {
            throw TrawlError(.invalidArgument,
                             "two patterns are named '\(p.name)' (turn default_patterns off to replace a default)")
        }
    }
}

/// The shared body of the exports that make a handle from a crawler (`trawl_batch_open`,
/// `trawl_batch_start_source`, `trawl_warc_open`): the out pointer checked and cleared, a
/// working crawler, then `make`'s object exported into it, or its error as the status.
func exportFromCrawler<T: AnyObject>(_ crawlerPtr: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                     _ make: (Crawler) throws(TrawlError) -> T) -> Int32 {
    guard let out else { return failed(TrawlError(.invalidArgument, "out is NULL")) }
    out.pointee = nil
    switch crawler(crawlerPtr) {
    case .success(let c):
        do throws(TrawlError) {
            out.pointee = Handle.export(try make(c))
            ThreadMessage.shared.clear()
            return ok
        } catch {
            return failed(error)
        }
    case .failure(let e):
        return failed(e)
    }
}

/// The working crawler behind `p`, or the status to return.
func crawler(_ p: OpaquePointer?) -> Result<Crawler, TrawlError> {
    guard let h = Handle.object(p, as: CrawlerHandle.self) else {
        return .failure(TrawlError(.invalidArgument, "crawler is NULL"))
    }
    guard let c = h.crawler else {
        return .failure(TrawlError(.invalidState, "the crawler failed to compile: \(h.failure?.message ?? "")"))
    }
    return .success(c)
}

/// `trawl_crawler_new`: ``Crawler/init(options:)`` on a copy of the options.
@_cdecl("trawl_crawler_new")
public func trawl_crawler_new(_ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return invalidArgument }
    out.pointee = nil
    guard let o = Handle.object(opts, as: OptionsHandle.self) else { return invalidArgument }
    let h = CrawlerHandle(options: o.options)
    out.pointee = Handle.export(h)
    if let failure = h.failure {
        o.lastError.set(failure.message)
        return failure.code.status
    }
    o.lastError.clear()
    return ok
}

/// `trawl_crawler_free`: drops the crawler; running batches keep their own reference.
@_cdecl("trawl_crawler_free")
public func trawl_crawler_free(_ crawler: OpaquePointer?) {
    Handle.release(crawler, as: CrawlerHandle.self)
}

/// `trawl_crawler_last_error`: why creating the crawler failed, `""` if it did not.
@_cdecl("trawl_crawler_last_error")
public func trawl_crawler_last_error(_ crawler: OpaquePointer?) -> UnsafePointer<CChar> {
    guard let h = Handle.object(crawler, as: CrawlerHandle.self) else { return StaticCStrings.shared.nullHandle }
    return h.lastError.pointer
}

/// `trawl_crawler_error_offset`: ``TrawlError/offset`` of the failure, -1 when there is none.
@_cdecl("trawl_crawler_error_offset")
public func trawl_crawler_error_offset(_ crawler: OpaquePointer?) -> Int64 {
    guard let h = Handle.object(crawler, as: CrawlerHandle.self), let offset = h.failure?.offset else { return -1 }
    return Int64(offset)
}

/// `trawl_extract`: ``Crawler/extract(_:)`` over caller-supplied bytes, as a result handle.
@_cdecl("trawl_extract")
public func trawl_extract(_ crawlerPtr: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ len: Int,
                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return invalidArgument }
    out.pointee = nil
    guard len >= 0, text != nil || len == 0 else { return invalidArgument }
    let c: Crawler
    switch crawler(crawlerPtr) {
    case .success(let v): c = v
    case .failure(let e): return e.code.status
    }
    // The caller's bytes are read once, here, into a Swift string: nothing keeps the pointer.
    let s: String = text.map {
        String(decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer($0), count: len), as: UTF8.self)
    } ?? ""
    let e = c.extract(s)
    let r = CrawlResult(index: 0, url: "", bytes: len, error: e.error, matches: e.matches)
    out.pointee = Handle.export(ResultHandle(r, borrowed: false))
    return ok
}
