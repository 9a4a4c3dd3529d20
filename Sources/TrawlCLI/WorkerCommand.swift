// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlBackends
#if canImport(Glibc)
import Glibc
#endif

/// `trawl worker`: the worker of the process backend (`--pipe`, started by the library
/// itself) and, later, of the cluster backend.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run as a worker: --pipe serves a process-backend host on stdin/stdout."
    )

    @Flag(help: "Serve the process backend over stdin/stdout (the library starts workers this way).")
    var pipe = false

    @Option(help: "Address-space limit in bytes (RLIMIT_AS); 0 for none.")
    var memoryLimit: Int = 0

    mutating func run() throws {
        guard pipe else {
            throw ValidationError("trawl worker needs --pipe (the cluster worker is not available yet)")
        }
        guard memoryLimit >= 0 else { throw ValidationError("--memory-limit must not be negative") }
        let status = PipeWorker.run(memoryLimit: memoryLimit)
        if status != 0 { throw ExitCode(status) }
    }
}
