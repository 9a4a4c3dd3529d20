// SPDX-License-Identifier: Apache-2.0

import TrawlCore

/// Where ``URLIntake`` puts the URLs it reads: the thread backend's ``LaneFrontier``, or an
/// ``IntakeInbox`` that the process backend's dispatcher or the cluster submitter empties.
protocol IntakeTarget: Sendable {
    /// URL number n of the batch (they come in order). With `fetch` false it only takes its
    /// index: its result comes from elsewhere (the journal, or a copy's with `dedupe`).
    func add(_ url: String, fetch: Bool)
    /// No more URLs.
    func close()
}

extension LaneFrontier: IntakeTarget {}

/// Reads a streamed batch's ``URLSource`` on a thread of its own (a source may block, lanes
/// and the dispatcher must not), into the batch and its backend's frontier, pausing while
/// the batch holds ``window(concurrency:)`` URLs whose results the consumer has not taken:
/// that bounds the URLs waiting to run, the input-order reorder buffer and the results
/// queued for a slow consumer, whatever the input's length.
///
/// With a journal, each URL is compared with the journal's entry at its index as it is read
/// (the input is never read whole): a journaled URL is not fetched, its result is handed out
/// in its place; a URL other than the journal's ends the input there as `input_error` with
/// the journal's message, as does a journal holding entries past the input's end. Every URL
/// read before the mismatch still gets its result.
struct URLIntake: Sendable {
    let source: any URLSource
    let hub: BatchHub
    let frontier: any IntakeTarget

    /// URLs read ahead of the consumer: enough to keep every transfer busy while results
    /// wait in the reorder buffer behind a slow URL.
    static func window(concurrency: Int) -> Int { max(1024, 4 * max(1, concurrency)) }

    /// Reads until the source ends or fails or the batch is cancelled, then closes the
    /// frontier and the collector.
    func run() {
        let window = Self.window(concurrency: hub.options.concurrency > 0 ? hub.options.concurrency : hub.options.maxConcurrency)
        var ended: TrawlError?
        var index = 0
        reading: while !hub.isCancelled {
            // Timed waits, so that a cancel is noticed while the consumer reads nothing.
            guard hub.collector.waitForRoom(window: window, deadline: MonotonicClock.now() + 0.1) else {
                continue
            }
            switch source.next() {
            case .url(let url):
                if hub.isCancelled {
                    // Read before the cancel was seen: it is the batch's all the same, and gets
                    // its `cancelled` result from the finish (it was lost: a feed's 50th URL,
                    // accepted, had no result when the cancel came between next() and here).
                    _ = hub.streamed(url, index: index)
                    index += 1
                    break reading
                }
                do throws(TrawlError) { try hub.journal?.check(index: index, url: url) } catch {
                    ended = TrawlError(.inputError, error.message)
                    break reading
                }
                // The collector expects the result before any lane can produce it.
                let fetch = hub.streamed(url, index: index)
                frontier.add(url, fetch: fetch)
                index += 1
            case .end:
                do throws(TrawlError) { try hub.journal?.check(total: index) } catch {
                    ended = TrawlError(.inputError, error.message)
                }
                break reading
            case .failed(let e):
                ended = TrawlError(.inputError, e.message)
                break reading
            }
        }
        if hub.isCancelled && source.drainsOnCancel {
            // The URLs the source accepted before the cancel: each gets its `cancelled`
            // result from the batch's finish, none is fetched.
            while case .url(let url) = source.next() {
                _ = hub.streamed(url, index: index)
                index += 1
            }
        }
        frontier.close()
        hub.inputEnded(ended)
    }
}
