// SPDX-License-Identifier: Apache-2.0

public import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads WARC files, gzip-compressed (member per record, or any members) or not, record by
/// record: a file never has to fit in memory, only its largest record.
public enum WARCReader {
    /// Calls `each` with every record of the file at `path`, in order.
    /// - Returns: nil when the whole file was read; otherwise why reading stopped early (a
    ///   truncated record, a damaged gzip member, bytes that are no WARC record), with every
    ///   record before that point already handed to `each`.
    /// - Throws: `io` when the file cannot be opened or read.
    public static func read(path: String, _ each: (WARCRecord) -> Void) throws(TrawlError) -> String? {
        guard let f = fopen(path, "rb") else {
            throw TrawlError(.io, "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var buffer: [UInt8] = []
        var start = 0
        var gzip: GzipMemberReader? = nil
        var first = true
        var records = 0
        var consumed = 0  // bytes of the (decompressed) stream before `buffer`
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n == 0 && ferror(f) != 0 {
                throw TrawlError(.io, "error reading '\(path)': \(String(cString: strerror(errno)))")
            }
            if first && n > 0 {
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
            // Every whole record in the buffer.
            parsing: while true {
                switch parse(buffer, from: start) {
                case .record(let r, let end):
                    each(r)
                    records += 1
                    start = end
                case .incomplete:
                    break parsing
                case .invalid(let why):
                    return "'\(path)': \(why) at byte \(consumed + start) (after record \(records)); reading of this file stops there"
                }
            }
            if start > 1 << 20 {
                consumed += start
                buffer.removeFirst(start)
                start = 0
            }
            if n == 0 {
                let rest = buffer[start...].drop { [0x0D, 0x0A].contains($0) }
                if !rest.isEmpty {
                    return "'\(path)': record \(records + 1) is truncated (the file ends inside it); the \(records) records before it were read"
                }
                if let gzip, !gzip.atMemberEnd {
                    return "'\(path)': the last gzip member is cut short; the \(records) records before it were read"
                }
                return nil
            }
        }
    }

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
        if b.count - i < magic.count { return b[i...].elementsEqual(magic.prefix(b.count - i)) ? .incomplete : .invalid("no WARC record") }
        guard b[i..<(i + magic.count)].elementsEqual(magic) else { return .invalid("no WARC record") }
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
