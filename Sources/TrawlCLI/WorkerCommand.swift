// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlBackends
import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// `trawl worker`: the worker of the process backend (`--pipe`, started by the library
/// itself) and of the cluster backend (`--redis URL`, started by you on any machine).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run as a worker: --redis URL joins a cluster; --pipe serves a process-backend host.",
        discussion: """
            With --redis, the worker takes tasks from the Redis stream KEY_PREFIX tasks until \
            SIGTERM or SIGINT, then finishes the tasks it holds and exits. Run any number, on \
            any number of machines (see docs/cluster.md). The password in the URL is never \
            printed; hiredis has no TLS, so keep Redis on a private network or a TLS tunnel.
            """
    )

    @Flag(help: "Serve the process backend over stdin/stdout (the library starts workers this way).")
    var pipe = false

    @Option(help: "Address-space limit in bytes (RLIMIT_AS); 0 for none.")
    var memoryLimit: Int = 0

    @Option(help: "Cluster: the Redis server, redis://[user:password@]host:port/db.")
    var redis: String? = nil

    @Option(name: [.short, .long], help: "Cluster: fetch lanes (threads) per batch (-1: all cores).")
    var jobs: Int = -1

    @Option(help: "Cluster: tasks this worker runs at once.")
    var concurrency: Int = 64

    @Option(help: "Cluster: consumer name, unique per worker (default: host-pid).")
    var name: String? = nil

    @Option(help: "Cluster: prefix of every Redis key.")
    var keyPrefix: String = "trawl:"

    @Option(help: "Cluster: seconds to connect to Redis and for each reply.")
    var redisTimeout: Double = 5

    @Option(help: "Cluster: visibility timeout for tasks of batches whose options are unreadable (batches carry their own).")
    var visibilityTimeout: Double = 30

    @Option(help: "Cluster: deliveries before worker_lost for such tasks (batches carry their own).")
    var maxDeliveries: Int = 3

    mutating func run() throws {
        if let redis {
            guard !pipe else { throw ValidationError("give either --pipe or --redis, not both") }
            var o = CrawlOptions()
            let settings: [(String, OptionValue)] = [
                ("backend", .string("cluster")), ("redis_url", .string(redis)), ("jobs", .int(jobs)),
                ("concurrency", .int(concurrency)), ("key_prefix", .string(keyPrefix)),
                ("redis_timeout", .double(redisTimeout)), ("visibility_timeout", .double(visibilityTimeout)),
                ("max_deliveries", .int(maxDeliveries)),
            ]
            try o.setFlags(settings)
            if let name, name.isEmpty || name.contains(where: { $0 == " " || $0.isNewline }) {
                throw ValidationError("--name must be non-empty and without spaces")
            }
            let status = ClusterWorker.run(options: o, name: name)
            if status != 0 { throw ExitCode(status) }
            return
        }
        guard pipe else {
            throw ValidationError("trawl worker needs --redis URL (cluster) or --pipe (process backend)")
        }
        guard memoryLimit >= 0 else { throw ValidationError("--memory-limit must not be negative") }
        let status = PipeWorker.run(memoryLimit: memoryLimit)
        if status != 0 { throw ExitCode(status) }
    }
}
