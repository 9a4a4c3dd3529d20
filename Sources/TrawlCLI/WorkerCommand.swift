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
            SIGTERM or SIGINT, then finishes the tasks it holds and exits. --jobs is its fetch \
            lanes per batch; its transfers in flight adapt across its batches unless --concurrency N \
            pins them; --visibility-timeout and \
            --max-deliveries serve only batches whose own options cannot be read. Run any number, on \
            any number of machines (see docs/cluster.md). The password in the URL is never \
            printed; hiredis has no TLS, so keep Redis on a private network or a TLS tunnel.
            """
    )

    @Flag(help: "Serve the process backend over stdin/stdout (the library starts workers this way).")
    var pipe = false

    @Option(help: "Address-space limit in bytes (RLIMIT_AS); 0 for none.")
    var memoryLimit: Int = 0

    // The cluster flags set registry options: their help comes from the registry. For a
    // worker, --jobs is the lanes per batch and --concurrency its transfers in flight (auto:
    // adaptive, as on the thread backend);
    // --visibility-timeout and --max-deliveries apply only to batches whose own options
    // (which every batch carries) cannot be read.
    @Option(help: registryHelp("redis_url"))
    var redis: String? = nil

    @Option(name: [.short, .long], help: registryHelp("jobs"))
    var jobs: Int? = nil

    @Option(help: registryHelp("concurrency"))
    var concurrency: Int? = nil

    @Option(help: "Cluster: consumer name, unique per worker (default: host-pid).")
    var name: String? = nil

    @Option(help: registryHelp("key_prefix"))
    var keyPrefix: String? = nil

    @Option(help: registryHelp("redis_timeout"))
    var redisTimeout: Double? = nil

    @Option(help: registryHelp("visibility_timeout"))
    var visibilityTimeout: Double? = nil

    @Option(help: registryHelp("max_deliveries"))
    var maxDeliveries: Int? = nil

    mutating func run() throws {
        if let redis {
            guard !pipe else { throw ValidationError("give either --pipe or --redis, not both") }
            var o = CrawlOptions()
            let settings: [(String, OptionValue?)] = [
                ("backend", .string("cluster")), ("redis_url", .string(redis)), ("jobs", jobs.map { .int($0) }),
                ("concurrency", concurrency.map { .int($0) }), ("key_prefix", keyPrefix.map { .string($0) }),
                ("redis_timeout", redisTimeout.map { .double($0) }),
                ("visibility_timeout", visibilityTimeout.map { .double($0) }),
                ("max_deliveries", maxDeliveries.map { .int($0) }),
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
