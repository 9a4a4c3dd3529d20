// SPDX-License-Identifier: Apache-2.0

import TrawlBackends
import TrawlCore

// Extraction from WARC files (trawl_warc_open, trawl_warc_next, trawl_warc_close): pull-style,
// as trawl_batch_next, over ``Crawler/extract(warc:firstIndex:)``.

/// What a `trawl_warc_reader *` points to. One thread at a time (the header's rule), so its
/// state needs no lock.
final class WARCReaderHandle {
    let results: WARCResults
    /// The message of the error `trawl_warc_next` returned, valid until `trawl_warc_close`.
    let lastError = MessageSlot()
    /// Whether that error was returned: it is returned once, then `TRAWL_DONE`.
    var reported = false

    init(_ results: WARCResults) {
        self.results = results
    }
}

/// `trawl_warc_open`: ``Crawler/extract(warc:firstIndex:)``.
@_cdecl("trawl_warc_open")
public func trawl_warc_open(_ crawlerPtr: OpaquePointer?, _ path: UnsafePointer<CChar>?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return failed(TrawlError(.invalidArgument, "out is NULL")) }
    out.pointee = nil
    guard let path else { return failed(TrawlError(.invalidArgument, "path is NULL")) }
    return exportFromCrawler(crawlerPtr, out) { (c) throws(TrawlError) in
        WARCReaderHandle(try c.extract(warc: String(cString: path)))
    }
}

/// `trawl_warc_next`: ``WARCResults/next()``; its ``WARCResults/error`` returned once.
@_cdecl("trawl_warc_next")
public func trawl_warc_next(_ reader: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return invalidArgument }
    out.pointee = nil
    guard let h = Handle.object(reader, as: WARCReaderHandle.self) else { return invalidArgument }
    if let r = h.results.next() {
        out.pointee = Handle.export(ResultHandle(r, borrowed: false))
        return ok
    }
    if let e = h.results.error, !h.reported {
        h.reported = true
        h.lastError.set(e.message)
        return e.code.status
    }
    return ErrorCode.done.status
}

/// `trawl_warc_last_error`: the message of the error `trawl_warc_next` returned, `""` before.
@_cdecl("trawl_warc_last_error")
public func trawl_warc_last_error(_ reader: OpaquePointer?) -> UnsafePointer<CChar> {
    guard let h = Handle.object(reader, as: WARCReaderHandle.self) else { return StaticCStrings.shared.nullHandle }
    return h.lastError.pointer
}

/// `trawl_warc_close`: closes the file and drops the reader; results handed out stay valid.
@_cdecl("trawl_warc_close")
public func trawl_warc_close(_ reader: OpaquePointer?) {
    Handle.release(reader, as: WARCReaderHandle.self)
}
