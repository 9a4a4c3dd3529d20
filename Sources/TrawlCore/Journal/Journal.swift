// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif

/// A batch's journal (`journal=PATH`): every finished result appended as one JSON line, so
/// that a batch that died can be run again and skip what was done.
///
/// The file is a first line naming the batch (``JournalFingerprint``), then one
/// `{"index":N,"result":{…}}` line per result (the result as docs/json.md shows it). Lines go
/// to the file with `write(2)` as results arrive, so a killed process (even `kill -9`) loses
/// none that were written; `fdatasync` runs at most a second after a write and at ``close()``,
/// so a lost machine loses at most the last second. A torn last line (a write cut short) is
/// dropped when the journal is opened again, and the file cut back to its last whole line.
///
/// Results that say the run, not the URL, failed (`cancelled`, `internal`,
/// `backend_unavailable`, `io`) are not journaled: a resumption runs those URLs again.
///
/// Invariant behind `@unchecked Sendable`: every stored `var` is read and written only with
/// `lock` held (``append(_:)`` is called by several lanes at once).
public final class Journal: @unchecked Sendable {
    /// The journal file.
    public let path: String
    /// Results read back from an earlier run, by index (already checked against the batch's
    /// options; URLs are checked with ``check(index:url:)``).
    public let resumed: [Int: CrawlResult]

    private let lock = ConditionLock()
    private var fd: Int32
    private var recorded: Set<Int>
    private var dirty = false
    private var closed = false
    private var failure: TrawlError? = nil
    private var syncer: OSThread? = nil

    /// Errors that end a URL because of the run (a cancel, a lost backend, this journal
    /// failing), not because of the URL: never journaled, so that a resumption retries them.
    public static let unjournaled: Set<ErrorCode> = [.cancelled, .internalError, .backendUnavailable, .io]

    /// Opens (or creates) the journal at `path` for a batch with `fingerprint`, reading back
    /// the results of an earlier run.
    /// - Parameters:
    ///   - patterns, groups: the batch's patterns and their capturing groups (to read matches).
    /// - Throws: `io` when the file cannot be opened, read or written (with the system's
    ///   reason); `invalid_argument` when it is not a trawl journal, belongs to a batch with
    ///   other options or patterns (naming the first difference), or a line other than the
    ///   last is not a whole entry.
    public init(path: String, fingerprint: JournalFingerprint, patterns: [PatternSpec],
                groups: [Int]) throws(TrawlError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.systemError("cannot open journal '\(path)'") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw TrawlError(.io, "journal '\(path)' is not a regular file")
        }
        self.fd = fd
        do throws(TrawlError) {
            let bytes = try Self.readAll(fd, path: path)
            let (results, goodLength) = try Self.parse(bytes, path: path, fingerprint: fingerprint,
                                                      patterns: patterns, groups: groups)
            resumed = results
            recorded = Set(results.keys)
            if goodLength < bytes.count {
                // A torn last line: cut it off so that the next line starts on a line of its own.
                guard ftruncate(fd, off_t(goodLength)) == 0 else {
                    throw Self.systemError("cannot cut the torn last line of journal '\(path)'")
                }
            }
            if goodLength == 0 {
                var header: [UInt8] = Array(#"{"trawl_journal":1,"fingerprint":"#.utf8)
                JSON.appendString(fingerprint.digest, to: &header)
                header.append(contentsOf: #","settings":["#.utf8)
                for (i, s) in fingerprint.settings.enumerated() {
                    if i > 0 { header.append(UInt8(ascii: ",")) }
                    JSON.appendString(s, to: &header)
                }
                header.append(contentsOf: "]}\n".utf8)
                try Self.writeAll(fd, header, path: path)
                guard fdatasync(fd) == 0 else { throw Self.systemError("cannot sync journal '\(path)'") }
            }
        } catch {
            Glibc.close(fd)
            self.fd = -1
            throw error
        }
        syncer = try? OSThread(name: "trawl-journal") { [self] in syncLoop() }
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    // MARK: Checking the batch

    /// Checks that the journal's entry for `index`, if any, is for `url`: a journal of a
    /// batch with other URLs is refused (with streaming input, call it as each URL is read).
    /// - Throws: `invalid_argument` naming both URLs.
    public func check(index: Int, url: String) throws(TrawlError) {
        if let r = resumed[index], r.url != url {
            throw TrawlError(.invalidArgument,
                             "journal '\(path)' is of another batch: its URL \(index + 1) is \(r.url.debugDescription), this batch's is \(url.debugDescription)")
        }
    }

    /// Checks that the journal holds no entry past a batch of `total` URLs.
    /// - Throws: `invalid_argument` naming the first such entry.
    public func check(total: Int) throws(TrawlError) {
        if let beyond = resumed.keys.filter({ $0 >= total }).min() {
            throw TrawlError(.invalidArgument,
                             "journal '\(path)' is of another batch: it holds a result for URL \(beyond + 1), this batch has \(total)")
        }
    }

    // MARK: Writing

    /// Appends the results not journaled yet (each index once; see ``unjournaled``).
    /// - Throws: `io` when the write fails (a full disk): the first failure is kept, and
    ///   every later call throws it again without writing.
    public func append(_ results: [CrawlResult]) throws(TrawlError) {
        try lock.withLock { () throws(TrawlError) in
            if let failure { throw failure }
            guard !closed else { throw TrawlError(.invalidState, "journal '\(path)' is closed") }
            var out: [UInt8] = []
            for r in results where !(r.error.map { Self.unjournaled.contains($0.code) } ?? false) {
                guard recorded.insert(r.index).inserted else { continue }
                out.append(contentsOf: #"{"index":"#.utf8)
                out.append(contentsOf: String(r.index).utf8)
                out.append(contentsOf: #","result":"#.utf8)
                JSON.append(r, to: &out)
                out.append(contentsOf: "}\n".utf8)
            }
            guard !out.isEmpty else { return }
            do throws(TrawlError) { try Self.writeAll(fd, out, path: path) } catch {
                failure = error
                throw error
            }
            if !dirty {
                dirty = true
                lock.broadcast()
            }
        }
    }

    /// The first write or sync failure, if any.
    public var error: TrawlError? { lock.withLock { failure } }

    /// Syncs what was written and closes the file; later ``append(_:)`` calls throw.
    /// - Throws: `io` when a write or the final sync failed.
    public func close() throws(TrawlError) {
        let thread = lock.withLock { () -> OSThread? in
            closed = true
            lock.broadcast()
            let t = syncer
            syncer = nil
            return t
        }
        thread?.join()
        try lock.withLock { () throws(TrawlError) in
            guard fd >= 0 else { if let failure { throw failure }; return }
            if failure == nil && fdatasync(fd) != 0 { failure = Self.systemError("cannot sync journal '\(path)'") }
            _ = Glibc.close(fd)
            fd = -1
            if let failure { throw failure }
        }
    }

    /// Syncs within a second of the first write after each sync, until closed.
    private func syncLoop() {
        while true {
            let sync = lock.withLock { () -> Bool in
                _ = lock.wait(until: { self.dirty || self.closed }, deadline: nil)
                if closed { return false }
                return true
            }
            guard sync else { return }
            // Writes that arrive during the second are gathered into one sync.
            let deadline = MonotonicClock.now() + 1
            let stop = lock.withLock { () -> Bool in
                _ = lock.wait(until: { self.closed }, deadline: deadline)
                dirty = false
                return closed
            }
            if stop { return }  // close() syncs
            if fdatasync(fd) != 0 {
                let e = Self.systemError("cannot sync journal '\(path)'")
                lock.withLock { if failure == nil { failure = e } }
            }
        }
    }

    // MARK: Reading

    private static func parse(_ bytes: [UInt8], path: String, fingerprint: JournalFingerprint,
                              patterns: [PatternSpec], groups: [Int]) throws(TrawlError) -> ([Int: CrawlResult], Int) {
        var results: [Int: CrawlResult] = [:]
        var start = 0
        var line = 0
        var good = 0
        while start < bytes.count {
            guard let nl = bytes[start...].firstIndex(of: 0x0A) else {
                // No newline: a line torn by a crash while it was written. Dropped.
                break
            }
            line += 1
            let text = bytes[start..<nl]
            let value = JSONValue.parse(text)
            if line == 1 {
                guard let v = value, v["trawl_journal"]?.int == 1,
                      let settings = v["settings"]?.array?.compactMap(\.string) else {
                    throw TrawlError(.invalidArgument, "'\(path)' is not a trawl journal (its first line is not a journal header)")
                }
                let theirs = JournalFingerprint(settings: settings)
                guard theirs == fingerprint, v["fingerprint"]?.string == fingerprint.digest else {
                    throw TrawlError(.invalidArgument,
                                     "journal '\(path)' is of another batch: \(theirs.difference(from: fingerprint))")
                }
            } else {
                guard let v = value, let index = v["index"]?.int, index >= 0, let json = v["result"],
                      let r = CrawlResult(json: json, index: index, patterns: patterns, groups: groups) else {
                    throw TrawlError(.invalidArgument, "journal '\(path)': line \(line) is not a journal entry")
                }
                if results[index] == nil { results[index] = r }
            }
            start = nl + 1
            good = start
        }
        return (results, good)
    }

    private static func readAll(_ fd: Int32, path: String) throws(TrawlError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw systemError("cannot read journal '\(path)'") }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            offset += off_t(n)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(TrawlError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + done }, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw systemError("cannot write journal '\(path)'") }
            done += n
        }
    }

    private static func systemError(_ what: String) -> TrawlError {
        TrawlError(.io, "\(what): \(String(cString: strerror(errno)))")
    }
}
