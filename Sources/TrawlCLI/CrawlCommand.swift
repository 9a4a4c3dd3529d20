// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlBackends
import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// `trawl crawl`: crawl a URL list and print one JSON object per URL.
struct CrawlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl URLs and print one JSON object per URL.",
        discussion: """
            INPUTS are URLs (anything containing ://), files with one URL per line (blank \
            lines and # comments skipped), or - for standard input. Every input line gets \
            exactly one result, in input order unless --order completed. Patterns use Python \
            `re` syntax; give flags as NAME/FLAGS=REGEX (flags from 'aimsx') or inline (?i). \
            Exit status: 0 when the batch ran (even if some URLs failed), 1 on a runtime \
            error, 64 on bad arguments.
            """
    )

    @Argument(help: "URLs, files of URLs, or - for standard input.")
    var inputs: [String] = []

    @Option(name: [.short, .long], help: "Worker threads (joblib's n_jobs: -1 all cores, -2 all but one).")
    var jobs: Int = -1

    @Option(help: "Transfers in flight across the batch.")
    var concurrency: Int = 64

    @Option(help: "Backend: thread (in-process), process (crash-isolated worker processes) or cluster (trawl workers through Redis; needs --redis).")
    var backend: String = "thread"

    @Option(help: "Cluster: the Redis server, redis://[user:password@]host:port/db.")
    var redis: String? = nil

    @Option(help: "Cluster: the batch's id; running again with the same id and URLs resumes collecting.")
    var batchId: String? = nil

    @Option(help: "Cluster: seconds a task may go without its worker's heartbeat before it is reclaimed.")
    var visibilityTimeout: Double = 30

    @Option(help: "Cluster: deliveries of one task before it ends as worker_lost.")
    var maxDeliveries: Int = 3

    @Option(help: "Cluster: seconds an abandoned batch's keys stay in Redis.")
    var ttl: Double = 86_400

    @Option(help: "Cluster: seconds to connect to Redis, per reply, and to reconnect after a loss.")
    var redisTimeout: Double = 5

    @Option(help: "Cluster: prefix of every Redis key.")
    var keyPrefix: String = "trawl:"

    @Option(help: "Process backend: address-space limit of each worker in bytes (0: none).")
    var workerMemoryLimit: Int = 0

    @Option(help: "Process backend: seconds a worker may hold one URL before it is killed (0: derived).")
    var taskTimeout: Double = 0

    @OptionGroup(title: "Patterns")
    var patterns: PatternOptions

    @Option(help: "Seconds allowed for each URL, redirects included (decimals allowed).")
    var timeout: Double = 30

    @Option(help: "Seconds allowed to connect.")
    var connectTimeout: Double = 10

    @Option(help: "Largest decoded body in bytes; larger ones end as too_large.")
    var maxBytes: Int = 16 << 20

    @Option(help: "Redirects to follow before too_many_redirects.")
    var maxRedirects: Int = 10

    @Option(help: "Connections to one host at once (0: no limit).")
    var perHost: Int = 0

    @Option(help: "An extra request header 'Name: value' (repeatable).")
    var header: [String] = []

    @Option(help: "The User-Agent header.")
    var userAgent: String = Version.userAgent

    @Option(help: "A PEM file of CA certificates to trust.")
    var caBundle: String? = nil

    @Flag(help: "Do not verify TLS certificates.")
    var insecure = false

    @Option(help: "Body decoding: browser (WHATWG) or requests (as Python requests' .text).")
    var decode: String = "browser"

    @Option(help: "Result order: input or completed.")
    var order: String = "input"

    @Option(help: "Output format: jsonl or json.")
    var format: String = "jsonl"

    @Option(name: [.short, .long], help: "Write results to this file instead of standard output.")
    var output: String? = nil

    @Flag(help: "Show progress on standard error (a live bar on a terminal).")
    var progress = false

    @Option(name: [.short, .long], help: "joblib verbosity: 0 silent, 1-10 more often, >10 every URL, >=50 to stdout.")
    var verbose: Int = 0

    @Flag(help: "Print nothing but results and errors.")
    var quiet = false

    mutating func run() throws {
        let options = try makeOptions()
        guard let fmt = OutputWriter.Format(rawValue: format) else {
            throw ValidationError("--format must be jsonl or json, got '\(format)'")
        }
        let urls = try InputList.read(inputs.isEmpty ? ["-"] : inputs)
        let crawler: Crawler
        do {
            crawler = try Crawler(options: options)
        } catch {
            throw CLIError(error.message)
        }
        let writer = try OutputWriter(path: output, format: fmt)
        let bar = progress && !quiet ? ProgressBar(total: urls.count, jobs: options.effectiveJobs(cores: OSThread.availableCores)) : nil
        var onProgress: (@Sendable (Progress) -> Void)? = nil
        if let bar { onProgress = { p in bar.update(p) } }
        let batch: Batch
        do throws(TrawlError) {
            batch = try crawler.start(urls, onProgress: onProgress)
        } catch {
            // The cluster backend contacts Redis here: say why it failed, in one line.
            throw CLIError(error.message)
        }
        // Results are written through a large buffer (not one write(2) per result); when none
        // arrives for 20 ms, what was written so far is flushed before waiting on, so a reader
        // of the stream is never kept waiting longer.
        loop: while true {
            switch batch.next(timeout: 0.02) {
            case .result(let r):
                writer.write(r)
            case .timedOut:
                writer.flush()
                guard case .result(let r) = batch.next() else { break loop }
                writer.write(r)
            case .done:
                break loop
            }
        }
        batch.wait()
        bar?.finish()
        try writer.close()
    }

    /// Every flag goes through `CrawlOptions.set`, the same validation the C ABI and the
    /// bindings use.
    func makeOptions() throws -> CrawlOptions {
        var o = CrawlOptions()
        let settings: [(String, OptionValue)] = [
            ("backend", .string(backend)), ("jobs", .int(jobs)), ("concurrency", .int(concurrency)),
            ("order", .string(order)), ("verbose", .int(quiet ? 0 : verbose)),
            ("per_host_connections", .int(perHost)), ("connect_timeout", .double(connectTimeout)),
            ("timeout", .double(timeout)), ("max_redirects", .int(maxRedirects)),
            ("max_bytes", .int(maxBytes)), ("user_agent", .string(userAgent)),
            ("ca_bundle", .string(caBundle ?? "")), ("verify_tls", .int(insecure ? 0 : 1)),
            ("decode", .string(decode)),
            ("worker_memory_limit", .int(workerMemoryLimit)),
            ("task_timeout", taskTimeout == 0 ? .int(0) : .double(taskTimeout)),
            ("redis_url", .string(redis ?? "")), ("batch_id", .string(batchId ?? "")),
            ("visibility_timeout", .double(visibilityTimeout)), ("max_deliveries", .int(maxDeliveries)),
            ("ttl", .double(ttl)), ("redis_timeout", .double(redisTimeout)), ("key_prefix", .string(keyPrefix)),
        ] + header.map { ("header", .string($0)) }
        try o.setFlags(settings)
        try patterns.apply(to: &o)
        return o
    }
}

extension CrawlOptions {
    /// Sets options from command-line flags through `set`, the validation the C ABI and the
    /// bindings use; a refused value names the flag (`--redis-timeout`, not `redis_timeout`).
    mutating func setFlags(_ settings: [(String, OptionValue)]) throws {
        for (key, value) in settings {
            do {
                try set(key, value)
            } catch {
                throw ValidationError("--\(String(key.map { $0 == "_" ? "-" : $0 })): \(error.message)")
            }
        }
    }
}
