// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

extension Batch {
    /// Writes every result not yet handed out to `sink`, in the batch's order, as each one is
    /// ready; the sink is flushed whenever results pause for `pause` seconds (so a reader of a
    /// pipe never waits longer) and at the end. The sink stays open: close it to end a JSON
    /// array.
    /// - Returns: how many results were written.
    /// - Throws: the sink's error (`io` for a full disk or a closed pipe); the batch is then
    ///   cancelled, since nobody can see its results.
    @discardableResult
    public func write(to sink: any ResultSink, flushAfter pause: Double = 0.02) throws(TrawlError) -> Int {
        var written = 0
        do throws(TrawlError) {
            while true {
                switch next(timeout: pause) {
                case .result(let r):
                    try sink.write(r)
                    written += 1
                case .timedOut:
                    // Nothing new for a moment: out with what is written, then wait as long
                    // as it takes (no wake-up every `pause` while a slow page loads).
                    try sink.flush()
                    guard case .result(let r) = next() else {
                        try sink.flush()
                        return written
                    }
                    try sink.write(r)
                    written += 1
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
