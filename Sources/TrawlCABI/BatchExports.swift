// SPDX-License-Identifier: Apache-2.0

import Synchronization
import TrawlBackends
import TrawlCore

/// The C progress callback of a batch, replaceable at any time from any thread.
///
/// `fire` holds the lock while it calls into C, so once `set` returns the previous callback
/// and its `user_data` are no longer in use: the caller may free that `user_data` then.
/// Producer threads can report their counts out of order (two results finish together); the
/// slot drops a report older than one already given, so C sees `done` only grow.
final class ProgressSlot: Sendable {
    typealias Function = @convention(c) (Int, Int, Int, Double, UnsafeMutableRawPointer?) -> Void

    /// `@unchecked Sendable`: `userData` is opaque to trawl, only handed back to `fn`; the C
    /// caller promises (header) that it stays valid while installed.
    struct Callback: @unchecked Sendable {
        let fn: Function
        let userData: UnsafeMutableRawPointer?
    }

    private struct State {
        var callback: Callback?
        var lastDone = 0
    }

    private let state = Mutex(State())

    func set(_ callback: Callback?) {
        state.withLock { $0.callback = callback }
    }

    func fire(_ p: Progress) {
        state.withLock { s in
            guard p.done > s.lastDone else { return }
            s.lastDone = p.done
            guard let c = s.callback else { return }
            c.fn(p.done, p.total, p.failed, p.elapsed, c.userData)
        }
    }
}

/// What a `trawl_batch *` points to.
final class BatchHandle {
    let batch: Batch
    let progress: ProgressSlot
    /// Where `trawl_batch_add` puts URLs; nil unless the batch came from `trawl_batch_open`.
    let feed: URLFeed?
    /// The JSON of the last `trawl_batch_stats_json`, valid until the next call or free.
    let stats = MessageSlot()
    /// The message of the last `trawl_batch_input_error`, valid until the next call or free.
    let inputError = MessageSlot()

    init(batch: Batch, progress: ProgressSlot, feed: URLFeed? = nil) {
        self.batch = batch
        self.progress = progress
        self.feed = feed
    }
}

/// Copies the caller's URL array into Swift strings, or `nil` if it has a NULL where a string
/// should be.
func copyURLs(_ urls: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> [String]? {
    guard count >= 0 else { return nil }
    if count == 0 { return [] }
    guard let urls else { return nil }
    var out: [String] = []
    out.reserveCapacity(count)
    for i in 0..<count {
        guard let p = urls[i] else { return nil }
        out.append(String(cString: p))
    }
    return out
}

/// What `trawl_batch_start` and `trawl_crawl` check alike: the out pointer (cleared first), a
/// working crawler, and a URL array without NULLs.
private func batchInputs(_ crawlerPtr: OpaquePointer?, _ urls: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Result<(Crawler, [String]), TrawlError> {
    guard let out else { return .failure(TrawlError(.invalidArgument, "out is NULL")) }
    out.pointee = nil
    switch crawler(crawlerPtr) {
    case .success(let c):
        guard let list = copyURLs(urls, count) else {
            return .failure(TrawlError(.invalidArgument, "urls is NULL or holds a NULL (or n_urls is negative)"))
        }
        return .success((c, list))
    case .failure(let e):
        return .failure(e)
    }
}

/// The status of a failed `trawl_batch_start` or `trawl_crawl`, its message kept for
/// `trawl_last_error` on this thread.
func failed(_ error: TrawlError) -> Int32 {
    ThreadMessage.shared.set(error.message)
    return error.code.status
}

func batch(_ p: OpaquePointer?) -> BatchHandle? {
    Handle.object(p, as: BatchHandle.self)
}

/// `trawl_batch_start`: ``Crawler/start(_:onProgress:)``.
@_cdecl("trawl_batch_start")
public func trawl_batch_start(_ crawlerPtr: OpaquePointer?, _ urls: UnsafePointer<UnsafePointer<CChar>?>?,
                              _ count: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let c: Crawler, list: [String]
    switch batchInputs(crawlerPtr, urls, count, out) {
    case .success(let v): (c, list) = v
    case .failure(let error): return failed(error)
    }
    let slot = ProgressSlot()
    do {
        let b = try c.start(list, onProgress: { p in slot.fire(p) })
        out?.pointee = Handle.export(BatchHandle(batch: b, progress: slot))
        ThreadMessage.shared.clear()
        return ok
    } catch {
        return failed(error)
    }
}

/// `trawl_batch_next`: ``Batch/next(timeout:)`` with a timeout in milliseconds (< 0: none).
@_cdecl("trawl_batch_next")
public func trawl_batch_next(_ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                             _ timeoutMs: Int64) -> Int32 {
    guard let out else { return invalidArgument }
    out.pointee = nil
    guard let h = batch(b) else { return invalidArgument }
    switch h.batch.next(timeout: timeoutMs < 0 ? nil : Double(timeoutMs) / 1000) {
    case .result(let r):
        out.pointee = Handle.export(ResultHandle(r, borrowed: false))
        return ok
    case .done:
        return ErrorCode.done.status
    case .timedOut:
        return ErrorCode.timedOut.status
    }
}

/// `trawl_batch_write`: ``Batch/write(to:flushAfter:)`` into a ``FileResultSink`` on the
/// caller's descriptor.
@_cdecl("trawl_batch_write")
public func trawl_batch_write(_ b: OpaquePointer?, _ fd: Int32, _ format: UnsafePointer<CChar>?) -> Int32 {
    guard let h = batch(b), fd >= 0 else { return invalidArgument }
    guard let fmt = ResultFormat(rawValue: format.map { String(cString: $0) } ?? "jsonl") else {
        return invalidArgument
    }
    let sink = FileResultSink(descriptor: fd, format: fmt)
    do throws(TrawlError) {
        try h.batch.write(to: sink)
        try sink.close()
        return ok
    } catch {
        return error.code.status
    }
}

/// `trawl_batch_foreach`: ``Batch/next(timeout:)`` until done, each result lent to `fn`.
@_cdecl("trawl_batch_foreach")
public func trawl_batch_foreach(_ b: OpaquePointer?,
                                _ fn: (@convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32)?,
                                _ userData: UnsafeMutableRawPointer?) -> Int32 {
    guard let h = batch(b), let fn else { return invalidArgument }
    while case .result(let r) = h.batch.next(timeout: nil) {
        let lent = ResultHandle(r, borrowed: true)
        let stop = withExtendedLifetime(lent) {
            fn(OpaquePointer(Unmanaged.passUnretained(lent).toOpaque()), userData) != 0
        }
        if stop { return ErrorCode.cancelled.status }
    }
    return ok
}

/// `trawl_batch_collect`: ``Batch/results()`` as a list in input order.
@_cdecl("trawl_batch_collect")
public func trawl_batch_collect(_ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return invalidArgument }
    out.pointee = nil
    guard let h = batch(b) else { return invalidArgument }
    out.pointee = Handle.export(ResultListHandle(h.batch.results()))
    return ok
}

/// `trawl_batch_cancel`: ``Batch/cancel()``; any thread.
@_cdecl("trawl_batch_cancel")
public func trawl_batch_cancel(_ b: OpaquePointer?) -> Int32 {
    guard let h = batch(b) else { return invalidArgument }
    h.batch.cancel()
    return ok
}

/// `trawl_batch_progress`: ``Batch/progress``; any thread. Each output is optional.
@_cdecl("trawl_batch_progress")
public func trawl_batch_progress(_ b: OpaquePointer?, _ done: UnsafeMutablePointer<Int>?,
                                 _ total: UnsafeMutablePointer<Int>?, _ failed: UnsafeMutablePointer<Int>?,
                                 _ elapsed: UnsafeMutablePointer<Double>?) -> Int32 {
    guard let h = batch(b) else { return invalidArgument }
    let p = h.batch.progress
    done?.pointee = p.done
    total?.pointee = p.total
    failed?.pointee = p.failed
    elapsed?.pointee = p.elapsed
    return ok
}

/// `trawl_batch_concurrency`: ``Batch/concurrency``; any thread. Each output is optional.
@_cdecl("trawl_batch_concurrency")
public func trawl_batch_concurrency(_ b: OpaquePointer?, _ limit: UnsafeMutablePointer<Int>?,
                                    _ running: UnsafeMutablePointer<Int>?, _ adaptive: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let h = batch(b) else { return invalidArgument }
    let c = h.batch.concurrency
    limit?.pointee = c.limit
    running?.pointee = c.running
    adaptive?.pointee = c.adaptive ? 1 : 0
    return ok
}

/// `trawl_batch_stats_json`: ``Batch/stats`` as its JSON object, library-owned until the
/// next call on the batch or `trawl_batch_free`.
@_cdecl("trawl_batch_stats_json")
public func trawl_batch_stats_json(_ b: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    len?.pointee = 0
    guard let h = batch(b) else { return nil }
    let json = h.batch.stats.json
    h.stats.set(json)
    len?.pointee = json.utf8.count
    return h.stats.pointer
}

/// `trawl_batch_set_progress_callback`: installs or removes the progress callback; any thread.
@_cdecl("trawl_batch_set_progress_callback")
public func trawl_batch_set_progress_callback(
    _ b: OpaquePointer?, _ fn: (@convention(c) (Int, Int, Int, Double, UnsafeMutableRawPointer?) -> Void)?,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let h = batch(b) else { return invalidArgument }
    h.progress.set(fn.map { ProgressSlot.Callback(fn: $0, userData: userData) })
    return ok
}

/// `trawl_batch_free`: cancels the batch, joins its threads and drops it.
@_cdecl("trawl_batch_free")
public func trawl_batch_free(_ b: OpaquePointer?) {
    guard let h = batch(b) else { return }
    h.batch.cancel()
    h.batch.wait()
    // No callback may run after free returns: the threads are joined, and the slot is emptied
    // in case a Batch reference outlives this handle.
    h.progress.set(nil)
    Handle.release(b, as: BatchHandle.self)
}

/// `trawl_crawl`: ``Crawler/crawl(_:onProgress:)`` as a list in input order.
@_cdecl("trawl_crawl")
public func trawl_crawl(_ crawlerPtr: OpaquePointer?, _ urls: UnsafePointer<UnsafePointer<CChar>?>?,
                        _ count: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let c: Crawler, list: [String]
    switch batchInputs(crawlerPtr, urls, count, out) {
    case .success(let v): (c, list) = v
    case .failure(let error): return failed(error)
    }
    do {
        out?.pointee = Handle.export(ResultListHandle(try c.crawl(list)))
        ThreadMessage.shared.clear()
        return ok
    } catch {
        return failed(error)
    }
}
