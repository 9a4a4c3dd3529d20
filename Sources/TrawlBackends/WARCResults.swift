// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
import TrawlHTTP
import TrawlWARC

/// The results of running a crawler's patterns over the response records of one WARC file
/// (``Crawler/extract(warc:firstIndex:)``), one per ``next()``, read from the file as they
/// are asked for: the CLI's `trawl extract`, C's `trawl_warc_next` and Python's
/// `extract_warc` are this one loop.
///
/// Each response is processed as a crawl processes a fetched page (``PageProcessor``: the
/// same content decoding, charset rules, patterns and `absolute_links`), so new patterns on
/// an old crawl give what a new crawl would. Requests, `warcinfo` and other records, and
/// redirects (a crawl's result is the page the redirect led to, archived after it) give no
/// result. A result's `url` and `final_url` are the record's `WARC-Target-URI`: the URL the
/// response came from (a crawl's `url` is the one submitted, before any redirect).
///
/// A damaged file ends the sequence early: every result before the damage is handed out and
/// ``error`` says why. Owns a `WARCReader` (its file) and a ``PageProcessor``: one thread at a time.
public final class WARCResults: Sequence, IteratorProtocol {
    /// The file, as given.
    public let path: String
    /// Why reading stopped before the file's end, nil while it did not: `input_error` for a
    /// truncated record, a damaged gzip member or bytes that are no WARC record (with the
    /// byte offset and the number of records read), `io` when reading failed.
    public private(set) var error: TrawlError? = nil

    private let reader: WARCReader
    private let processor: PageProcessor
    private let maxBytes: Int
    private var index: Int
    /// The first record, read by `init` to tell a WARC file from another.
    private var pending: WARCRecord?

    init(path: String, crawler: Crawler, firstIndex: Int) throws(TrawlError) {
        self.path = path
        reader = try WARCReader(path: path)
        // Refused here rather than as an empty sequence: a file that starts with no WARC
        // record (an HTML page, a journal) is not an archive with damage but a wrong file.
        switch try reader.next() {
        case .record(let r): pending = r
        case .end: pending = nil
        case .notWARC(let why):
            throw TrawlError(.inputError, why)
        case .damaged(let why):
            // A WARC file damaged in its first record: an archive with no record to read.
            pending = nil
            error = TrawlError(.inputError, why)
        }
        processor = PageProcessor(extractor: crawler.extractor, decode: crawler.options.decode,
                                  links: crawler.extractor.linkRewriter(crawler.options),
                                  observer: crawler.observer)
        maxBytes = crawler.options.maxBytes
        index = firstIndex
    }

    /// The result of the next response record; nil at the file's end or where reading
    /// stopped (then ``error`` says why).
    public func next() -> CrawlResult? {
        while true {
            let record: WARCRecord
            if let p = pending {
                pending = nil
                record = p
            } else {
                do throws(TrawlError) {
                    switch try reader.next() {
                    case .record(let r): record = r
                    case .end, .notWARC: return nil
                    case .damaged(let why):
                        error = TrawlError(.inputError, why)
                        return nil
                    }
                } catch {
                    self.error = error
                    return nil
                }
            }
            guard let response = record.archivedResponse(index: index, maxBytes: maxBytes) else { continue }
            index += 1
            return processor.result(for: response)
        }
    }

    /// The index the next result will have (``Crawler/extract(warc:firstIndex:)``'s
    /// `firstIndex` plus the results so far).
    public var nextIndex: Int { index }
}

extension Crawler {
    /// Runs the crawler's patterns over every response record of the WARC file at `path`
    /// (as `trawl crawl --warc` writes them: gzip per record; a whole-file `.warc.gz` or an
    /// uncompressed `.warc` too), with no network: see ``WARCResults``.
    /// - Parameters:
    ///   - firstIndex: the index of the first result (the next file of a series continues
    ///     where the last one stopped, ``WARCResults/nextIndex``).
    /// - Returns: the results, read from the file as they are iterated.
    /// - Throws: `io` when the file cannot be opened or read; `input_error` when it does not
    ///   start with a WARC record (an empty file is an archive without records).
    public func extract(warc path: String, firstIndex: Int = 0) throws(TrawlError) -> WARCResults {
        try WARCResults(path: path, crawler: self, firstIndex: firstIndex)
    }
}
