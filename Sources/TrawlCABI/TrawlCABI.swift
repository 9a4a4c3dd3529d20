// SPDX-License-Identifier: Apache-2.0
import TrawlCore

@_cdecl("trawl_version_num")
public func trawl_version_num() -> Int32 { Version.number }
