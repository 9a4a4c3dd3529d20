// SPDX-License-Identifier: Apache-2.0

import CCurl
public import TrawlCore

/// What the lanes of one batch in one process share through libcurl's share interface: the
/// DNS cache and TLS sessions (`CURL_LOCK_DATA_DNS`, `CURL_LOCK_DATA_SSL_SESSION`), each
/// behind a lock of its own, so that a new connection on one lane resumes the TLS session
/// another lane negotiated with the same host, and a name is resolved once per batch.
/// Connections stay per lane: libcurl does not support sharing them across threads.
///
/// `@unchecked Sendable`: the handle is written once in `init` and freed in `deinit`, when
/// no easy handle can use it any more (each `CurlEasy` holds its share); libcurl serialises
/// every use of the shared data through the share's lock callbacks (one mutex per data type).
public final class LaneShare: @unchecked Sendable {
    let handle: UnsafeMutablePointer<trawl_curl_share>

    /// `curl_share_init` with the DNS cache and TLS sessions shared.
    /// - Throws: `out_of_memory` when libcurl cannot make the share.
    public init() throws(TrawlError) {
        try CurlGlobal.ensure()
        guard let handle = trawl_curl_share_new(1, 1) else {
            throw TrawlError(.outOfMemory, "curl_share_init failed")
        }
        self.handle = handle
    }

    deinit {
        trawl_curl_share_free(handle)
    }
}
