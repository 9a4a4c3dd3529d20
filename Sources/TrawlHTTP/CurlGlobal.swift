// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlCore

/// `curl_global_init`, run exactly once per process before the first handle is made.
///
/// libcurl 7.88's global init is not guaranteed thread-safe and `curl_easy_init` would call it
/// lazily (racing) otherwise; a Swift global `let` is initialised once, atomically.
enum CurlGlobal {
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Initialises libcurl if needed; throws if that failed.
    static func ensure() throws(TrawlError) {
        let code = initResult
        guard code == CURLE_OK else {
            throw TrawlError(.internalError, "curl_global_init failed: \(CurlErrors.strerror(code))")
        }
    }
}
