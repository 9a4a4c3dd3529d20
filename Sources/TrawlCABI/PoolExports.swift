// SPDX-License-Identifier: Apache-2.0

import TrawlBackends

/// `trawl_pool_shutdown`: ``WorkerPool/shutdown()``, ends the process backend's idle workers.
@_cdecl("trawl_pool_shutdown")
public func trawl_pool_shutdown() -> Int32 {
    WorkerPool.shutdown()
    return 0
}
