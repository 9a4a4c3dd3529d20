// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif
public import TrawlCore
import Synchronization

/// The cookies of one batch in one process (`cookies`, `cookie_file`), behind one lock.
///
/// libcurl cannot share cookies between threads through `curl_share` (each of trawl's lanes
/// is a thread with its own multi handle), so the jar is trawl's own: before a transfer its
/// cookies are fed to the easy handle's cookie engine (`CURLOPT_COOKIELIST`), which applies
/// libcurl's rules (domain, path, expiry, `Secure`) and carries them across the transfer's
/// redirects; after it, the engine's list (`CURLINFO_COOKIELIST`) comes back and what the
/// transfer changed is merged in (``merge(before:after:)``). Cookies are Netscape cookie-file
/// lines, libcurl's own form, so the jar never parses a `Set-Cookie` header itself.
public final class CookieJar: Sendable {
    /// Netscape lines by domain, path and name.
    private let cookies = Mutex<[String: String]>([:])
    /// Lines of the loaded file that were not cookies (see ``parse(_:now:)``).
    public let skippedLines: Int

    /// The largest cookie file read: a cookie file is a few KiB; this keeps a wrong path
    /// (`/dev/zero`, a log file) from filling memory.
    public static let maxFileBytes = 16 << 20

    /// The current time in Unix seconds, which cookie expiry is in.
    public static var now: Int { Int(time(nil)) }

    /// An empty jar.
    public init() { skippedLines = 0 }

    /// A jar holding the cookies of Netscape cookie-file text (as curl's `-c` writes it).
    public init(text: String, now: Int = CookieJar.now) {
        let (lines, skipped) = Self.parse(text, now: now)
        skippedLines = skipped
        cookies.withLock { jar in
            for line in lines { if let k = Self.key(of: line) { jar[k] = line } }
        }
    }

    /// A jar holding the cookies of a Netscape cookie file; a missing file is an empty jar
    /// (the batch then creates it when it saves).
    /// - Throws: `io` naming the file when it exists but cannot be read (permissions, a
    ///   directory), `invalid_argument` naming it when it is not text (a NUL byte, invalid
    ///   UTF-8) or is over ``maxFileBytes``.
    public convenience init(file: String) throws(TrawlError) {
        guard access(file, F_OK) == 0 else {
            self.init()
            return
        }
        let bytes = try Self.readFile(file)
        if bytes.contains(0) {
            throw TrawlError(.invalidArgument, "cookie_file: \(file) is not a Netscape cookie file (binary data)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TrawlError(.invalidArgument, "cookie_file: \(file) is not a Netscape cookie file (not UTF-8 text)")
        }
        self.init(text: text)
    }

    /// The jar of a batch in one process, nil without `cookies` (or `cookie_file`): loaded
    /// from `cookie_file` when there is one.
    /// - Throws: as ``init(file:)``.
    public static func forBatch(_ options: CrawlOptions) throws(TrawlError) -> CookieJar? {
        guard options.usesCookies else { return nil }
        guard let file = options.cookieFile, !file.isEmpty else { return CookieJar() }
        return try CookieJar(file: file)
    }

    /// Every cookie, as Netscape lines (sorted, so that a saved file is stable).
    public var lines: [String] { cookies.withLock { $0.values.sorted() } }

    /// Folds in what one transfer did: it started with `before` and its cookie engine ended
    /// with `after`. Cookies it set or changed are stored; cookies it deleted (or that
    /// expired) are dropped unless another transfer changed them meanwhile. So transfers
    /// running at once on several lanes lose nothing of each other's.
    public func merge(before: [String], after: [String]) {
        var old: [String: String] = [:]
        for line in before { if let k = Self.key(of: line) { old[k] = line } }
        var new: [String: String] = [:]
        for line in after { if let k = Self.key(of: line) { new[k] = line } }
        cookies.withLock { jar in
            for (k, line) in new where old[k] != line { jar[k] = line }
            for (k, line) in old where new[k] == nil && jar[k] == line { jar[k] = nil }
        }
    }

    /// Writes the jar as a Netscape cookie file, without the cookies expired by `now`: to a
    /// temporary file beside it (mode 0600: cookies are credentials), then renamed over it,
    /// so that a reader never sees half a file.
    /// - Throws: `io` naming the file.
    public func save(to file: String, now: Int = CookieJar.now) throws(TrawlError) {
        let live = lines.filter { !Self.isExpired($0, now: now) }
        let text = "# Netscape HTTP Cookie File\n# Written by trawl (cookie_file); edit at your own risk.\n\n"
            + live.map { $0 + "\n" }.joined()
        let temporary = file + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw TrawlError(.io, "cookie_file: cannot write \(file): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { b -> Int in
                guard let base = b.baseAddress else { return -1 }
                return Glibc.write(fd, base + done, b.count - done)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
        let failure = errno
        let closed = close(fd)
        guard done == bytes.count, closed == 0, rename(temporary, file) == 0 else {
            let reason = String(cString: strerror(done == bytes.count ? errno : failure))
            unlink(temporary)
            throw TrawlError(.io, "cookie_file: cannot write \(file): \(reason)")
        }
    }

    // MARK: Netscape lines

    /// The cookie lines of Netscape cookie-file text and how many lines were skipped as not
    /// cookies. Blank lines and `#` comments are neither; `#HttpOnly_` lines are cookies. A
    /// cookie line has 7 tab-separated fields (domain, include-subdomains `TRUE`/`FALSE`,
    /// path, secure `TRUE`/`FALSE`, expiry in Unix seconds with 0 for a session cookie,
    /// name, value); any other line is skipped and counted, as curl skips it. Cookies
    /// already expired at `now` are dropped without being counted.
    public static func parse(_ text: String, now: Int) -> (lines: [String], skipped: Int) {
        var lines: [String] = []
        var skipped = 0
        // "\r\n" is one Character in Swift: split on both, as curl reads either.
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if line.hasPrefix("#") && !line.hasPrefix("#HttpOnly_") { continue }
            guard isCookieLine(line) else {
                skipped += 1
                continue
            }
            if !isExpired(line, now: now) { lines.append(line) }
        }
        return (lines, skipped)
    }

    /// Whether `line` is a well-formed Netscape cookie line.
    static func isCookieLine(_ line: String) -> Bool {
        let f = fields(line)
        guard f.count == 7, !domain(f[0]).isEmpty, f[2].hasPrefix("/") else { return false }
        let flags = ["TRUE", "FALSE"]
        return flags.contains(f[1].uppercased()) && flags.contains(f[3].uppercased()) && Int(f[4]) != nil
    }

    /// Whether a cookie line's expiry (field 5; 0 is a session cookie) has passed at `now`.
    static func isExpired(_ line: String, now: Int) -> Bool {
        let f = fields(line)
        guard f.count == 7, let expiry = Int(f[4]) else { return false }
        return expiry != 0 && expiry <= now
    }

    /// Domain, path and name of a cookie line, which identify a cookie (RFC 6265 5.3 step
    /// 11); nil for anything else.
    static func key(of line: String) -> String? {
        let f = fields(line)
        guard f.count == 7, !f[0].hasPrefix("#") || f[0].hasPrefix("#HttpOnly_") else { return nil }
        return "\(domain(f[0]).lowercased())\t\(f[2])\t\(f[5])"
    }

    private static func fields(_ line: String) -> [Substring] {
        line.split(separator: "\t", omittingEmptySubsequences: false)
    }

    private static func domain(_ field: Substring) -> Substring {
        field.hasPrefix("#HttpOnly_") ? field.dropFirst("#HttpOnly_".count) : field
    }

    /// The bytes of `file`, at most ``maxFileBytes``.
    private static func readFile(_ file: String) throws(TrawlError) -> [UInt8] {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw TrawlError(.io, "cookie_file: cannot read \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                throw TrawlError(.io, "cookie_file: cannot read \(file): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > maxFileBytes {
                throw TrawlError(.invalidArgument, "cookie_file: \(file) is larger than \(maxFileBytes >> 20) MiB: not a cookie file")
            }
        }
        return bytes
    }
}
