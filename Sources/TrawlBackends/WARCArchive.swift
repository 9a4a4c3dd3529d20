// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlHTTP
import TrawlWARC
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Records every page a lane fetched into WARC files (`warc` option): the request head as
/// libcurl sent it, the response head and the body exactly as received; before it, each
/// redirect followed on the way (its request, and its 3xx response's head without the body,
/// which libcurl reads and drops when it follows: `WARC-Truncated` when the head announced one).
///
/// Where the files are written: the thread backend's lanes share one writer in the batch's
/// process (`PATH-NNNNN.warc.gz`); each worker process of the process and cluster backends
/// writes files of its own (`PATH-PID-NNNNN.warc.gz`), as Heritrix and wget do, since shipping
/// every raw body back over the worker wire would double the traffic for a copy the host only
/// writes to disk.
struct WARCArchive: PageObserver {
    let writer: WARCWriter
    private let reported = Reported()

    /// The writer for a batch with `options`, `pid` naming a worker process's own files.
    static func writer(_ options: CrawlOptions, pid: Int32? = nil) -> WARCWriter? {
        guard let prefix = options.warc else { return nil }
        return WARCWriter(prefix: pid.map { "\(prefix)-\($0)" } ?? prefix, maxBytes: options.warcMaxBytes,
                          info: ["http-header-user-agent: \(options.userAgent)"])
    }

    func observe(_ page: ObservedPage, result: inout CrawlResult) {
        let r = page.response
        guard r.error == nil, r.status != nil, !r.responseHead.isEmpty else { return }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let date = Double(now.tv_sec)
        let hops = r.redirects.map { hop in
            WARCExchange(targetURI: hop.url, date: date, requestHead: hop.requestHead,
                         responseHead: Self.archived(hop.responseHead), payload: [],
                         truncated: Self.announcesBody(hop.responseHead))
        }
        let exchange = WARCExchange(targetURI: r.finalURL ?? r.url, date: date,
                                    requestHead: r.requestHead, responseHead: Self.archived(r.responseHead),
                                    payload: page.received)
        do throws(TrawlError) { for e in hops + [exchange] { try writer.write(e) } } catch {
            if reported.first() { Console.error("trawl: WARC archive stopped: \(error.message)\n") }
        }
    }

    /// Whether a response head announces a body: a `Content-Length` other than 0, or a
    /// `Transfer-Encoding`.
    static func announcesBody(_ head: [UInt8]) -> Bool {
        guard let message = HTTPMessage(block: head) else { return false }
        if !message.values("Transfer-Encoding").isEmpty { return true }
        return message.values("Content-Length").contains { $0 != "0" }
    }

    /// The response head as archived: libcurl removed the chunks of a chunked body, so its
    /// `Transfer-Encoding` is renamed (as wget and warcprox do) for readers not to de-chunk
    /// the payload again.
    static func archived(_ head: [UInt8]) -> [UInt8] {
        let name = Array("transfer-encoding:".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(head.count + 16)
        var lineStart = true
        var i = 0
        while i < head.count {
            if lineStart && head.count - i >= name.count
                && zip(head[i..<(i + name.count)], name).allSatisfy({ $0 | 0x20 == $1 || $0 == $1 }) {
                out.append(contentsOf: "X-Trawl-Original-".utf8)
            }
            lineStart = head[i] == 0x0A
            out.append(head[i])
            i += 1
        }
        return out
    }
}

/// Several observers in turn (the user's and the WARC archive).
struct PageObservers: PageObserver {
    let all: [any PageObserver]

    /// One observer for `list` without nils: nil, the only one, or all in turn.
    static func of(_ list: [(any PageObserver)?]) -> (any PageObserver)? {
        let present = list.compactMap { $0 }
        return present.count <= 1 ? present.first : PageObservers(all: present)
    }

    func observe(_ page: ObservedPage, result: inout CrawlResult) {
        for o in all { o.observe(page, result: &result) }
    }
}

/// Whether something was said already (one warning per archive, not one per page).
private final class Reported: Sendable {
    private let said = Atomic<Bool>(false)
    func first() -> Bool { !said.exchange(true, ordering: .relaxed) }
}
