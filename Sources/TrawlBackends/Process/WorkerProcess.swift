// SPDX-License-Identifier: Apache-2.0

import CPosix
import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// One `trawl worker --pipe` child process and the host's end of its socket.
///
/// Started with `posix_spawn`, never `fork`: the host may be a multithreaded Python or C
/// program, and a forked copy of it could deadlock on a lock another thread held. The
/// worker's stdin and stdout are one end of a socket pair; it exits when that closes, so a
/// killed host leaves no orphan behind.
final class WorkerProcess {
    let pid: pid_t
    let fd: Int32
    let executable: String
    /// The address-space limit it was started with (0: none); a pooled worker serves only
    /// batches that ask for the same.
    let memoryLimit: Int
    var decoder = FrameDecoder()
    /// Whether its `ready` frame has arrived (in this batch or an earlier one: a worker that
    /// started late goes back to the pool and finishes its handshake in the next batch).
    var isReady = false
    private var reaped: String? = nil

    /// Spawns `executable worker --pipe [--memory-limit N]`.
    init(executable: String, memoryLimit: Int) throws(TrawlError) {
        let pair = try FD.socketPair()
        var args = [executable, "worker", "--pipe"]
        if memoryLimit > 0 { args += ["--memory-limit", String(memoryLimit)] }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair.worker, 0)
        posix_spawn_file_actions_adddup2(&actions, pair.worker, 1)
        // Only stdin, stdout and stderr cross over: see trawl_spawn_close_from.
        trawl_spawn_close_from(&actions, 3)

        // The child starts with no blocked signals and default handlers, whatever the host
        // (an interpreter with its own handlers) had set.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
        cArgs.append(nil)
        defer { for a in cArgs { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attr, cArgs, environ)
        FD.close(pair.worker)
        guard rc == 0 else {
            FD.close(pair.host)
            throw TrawlError(.backendUnavailable,
                             "cannot start worker '\(executable)': \(String(cString: strerror(rc)))")
        }
        pid = child
        fd = pair.host
        self.executable = executable
        self.memoryLimit = memoryLimit
    }

    deinit {
        FD.close(fd)
        if reaped == nil {
            _ = Glibc.kill(pid, SIGKILL)
            _ = reap()
        }
    }

    /// Sends one frame. Throws when the worker is gone.
    func send(_ frame: [UInt8]) throws(TrawlError) {
        try FD.writeAll(fd, frame)
    }

    /// Waits for the exited child and says how it ended ("exited with status 3", "killed by
    /// signal 9 (SIGKILL)"). Call after its socket reached end of file or after killing it.
    func reap() -> String {
        if let reaped { return reaped }
        var status: Int32 = 0
        var rc: pid_t
        repeat { rc = waitpid(pid, &status, 0) } while rc < 0 && errno == EINTR
        let text: String
        if rc < 0 {
            text = "ended (status unavailable: \(String(cString: strerror(errno))))"
        } else if status & 0x7f == 0 {
            text = "exited with status \((status >> 8) & 0xff)"
        } else {
            let sig = status & 0x7f
            text = "killed by signal \(sig) (\(Self.signalName(sig)))"
        }
        reaped = text
        return text
    }

    /// Ends the worker at once.
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Closes the host's end: the worker sees end of file and exits by itself.
    func closeInput() {
        shutdown(fd, Int32(SHUT_WR))
    }

    static func signalName(_ s: Int32) -> String {
        switch s {
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGILL: "SIGILL"
        case SIGFPE: "SIGFPE"
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGTRAP: "SIGTRAP"
        default: "signal \(s)"
        }
    }
}

/// Finds the `trawl` executable that serves as the process backend's worker.
enum WorkerLocator {
    /// In order: `$TRAWL_WORKER`; `trawl` next to the library or executable this code is
    /// part of; `../bin/trawl` from there (an install PREFIX's lib/ and bin/); `trawl-cli`
    /// next to it (the build tree's name).
    static func find() throws(TrawlError) -> String {
        if let env = getenv("TRAWL_WORKER") {
            let path = String(cString: env)
            guard access(path, X_OK) == 0 else {
                throw TrawlError(.backendUnavailable, "TRAWL_WORKER='\(path)' is not an executable file")
            }
            return path
        }
        var tried: [String] = []
        for dir in [imageDirectory(), executableDirectory()].compactMap({ $0 }) {
            for candidate in ["\(dir)/trawl", "\(dir)/../bin/trawl", "\(dir)/trawl-cli"] {
                tried.append(candidate)
                if isExecutableFile(candidate) { return candidate }
            }
        }
        throw TrawlError(.backendUnavailable,
                         "cannot find the trawl worker executable (tried \(tried.joined(separator: ", "))); set TRAWL_WORKER to its path")
    }

    static func isExecutableFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// The directory of the file (libtrawl.so or an executable) that holds this code,
    /// looked up in /proc/self/maps (dladdr is a GNU extension Swift's Glibc does not show).
    static func imageDirectory() -> String? {
        let marker: @convention(c) () -> Void = {}
        let address = UInt(bitPattern: unsafeBitCast(marker, to: UnsafeRawPointer.self))
        guard let f = fopen("/proc/self/maps", "r") else { return nil }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0, let line {
            let text = String(cString: line)
            let fields = text.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, let dash = fields[0].firstIndex(of: "-"),
                  let lo = UInt(fields[0][..<dash], radix: 16),
                  let hi = UInt(fields[0][fields[0].index(after: dash)...], radix: 16),
                  address >= lo, address < hi else { continue }
            let path = fields[5...].joined(separator: " ").trimmingSpaces()
                .split(separator: "\n").first.map(String.init) ?? ""
            return directory(of: path)
        }
        return nil
    }

    static func executableDirectory() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return directory(of: String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    static func directory(of path: String) -> String? {
        guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
