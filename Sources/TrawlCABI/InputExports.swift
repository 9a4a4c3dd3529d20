// SPDX-License-Identifier: Apache-2.0

import TrawlBackends
import TrawlCore

// Batches whose URLs arrive while they run: pushed (trawl_batch_open, trawl_batch_add,
// trawl_batch_close_input) or pulled from a C callback (trawl_batch_start_source).

/// A C `trawl_url_source_fn` as a ``URLSource``, called on the batch's intake thread.
///
/// `@unchecked Sendable`: the intake calls `next()` one call at a time (the protocol's rule),
/// and `userData` is opaque to trawl, only handed back to `fn`; the header makes the caller
/// keep it valid until the batch is freed.
private final class CallbackSource: URLSource, @unchecked Sendable {
    typealias Function = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32
    let fn: Function
    let userData: UnsafeMutableRawPointer?

    init(fn: @escaping Function, userData: UnsafeMutableRawPointer?) {
        self.fn = fn
        self.userData = userData
    }

    func next() -> URLSourceItem {
        var url: UnsafePointer<CChar>? = nil
        let rc = fn(userData, &url)
        switch rc {
        case 1:
            guard let url else { return .failed(TrawlError(.inputError, "the URL source returned 1 with a NULL URL")) }
            return .url(String(cString: url))
        case 0:
            return .end
        default:
            let reason = url.map { String(cString: $0) } ?? ""
            return .failed(TrawlError(.inputError, reason.isEmpty ? "the URL source failed (returned \(rc))"
                                                                  : "the URL source failed: \(reason)"))
        }
    }
}

/// Starts a batch for `trawl_batch_start_source` and `trawl_batch_open` alike.
private func startBatch(_ crawlerPtr: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                        _ make: (Crawler, ProgressSlot) throws(TrawlError) -> BatchHandle) -> Int32 {
    exportFromCrawler(crawlerPtr, out) { (c) throws(TrawlError) in try make(c, ProgressSlot()) }
}

/// `trawl_batch_start_source`: ``Crawler/start(source:onProgress:)`` over a C callback.
@_cdecl("trawl_batch_start_source")
public func trawl_batch_start_source(_ crawlerPtr: OpaquePointer?,
                                     _ fn: (@convention(c) (UnsafeMutableRawPointer?,
                                                            UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32)?,
                                     _ userData: UnsafeMutableRawPointer?,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let fn else {
        out?.pointee = nil
        return failed(TrawlError(.invalidArgument, "the URL source function is NULL"))
    }
    return startBatch(crawlerPtr, out) { c, slot throws(TrawlError) in
        let b = try c.start(source: CallbackSource(fn: fn, userData: userData), onProgress: { p in slot.fire(p) })
        return BatchHandle(batch: b, progress: slot)
    }
}

/// `trawl_batch_open`: ``Crawler/open(capacity:onProgress:)``.
@_cdecl("trawl_batch_open")
public func trawl_batch_open(_ crawlerPtr: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    startBatch(crawlerPtr, out) { c, slot throws(TrawlError) in
        let (b, feed) = try c.open(onProgress: { p in slot.fire(p) })
        return BatchHandle(batch: b, progress: slot, feed: feed)
    }
}

/// `trawl_batch_add`: ``URLFeed/add(_:timeout:)`` with a timeout in milliseconds (< 0: none).
@_cdecl("trawl_batch_add")
public func trawl_batch_add(_ b: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ timeoutMs: Int64) -> Int32 {
    guard let h = batch(b), let url else { return invalidArgument }
    guard let feed = h.feed else { return ErrorCode.invalidState.status }
    switch feed.add(String(cString: url), timeout: timeoutMs < 0 ? nil : Double(timeoutMs) / 1000) {
    case .added: return ok
    case .timedOut: return ErrorCode.timedOut.status
    case .closed: return ErrorCode.invalidState.status
    case .cancelled: return ErrorCode.cancelled.status
    }
}

/// `trawl_batch_close_input`: ``URLFeed/close()``.
@_cdecl("trawl_batch_close_input")
public func trawl_batch_close_input(_ b: OpaquePointer?) -> Int32 {
    guard let h = batch(b) else { return invalidArgument }
    guard let feed = h.feed else { return ErrorCode.invalidState.status }
    feed.close()
    return ok
}

/// `trawl_batch_input_error`: ``Batch/inputError``'s message, or NULL.
@_cdecl("trawl_batch_input_error")
public func trawl_batch_input_error(_ b: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = batch(b), let e = h.batch.inputError else { return nil }
    h.inputError.set(e.message)
    return h.inputError.pointer
}
