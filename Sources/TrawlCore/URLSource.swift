// SPDX-License-Identifier: Apache-2.0

/// What a ``URLSource`` gives when asked for the next URL.
public enum URLSourceItem: Sendable {
    /// The next URL (any string: an invalid one gets a result of its own).
    case url(String)
    /// The input is over.
    case end
    /// Reading the input failed: it ends here; every URL read before still gets its result,
    /// and the batch reports the error once (`input_error`).
    case failed(TrawlError)
}

/// Where a streamed batch reads its URLs: pulled one at a time as the batch has room for
/// them, so neither the list nor its results are ever held whole (a file or standard input
/// of any length, a generator).
///
/// Threads: ``next()`` is called on the batch's intake thread, one call at a time, and may
/// block until a URL is there; it is not called again after it returned `.end` or `.failed`,
/// nor after the batch was cancelled.
public protocol URLSource: Sendable {
    /// The next URL, the end of the input, or why the input failed.
    func next() -> URLSourceItem

    /// Whether the batch, once cancelled, still reads this source to its end (without waiting
    /// for room) and gives each URL read a `cancelled` result. A source that has already
    /// accepted URLs from a producer (``URLFeed``) says `true`, so that no accepted URL is
    /// lost; its ``cancel()`` must then make ``next()`` stop blocking. A source that reads as
    /// it is asked (a file, standard input) says `false` (the default): the batch stops
    /// reading it, and may stop waiting for a ``next()`` blocked in a read.
    var drainsOnCancel: Bool { get }

    /// The batch was cancelled; called once, on the cancelling thread. The default does
    /// nothing.
    func cancel()
}

extension URLSource {
    public var drainsOnCancel: Bool { false }
    public func cancel() {}
}
