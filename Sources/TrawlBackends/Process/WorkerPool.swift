// SPDX-License-Identifier: Apache-2.0

import TrawlCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Idle worker processes kept for the next batch, like loky's reusable executor: a host that
/// runs many batches pays for process start-up once.
///
/// A worker is owned by exactly one party at a time, the pool or one batch's dispatcher,
/// which is the invariant behind `Idle`'s `@unchecked Sendable`.
public enum WorkerPool {
    final class Idle: @unchecked Sendable {
        let worker: WorkerProcess
        init(_ worker: WorkerProcess) { self.worker = worker }
    }

    private static let idle = Mutex<[Idle]>([])

    /// Takes up to `n` idle workers started from `executable` with `memoryLimit`.
    static func checkOut(_ n: Int, executable: String, memoryLimit: Int) -> [WorkerProcess] {
        idle.withLock { pool in
            var out: [WorkerProcess] = []
            var keep: [Idle] = []
            for w in pool {
                if out.count < n && w.worker.executable == executable && w.worker.memoryLimit == memoryLimit { out.append(w.worker) } else { keep.append(w) }
            }
            pool = keep
            return out
        }
    }

    /// Gives healthy workers back for the next batch.
    static func checkIn(_ workers: [WorkerProcess]) {
        idle.withLock { $0.append(contentsOf: workers.map(Idle.init)) }
    }

    /// Ends every idle worker and waits for it: no process is left behind. Workers busy in a
    /// running batch end with their batch. Safe to call at any time, from any thread.
    public static func shutdown() {
        let workers = idle.withLock { pool in defer { pool = [] }; return pool }
        for w in workers {
            w.worker.closeInput()
            _ = w.worker.reap()
        }
    }

    /// Process ids of the idle workers (for tests and diagnostics).
    public static var idlePIDs: [Int32] { idle.withLock { $0.map { $0.worker.pid } } }
}
