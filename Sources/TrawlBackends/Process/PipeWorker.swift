// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import TrawlExtract
import TrawlHTTP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of the process backend: `trawl worker --pipe` runs this. It reads frames
/// from stdin, crawls the tasks with the same lanes and page processing as the thread
/// backend, and writes one result frame per task to stdout. It exits when stdin closes, which
/// is how it notices that its host has gone, however the host ended.
public enum PipeWorker {
    /// Serves the host on file descriptors 0 and 1 until end of input.
    /// - Parameter memoryLimit: bytes of address space (RLIMIT_AS); 0 for none.
    /// - Returns: the process exit status.
    public static func run(memoryLimit: Int) -> Int32 {
        _ = signal(SIGPIPE, SIG_IGN)  // our own process: a dead host must not kill us mid-write
        if memoryLimit > 0 {
            var limit = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
            if setrlimit(Int32(RLIMIT_AS.rawValue), &limit) != 0 {
                Console.error("trawl worker: cannot set memory limit: \(String(cString: strerror(errno)))\n")
                return 2
            }
        }
        let out = Output(fd: 1)
        defer { out.finish() }  // after the engine's deferred stop below: its results go out too
        out.send(Frame.encode(.ready) { w in
            w.u32(Wire.version)
            w.i64(Int(getpid()))
        })
        var decoder = FrameDecoder()
        var engine: WorkerEngine? = nil
        defer { engine?.stop(cancel: true) }
        while true {
            do {
                guard try FD.read(0, into: &decoder) else { return 0 }
                while let frame = try decoder.next() {
                    var p = frame.payload
                    switch frame.type {
                    case .configure:
                        engine?.stop(cancel: true)
                        engine = nil
                        let version = try p.u32()
                        let gen = try p.u32()
                        guard version == Wire.version else {
                            out.send(Frame.encode(.configError) { w in
                                w.u32(gen); w.string("wire version \(version) from the host, worker speaks \(Wire.version)")
                            })
                            continue
                        }
                        let lanes = Int(try p.u32()), inFlight = Int(try p.u32()), most = Int(try p.u32())
                        let flags = WorkerFlags(rawValue: try p.u32())
                        let hostShare = Int(try p.u32())
                        do {
                            let options = try CrawlOptions.decodeForWorker(from: &p)
                            try p.expectEnd()
                            engine = try WorkerEngine(generation: gen, options: options, lanes: max(1, lanes),
                                                      inFlight: max(1, inFlight), most: max(1, most, inFlight),
                                                      flags: flags, hostShare: max(1, hostShare), output: out)
                        } catch {
                            out.send(Frame.encode(.configError) { w in w.u32(gen); w.string(error.message) })
                        }
                    case .tasks:
                        let gen = try p.u32()
                        let n = Int(try p.u32())
                        var items: [FetchRequest] = [], attempts: [Int] = []
                        items.reserveCapacity(min(n, 4096))
                        attempts.reserveCapacity(min(n, 4096))
                        for _ in 0..<n {
                            items.append(FetchRequest(index: try p.i64(), url: try p.string()))
                            attempts.append(Int(try p.u32()))
                        }
                        try p.expectEnd()
                        if let engine, engine.generation == gen { engine.enqueue(items, attempts: attempts) }
                    case .cancel:
                        let gen = try p.u32()
                        try p.expectEnd()
                        if let e = engine, e.generation == gen {
                            e.stop(cancel: true)
                            engine = nil
                        }
                    case .ready, .result, .configError, .retry, .limit:
                        break  // worker-to-host types; a host never sends them
                    }
                }
            } catch {
                Console.error("trawl worker: \(error.message)\n")
                return 3
            }
        }
    }
}

/// Frames from the lane threads, written to the host by one writer thread. While it writes,
/// frames pile up and leave together, so a busy worker makes one system call (and wakes its
/// host once) per batch of results instead of once per result; an idle one writes at once.
///
/// `@unchecked Sendable`: `pending` and `closed` are touched only with `lock` held; `writer`
/// is set in `init`, before the instance is shared, and read-only afterwards.
final class Output: @unchecked Sendable {
    private let fd: Int32
    private let lock = ConditionLock()
    private var pending: [UInt8] = []
    private var closed = false
    private var writer: OSThread? = nil

    init(fd: Int32) {
        self.fd = fd
        writer = try? OSThread(name: "trawl-output") { [self] in drain() }
    }

    func send(_ frame: [UInt8]) {
        guard writer != nil else {
            // No thread could be started: write in the caller, serialised by the lock.
            lock.withLock { try? FD.writeAll(fd, frame) }
            return
        }
        // Wake the writer for the first frame of a batch or when a batch is full, not for
        // every frame: it waits a moment for more (see drain()).
        let wake: Bool = lock.withLock {
            let wasEmpty = pending.isEmpty
            pending.append(contentsOf: frame)
            return wasEmpty || pending.count >= Self.batchBytes
        }
        if wake { lock.broadcast() }
    }

    /// A write is made when this much is pending, or `coalesce` seconds after the first frame.
    static let batchBytes = 64 << 10
    /// Under load a lane finishes a page every fraction of a millisecond: waiting 2 ms lets
    /// several results share one write and one wake-up of the host.
    static let coalesce = 0.002

    /// Writes everything sent so far and stops the writer thread.
    func finish() {
        lock.withLock { closed = true }
        lock.broadcast()
        writer?.join()
    }

    private func drain() {
        var batch: [UInt8] = []
        while true {
            let done: Bool = lock.withLock {
                _ = lock.wait(until: { !pending.isEmpty || closed }, deadline: nil)
                let deadline = MonotonicClock.now() + Self.coalesce
                _ = lock.wait(until: { pending.count >= Self.batchBytes || closed }, deadline: deadline)
                swap(&batch, &pending)
                return closed && batch.isEmpty
            }
            if done { return }
            // A failed write means the host is gone; the reader sees EOF and ends the worker.
            try? FD.writeAll(fd, batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
}

/// One batch inside a pipe worker: its lanes, and the frames that carry their results.
final class WorkerEngine: Sendable {
    let generation: UInt32
    private let lanes: QueuedLanes<Void>
    private let output: Output

    /// - Parameters:
    ///   - inFlight: transfers in flight; with ``WorkerFlags/adaptsConcurrency``, where the
    ///     adaptive limit starts.
    ///   - most: the cap of the adaptive limit.
    ///   - hostShare: the workers of the batch, whose parts of each host's slots adapt together.
    init(generation: UInt32, options: CrawlOptions, lanes: Int, inFlight: Int, most: Int, flags: WorkerFlags,
         hostShare: Int, output: Output) throws(TrawlError) {
        self.generation = generation
        self.output = output
        let extractor = try Extractor(patterns: options.effectivePatterns,
                                      matchLimit: options.regexMatchLimit, budget: options.regexBudget)
        var handBack: QueuedLanes<Void>.HandBack? = nil
        if flags.contains(.handsRetriesBack) {
            handBack = { (_: Void, request: FetchRequest, after: Double, elapsed: Double) in
                output.send(Self.retryFrame(request.index, after: after, elapsed: elapsed, generation: generation))
            }
        }
        let limiter = flags.contains(.adaptsConcurrency)
            ? ConcurrencyLimiter(adaptive: GradientLimit(initial: inFlight, min: min(inFlight, max(4, lanes)), max: most))
            : nil
        let reporter = limiter.map { LimitReporter(limiter: $0, generation: generation) }
        // Every task is answered, cancelled ones too: the host counts on one result per URL.
        self.lanes = try QueuedLanes(label: "batch \(generation)", options: options, extractor: extractor,
                                     lanes: lanes, inFlight: limiter?.share(lanes: lanes) ?? inFlight,
                                     limiter: limiter, hostShare: hostShare, handBack: handBack) { _, result, _ in
            output.send(Self.frame(result, generation: generation))
            // After the result, so the host has counted the result's URL out of the worker's
            // window when it reads the new limit.
            if let frame = reporter?.frameIfMoved() { output.send(frame) }
        }
    }

    /// - Parameter attempts: each task's HTTP attempt number, by position.
    func enqueue(_ items: [FetchRequest], attempts: [Int]) {
        lanes.enqueue(items.map { ($0, ()) }, attempts: attempts)
    }

    /// Ends the lanes: with `cancel`, transfers in flight and queued tasks end as `cancelled`.
    func stop(cancel: Bool) {
        for (request, _) in lanes.stop(cancel: cancel) {
            output.send(Self.frame(lanes.failure(request, TrawlError(.cancelled, "batch cancelled before this URL was fetched")),
                                   generation: generation))
        }
    }

    private static func retryFrame(_ index: Int, after: Double, elapsed: Double, generation: UInt32) -> [UInt8] {
        Frame.encode(.retry) { w in
            w.u32(generation)
            w.i64(index)
            w.f64(after)
            w.f64(elapsed)
        }
    }

    private static func frame(_ result: CrawlResult, generation: UInt32) -> [UInt8] {
        Frame.encode(.result) { w in
            w.u32(generation)
            result.encode(to: &w)
        }
    }
}

/// When an adaptive worker tells its host its limit: whenever the limit moved, or the
/// transfers running moved by an eighth of it (at least 4) since the last report. The host
/// sizes the worker's window from these, so a report per result would only add frames.
///
/// Thread-safe: the lanes' result callbacks call it from any lane thread. It runs after every
/// result, so it reads atomics only; two lanes racing past a threshold at once send one
/// report too many, which the host takes as it takes any.
final class LimitReporter: Sendable {
    private let limiter: ConcurrencyLimiter
    private let generation: UInt32
    private let lastLimit = Atomic<Int>(-1)
    private let lastRunning = Atomic<Int>(-1)

    init(limiter: ConcurrencyLimiter, generation: UInt32) {
        self.limiter = limiter
        self.generation = generation
    }

    /// A `limit` frame if the host should hear of the limit now, else nil.
    func frameIfMoved() -> [UInt8]? {
        let now = limiter.current
        guard now.limit != lastLimit.load(ordering: .relaxed)
                || abs(now.running - lastRunning.load(ordering: .relaxed)) >= max(4, now.limit / 8) else { return nil }
        lastLimit.store(now.limit, ordering: .relaxed)
        lastRunning.store(now.running, ordering: .relaxed)
        return Frame.encode(.limit) { w in
            w.u32(generation)
            w.u32(UInt32(clamping: now.limit))
            w.u32(UInt32(clamping: now.running))
        }
    }
}
