// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

extension Batch {
    /// Writes every result not yet handed out to `sink`, in the batch's order, as each one is
    /// ready. The sink is flushed after the first result, whenever results pause for `pause`
    /// seconds, whenever a written result has waited `pause` seconds in the sink's buffer
    /// (results that never pause, such as a long list failing fast, would otherwise wait for
    /// a full buffer), and at the end: a reader of a pipe never waits much longer than
    /// `pause`. The sink stays open: close it to end a JSON array.
    /// - Returns: how many results were written.
    /// - Throws: the sink's error (`io` for a full disk or a closed pipe); the batch is then
    ///   cancelled, since nobody can see its results.
    @discardableResult
    public func write(to sink: any ResultSink, flushAfter pause: Double = 0.02) throws(TrawlError) -> Int {
        var written = 0
        /// When the oldest result not yet flushed was written.
        var waiting: Double? = nil
        func put(_ r: CrawlResult) throws(TrawlError) {
            try sink.write(r)
            written += 1
            let now = MonotonicClock.now()
            if written == 1 || waiting.map({ now - $0 >= pause }) == true {
                try sink.flush()
                waiting = nil
            } else if waiting == nil {
                waiting = now
            }
        }
        do throws(TrawlError) {
            while true {
                switch next(timeout: pause) {
                case .result(let r):
                    try put(r)
                case .timedOut:
                    // Nothing new for a moment: out with what is written, then wait as long
                    // as it takes (no wake-up every `pause` while a slow page loads).
                    try sink.flush()
                    waiting = nil
                    guard case .result(let r) = next() else {
                        try sink.flush()
                        return written
                    }
                    try put(r)
                case .done:
                    try sink.flush()
                    return written
                }
            }
        } catch {
            cancel()
            throw error
        }
    }
}
