// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlCore

/// Owns one `CURLM` handle.
///
/// `@unchecked Sendable`: only ``wakeup()`` (`curl_multi_wakeup`, documented as callable from
/// any thread) is ever called from a thread other than the lane's; every other method is
/// called only by the thread running ``FetchLane/run(inFlight:next:isCancelled:complete:)``.
/// The handle is cleaned up in `deinit`, when no ``LaneWaker`` can reach it any more.
final class CurlMulti: @unchecked Sendable {
    /// The `CURLM *`: libcurl declares it `void`, so Swift sees a raw pointer.
    let handle: UnsafeMutableRawPointer

    /// `curl_multi_init`.
    init() throws(TrawlError) {
        try CurlGlobal.ensure()
        guard let handle = curl_multi_init() else {
            throw TrawlError(.outOfMemory, "curl_multi_init failed")
        }
        self.handle = handle
    }

    deinit {
        curl_multi_cleanup(handle)
    }

    /// `curl_multi_setopt(CURLMOPT_MAX_HOST_CONNECTIONS)`; 0 means no limit.
    func setMaxHostConnections(_ limit: Int) throws(TrawlError) {
        let code = trawl_curl_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, limit)
        guard code == CURLM_OK else {
            throw TrawlError(.invalidArgument,
                             "CURLMOPT_MAX_HOST_CONNECTIONS \(limit): \(Self.strerror(code))")
        }
    }

    /// `curl_multi_add_handle`.
    func add(_ easy: CurlEasy) -> CURLMcode {
        curl_multi_add_handle(handle, easy.handle)
    }

    /// `curl_multi_remove_handle`: also aborts the easy handle's transfer if it is running.
    func remove(_ easy: CurlEasy) {
        curl_multi_remove_handle(handle, easy.handle)
    }

    /// `curl_multi_perform`: drives every transfer as far as it can go without blocking.
    func perform() -> CURLMcode {
        var running: Int32 = 0
        return curl_multi_perform(handle, &running)
    }

    /// `curl_multi_poll`: sleeps until a socket is ready, libcurl's next timer, ``wakeup()``,
    /// or `timeoutMs`, whichever comes first.
    func poll(timeoutMs: Int32) -> CURLMcode {
        var ready: Int32 = 0
        return curl_multi_poll(handle, nil, 0, timeoutMs, &ready)
    }

    /// `curl_multi_wakeup`: any thread.
    func wakeup() {
        curl_multi_wakeup(handle)
    }

    /// `curl_multi_info_read`: the next finished transfer, as its easy handle and result.
    func nextDone() -> (easy: UnsafeMutableRawPointer, result: CURLcode)? {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(handle, &queued) {
            let msg = message.pointee
            if msg.msg == CURLMSG_DONE, let easy = msg.easy_handle {
                return (easy, msg.data.result)
            }
        }
        return nil
    }

    /// `curl_multi_strerror`.
    static func strerror(_ code: CURLMcode) -> String {
        guard let text = curl_multi_strerror(code) else { return "CURLM error \(code.rawValue)" }
        return String(cString: text)
    }
}
