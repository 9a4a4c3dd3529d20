// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a WARC file, gzip-compressed (member per record, or any members: a whole-file
/// `.warc.gz` too) or not, one record per ``next()``: a file never has to fit in memory,
/// only its largest record. Pull-style, so that the C API (`trawl_warc_next`) and the Swift
/// sequence of results read it at their consumer's pace.
///
/// Owns a `FILE` and a zlib stream: one thread at a time.
public final class WARCReader {
    /// What ``next()`` gives.
    public enum Item {
        /// The next record.
        case record(WARCRecord)
        /// The file was read to its end.
        case end
        /// Reading stopped early: a truncated record, a damaged gzip member, bytes that are no
        /// WARC record. Every record before it was handed out; the message names the file,
        /// where and why. Later calls give `.end`.
        case damaged(String)
        /// The file does not start with a WARC record (an HTML page, a JSON file): the first
        /// call says so, later ones give `.end`.
        case notWARC(String)
    }

    /// The file's path, as given.
    public let path: String
    /// Records handed out so far.
    public private(set) var records = 0

    private var file: UnsafeMutablePointer<FILE>?
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var buffer: [UInt8] = []
    private var start = 0
    private var gzip: GzipMemberReader? = nil
    private var first = true
    private var atEOF = false
    private var finished = false
    /// Bytes of the (decompressed) stream before `buffer`.
    private var consumed = 0

    /// Opens the file at `path`; nothing is read yet.
    /// - Throws: `io` when it cannot be opened (with the system's reason).
    public init(path: String) throws(TrawlError) {
        self.path = path
        guard let f = fopen(path, "rb") else {
            throw TrawlError(.io, "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        file = f
    }

    deinit {
        if let file { fclose(file) }
    }

    /// The next record, the end of the file, or why reading stopped.
    /// - Throws: `io` when reading fails (the file is then closed; later calls give `.end`).
    public func next() throws(TrawlError) -> Item {
        guard !finished else { return .end }
        while true {
            switch Self.parse(buffer, from: start) {
            case .record(let r, let end):
                records += 1
                start = end
                return .record(r)
            case .invalid(let why):
                if records == 0 && consumed + start == 0 && why == Self.noRecord {
                    return stop(.notWARC("'\(path)' is not a WARC file (it does not start with a WARC record)"))
                }
                return stop(.damaged("'\(path)': \(why) at byte \(consumed + start) (after record \(records)); reading of this file stops there"))
            case .incomplete:
                break
            }
            if atEOF {
                let rest = buffer[start...].drop { [0x0D, 0x0A].contains($0) }
                if !rest.isEmpty {
                    return stop(.damaged("'\(path)': record \(records + 1) is truncated (the file ends inside it); the \(records) records before it were read"))
                }
                if let gzip, !gzip.atMemberEnd {
                    return stop(.damaged("'\(path)': the last gzip member is cut short; the \(records) records before it were read"))
                }
                return stop(.end)
            }
            if let why = try fill() { return stop(.damaged(why)) }
        }
    }

    /// Reads one chunk of the file into `buffer` (inflated when the file is gzip).
    /// - Returns: why the file is damaged, or nil.
    private func fill() throws(TrawlError) -> String? {
        guard let file else { atEOF = true; return nil }
        if start > 1 << 20 {
            consumed += start
            buffer.removeFirst(start)
            start = 0
        }
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n == 0 && ferror(file) != 0 {
            let e = TrawlError(.io, "error reading '\(path)': \(String(cString: strerror(errno)))")
            _ = stop(.end)
            throw e
        }
        if n == 0 { atEOF = true; return nil }
        if first {
            first = false
            if n >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B { gzip = GzipMemberReader() }
        }
        if let gzip {
            do throws(TrawlError) { try gzip.feed(chunk[0..<n], into: &buffer) } catch {
                return "'\(path)': \(error.message) after record \(records); reading of this file stops there"
            }
        } else {
            buffer.append(contentsOf: chunk[0..<n])
        }
        return nil
    }

    /// Ends the reading: the file is closed, the buffers dropped, later calls give `.end`.
    private func stop(_ item: Item) -> Item {
        finished = true
        if let file { fclose(file) }
        file = nil
        buffer = []
        start = 0
        gzip = nil
        return item
    }

    /// Calls `each` with every record of the file at `path`, in order.
    /// - Returns: nil when the whole file was read; otherwise why reading stopped early (a
    ///   truncated record, a damaged gzip member, bytes that are no WARC record), with every
    ///   record before that point already handed to `each`.
    /// - Throws: `io` when the file cannot be opened or read.
    public static func read(path: String, _ each: (WARCRecord) -> Void) throws(TrawlError) -> String? {
        let reader = try WARCReader(path: path)
        while true {
            switch try reader.next() {
            case .record(let r): each(r)
            case .end: return nil
            case .damaged(let why), .notWARC(let why): return why
            }
        }
    }

    private static let noRecord = "no WARC record"

    private enum Parse {
        case record(WARCRecord, end: Int)
        case incomplete
        case invalid(String)
    }

    /// One record at `start`: the version line, fields, a blank line, Content-Length bytes
    /// of block and the two line ends after it.
    private static func parse(_ b: [UInt8], from start: Int) -> Parse {
        var i = start
        while i < b.count && (b[i] == 0x0D || b[i] == 0x0A) { i += 1 }
        guard i < b.count else { return .incomplete }
        let magic = Array("WARC/".utf8)
        if b.count - i < magic.count { return b[i...].elementsEqual(magic.prefix(b.count - i)) ? .incomplete : .invalid(noRecord) }
        guard b[i..<(i + magic.count)].elementsEqual(magic) else { return .invalid(noRecord) }
        // The head ends at the first blank line; a head over 1 MiB is not a WARC head.
        var end = i
        var found = false
        while end + 3 < b.count {
            if b[end] == 0x0D && b[end + 1] == 0x0A && b[end + 2] == 0x0D && b[end + 3] == 0x0A { found = true; break }
            end += 1
        }
        guard found else { return end - i > 1 << 20 ? .invalid("a WARC head over 1 MiB") : .incomplete }
        let head = String(decoding: b[i..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n").dropFirst()
        var fields: [(name: String, value: String)] = []
        var length: Int? = nil
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .invalid("a WARC field without a colon") }
            let name = String(line[..<colon]), value = line[line.index(after: colon)...].trimmingSpaces()
            if name.lowercased() == "content-length" { length = Int(value) } else { fields.append((name, value)) }
        }
        guard let length, length >= 0 else { return .invalid("a WARC record without a valid Content-Length") }
        let blockStart = end + 4
        guard b.count >= blockStart + length + 4 else { return .incomplete }
        let block = Array(b[blockStart..<(blockStart + length)])
        return .record(WARCRecord(fields: fields, block: block), end: blockStart + length + 4)
    }
}
