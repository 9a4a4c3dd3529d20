// SPDX-License-Identifier: Apache-2.0

import TrawlCore

// MARK: - Version

/// `trawl_version`: the library's version string, static storage.
@_cdecl("trawl_version")
public func trawl_version() -> UnsafePointer<CChar> {
    StaticCStrings.shared.version
}

/// `trawl_version_num`: the library's version as `0xMMmmpp` (``Version/number``).
@_cdecl("trawl_version_num")
public func trawl_version_num() -> Int32 {
    Version.number
}

// MARK: - Status codes

/// `trawl_strerror`: ``ErrorCode/summary`` of `code` as a static C string; "unknown error" for
/// a code this library does not know.
@_cdecl("trawl_strerror")
public func trawl_strerror(_ code: Int32) -> UnsafePointer<CChar> {
    let s = StaticCStrings.shared
    return s.summaries[code] ?? s.unknownSummary
}

/// `trawl_status_name`: ``ErrorCode/name`` of `code` as a static C string; "unknown" for a code
/// this library does not know.
@_cdecl("trawl_status_name")
public func trawl_status_name(_ code: Int32) -> UnsafePointer<CChar> {
    let s = StaticCStrings.shared
    return s.names[code] ?? s.unknownName
}
