// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
public import TrawlDecode
public import TrawlHTTP

/// One fetched page as a ``PageObserver`` sees it, on a matcher thread, before the body is
/// dropped: the only moment headers and bytes exist, since bodies never cross a worker wire.
public struct ObservedPage: Sendable {
    /// The response: URL, final URL, status, Content-Type, elapsed time, its header fields
    /// (``FetchResponse/headers``, kept because an observer is installed) and its body.
    public let response: FetchResponse
    /// The body bytes as they arrived, before their Content-Encoding was removed
    /// (``FetchResponse/rawBody``: WARC's payload).
    public let received: [UInt8]
    /// The body decoded to text, nil when the transfer failed.
    public let decoded: DecodedText?
}

/// Sees every page a lane fetched and may amend its result (link resolution rewrites
/// matches; a WARC writer only records). Called on the batch's matcher threads, several at
/// once: an implementation must be thread-safe, and quick, since the next page waits for its
/// thread.
///
/// Lanes are threads of this process only on backends with
/// ``BackendCapabilities/inProcess``: ``Crawler`` refuses an observer on the others.
public protocol PageObserver: Sendable {
    /// - Parameters:
    ///   - page: the response, its bytes as received and as decoded text.
    ///   - result: the page's result, matches extracted; changes are what the consumer gets.
    func observe(_ page: ObservedPage, result: inout CrawlResult)
}
