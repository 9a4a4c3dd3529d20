// SPDX-License-Identifier: Apache-2.0

import TrawlCore

private func result(_ p: OpaquePointer?) -> ResultHandle? {
    Handle.object(p, as: ResultHandle.self)
}

/// `trawl_result_index`: ``CrawlResult/index``.
@_cdecl("trawl_result_index")
public func trawl_result_index(_ r: OpaquePointer?) -> Int {
    result(r)?.result.index ?? 0
}

/// `trawl_result_url`: ``CrawlResult/url``.
@_cdecl("trawl_result_url")
public func trawl_result_url(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = result(r) else { return nil }
    return h.pointer(h.url)
}

/// `trawl_result_final_url`: ``CrawlResult/finalURL``.
@_cdecl("trawl_result_final_url")
public func trawl_result_final_url(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = result(r), let s = h.finalURL else { return nil }
    return h.pointer(s)
}

/// `trawl_result_status`: ``CrawlResult/status``, -1 when none.
@_cdecl("trawl_result_status")
public func trawl_result_status(_ r: OpaquePointer?) -> Int32 {
    guard let s = result(r)?.result.status else { return -1 }
    return Int32(clamping: s)
}

/// `trawl_result_content_type`: ``CrawlResult/contentType``.
@_cdecl("trawl_result_content_type")
public func trawl_result_content_type(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = result(r), let s = h.contentType else { return nil }
    return h.pointer(s)
}

/// `trawl_result_charset`: ``CrawlResult/charset``.
@_cdecl("trawl_result_charset")
public func trawl_result_charset(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = result(r), let s = h.charset else { return nil }
    return h.pointer(s)
}

/// `trawl_result_bytes`: ``CrawlResult/bytes``.
@_cdecl("trawl_result_bytes")
public func trawl_result_bytes(_ r: OpaquePointer?) -> Int64 {
    Int64(result(r)?.result.bytes ?? 0)
}

/// `trawl_result_elapsed`: ``CrawlResult/elapsed`` in seconds.
@_cdecl("trawl_result_elapsed")
public func trawl_result_elapsed(_ r: OpaquePointer?) -> Double {
    result(r)?.result.elapsed ?? 0
}

/// `trawl_result_attempts`: ``CrawlResult/attempts``.
@_cdecl("trawl_result_attempts")
public func trawl_result_attempts(_ r: OpaquePointer?) -> Int32 {
    Int32(clamping: result(r)?.result.attempts ?? 0)
}

/// `trawl_result_depth`: ``CrawlResult/depth`` (0 for a seed, and outside follow mode).
@_cdecl("trawl_result_depth")
public func trawl_result_depth(_ r: OpaquePointer?) -> Int32 {
    Int32(clamping: result(r)?.result.depth ?? 0)
}

/// `trawl_result_parent`: ``CrawlResult/parent``, -1 for a seed (and outside follow mode).
@_cdecl("trawl_result_parent")
public func trawl_result_parent(_ r: OpaquePointer?) -> Int64 {
    Int64(result(r)?.result.parent ?? -1)
}

/// `trawl_result_parent_url`: ``CrawlResult/parentURL``, NULL for a seed.
@_cdecl("trawl_result_parent_url")
public func trawl_result_parent_url(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = result(r), let s = h.parentURL else { return nil }
    return h.pointer(s)
}

/// `trawl_result_error`: the code of ``CrawlResult/error``, `TRAWL_OK` when none.
@_cdecl("trawl_result_error")
public func trawl_result_error(_ r: OpaquePointer?) -> Int32 {
    guard let h = result(r) else { return invalidArgument }
    return h.result.error?.code.status ?? ok
}

/// `trawl_result_error_message`: the message of ``CrawlResult/error``, `""` when none.
@_cdecl("trawl_result_error_message")
public func trawl_result_error_message(_ r: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = result(r) else { return nil }
    return h.pointer(h.errorMessage)
}

/// `trawl_result_pattern_count`: the number of ``CrawlResult/matches`` entries.
@_cdecl("trawl_result_pattern_count")
public func trawl_result_pattern_count(_ r: OpaquePointer?) -> Int {
    result(r)?.patternNames.count ?? 0
}

/// `trawl_result_pattern_name`: ``PatternMatches/name`` of pattern `p`.
@_cdecl("trawl_result_pattern_name")
public func trawl_result_pattern_name(_ r: OpaquePointer?, _ p: Int) -> UnsafePointer<CChar>? {
    guard let h = result(r), p >= 0, p < h.patternNames.count else { return nil }
    return h.pointer(h.patternNames[p])
}

/// `trawl_result_match_count`: the number of ``PatternMatches/matches`` of pattern `p`.
@_cdecl("trawl_result_match_count")
public func trawl_result_match_count(_ r: OpaquePointer?, _ p: Int) -> Int {
    guard let h = result(r), p >= 0, p < h.matchCounts.count else { return 0 }
    return h.matchCounts[p]
}

/// `trawl_result_group_count`: ``PatternMatches/groups`` of pattern `p`.
@_cdecl("trawl_result_group_count")
public func trawl_result_group_count(_ r: OpaquePointer?, _ p: Int) -> Int {
    guard let h = result(r), p >= 0, p < h.groupCounts.count else { return 0 }
    return h.groupCounts[p]
}

/// `trawl_result_match`: string `j` of match `i` of pattern `p` as (pointer, length).
@_cdecl("trawl_result_match")
public func trawl_result_match(_ r: OpaquePointer?, _ p: Int, _ i: Int, _ j: Int,
                               _ ptr: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                               _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    ptr?.pointee = nil
    len?.pointee = 0
    guard let h = result(r), let ptr, let len,
          let span = h.match(pattern: p, match: i, group: j) else { return invalidArgument }
    ptr.pointee = h.pointer(span)
    len.pointee = span.length
    return ok
}

/// `trawl_result_match_raw`: match `i` of pattern `p` as written in the page, before
/// ``CrawlOptions/absoluteLinks`` resolved it (``CrawlResult/rawMatches``); the match itself
/// for a pattern it does not name.
@_cdecl("trawl_result_match_raw")
public func trawl_result_match_raw(_ r: OpaquePointer?, _ p: Int, _ i: Int,
                                   _ ptr: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                   _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    ptr?.pointee = nil
    len?.pointee = 0
    guard let h = result(r), let ptr, let len, let span = h.rawMatch(pattern: p, match: i) else { return invalidArgument }
    ptr.pointee = h.pointer(span)
    len.pointee = span.length
    return ok
}

/// `trawl_result_match_unresolved`: 1 when match `i` of pattern `p` could not be resolved and
/// stays as written (``PatternMatches/unresolved``), else 0.
@_cdecl("trawl_result_match_unresolved")
public func trawl_result_match_unresolved(_ r: OpaquePointer?, _ p: Int, _ i: Int) -> Int32 {
    guard let h = result(r), p >= 0, p < h.unresolved.count else { return 0 }
    return h.unresolved[p].contains(i) ? 1 : 0
}

/// `trawl_result_json`: ``JSON/render(_:)`` of the result, cached in the handle.
@_cdecl("trawl_result_json")
public func trawl_result_json(_ r: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    len?.pointee = 0
    guard let h = result(r) else { return nil }
    let (p, n) = h.jsonPointer()
    len?.pointee = n
    return p
}

/// `trawl_result_free`: drops a result the caller owns; results lent by a list or a callback
/// are left alone, so that a mistaken free cannot destroy what the list still holds.
@_cdecl("trawl_result_free")
public func trawl_result_free(_ r: OpaquePointer?) {
    guard let h = result(r), !h.borrowed else { return }
    Handle.release(r, as: ResultHandle.self)
}

// MARK: - Result lists

private func list(_ p: OpaquePointer?) -> ResultListHandle? {
    Handle.object(p, as: ResultListHandle.self)
}

/// `trawl_result_list_count`: the number of results.
@_cdecl("trawl_result_list_count")
public func trawl_result_list_count(_ l: OpaquePointer?) -> Int {
    list(l)?.results.count ?? 0
}

/// `trawl_result_list_get`: result `i`, lent until the list is freed.
@_cdecl("trawl_result_list_get")
public func trawl_result_list_get(_ l: OpaquePointer?, _ i: Int) -> OpaquePointer? {
    guard let h = list(l), i >= 0, i < h.results.count else { return nil }
    return OpaquePointer(Unmanaged.passUnretained(h.results[i]).toOpaque())
}

/// `trawl_result_list_json`: every result as JSON lines, cached in the handle.
@_cdecl("trawl_result_list_json")
public func trawl_result_list_json(_ l: OpaquePointer?, _ len: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    len?.pointee = 0
    guard let h = list(l) else { return nil }
    let (p, n) = h.jsonLines()
    len?.pointee = n
    return p
}

/// `trawl_result_list_free`: drops the list and its results.
@_cdecl("trawl_result_list_free")
public func trawl_result_list_free(_ l: OpaquePointer?) {
    Handle.release(l, as: ResultListHandle.self)
}
