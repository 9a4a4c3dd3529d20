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
            `re` syntax; give flags as NAME/FLAGS=REGEX (flags from 'aimsux') or inline (?i). \
            Exit status: 0 when the batch ran (even if some URLs failed), 1 on a runtime \
            error, 64 on bad arguments.
            """
    )

    @Argument(help: "URLs, files of URLs, or - for standard input.")
    var inputs: [String] = []

    // Flags that set a registry option take their help (and the default it shows) from the
    // registry and stay nil when not given, so the defaults live in CrawlOptions alone.
    @Option(name: [.short, .long], help: registryHelp("jobs"))
    var jobs: Int? = nil

    @Option(help: registryHelp("concurrency"))
    var concurrency: String? = nil

    @Option(help: registryHelp("max_concurrency"))
    var maxConcurrency: Int? = nil

    @Option(help: registryHelp("backend"))
    var backend: String? = nil

    @Option(help: registryHelp("order"))
    var order: String? = nil

    @Option(name: [.short, .long], help: registryHelp("verbose"))
    var verbose: Int? = nil

    @Option(help: registryHelp("journal"))
    var journal: String? = nil

    @Option(help: registryHelp("warc"))
    var warc: String? = nil

    @Option(help: registryHelp("warc_max_bytes"))
    var warcMaxBytes: Int? = nil

    @Flag(help: registryHelp("dedupe"))
    var noDedupe = false

    @Option(help: registryHelp("per_host_connections"))
    var perHost: Int? = nil

    @Option(help: registryHelp("per_host_streams"))
    var perHostStreams: Int? = nil

    @Option(help: registryHelp("connect_timeout"))
    var connectTimeout: Double? = nil

    @Option(help: registryHelp("timeout"))
    var timeout: Double? = nil

    @Option(help: registryHelp("read_timeout"))
    var readTimeout: Double? = nil

    @Option(help: registryHelp("max_redirects"))
    var maxRedirects: Int? = nil

    @Option(help: registryHelp("max_bytes"))
    var maxBytes: Int? = nil

    @Option(help: registryHelp("user_agent"))
    var userAgent: String? = nil

    @Option(help: registryHelp("header"))
    var header: [String] = []

    @Flag(help: registryHelp("clear_headers"))
    var clearHeaders = false

    @Option(help: registryHelp("ca_bundle"))
    var caBundle: String? = nil

    @Flag(help: registryHelp("verify_tls"))
    var insecure = false

    @Option(help: registryHelp("protocols"))
    var protocols: String? = nil

    @Option(help: registryHelp("decode"))
    var decode: String? = nil

    @OptionGroup(title: "Patterns")
    var patterns: PatternOptions

    @OptionGroup(title: "Safety on the real web")
    var safety: SafetyOptions
    @OptionGroup(title: "Retries, per-host pacing and statistics")
    var politeness: PolitenessFlags
    @OptionGroup(title: "Follow mode")
    var followFlags: FollowFlags
    // A bare --absolute-links is given the value `link` before parsing (AbsoluteLinksFlag).
    @Option(help: registryHelp("absolute_links"))
    var absoluteLinks: String? = nil

    @Option(help: registryHelp("worker_memory_limit"))
    var workerMemoryLimit: Int? = nil

    @Option(help: registryHelp("task_timeout"))
    var taskTimeout: Double? = nil

    @Option(help: registryHelp("max_attempts"))
    var maxAttempts: Int? = nil

    @Option(help: registryHelp("redis_url"))
    var redis: String? = nil

    @Option(help: registryHelp("batch_id"))
    var batchId: String? = nil

    @Option(help: registryHelp("visibility_timeout"))
    var visibilityTimeout: Double? = nil

    @Option(help: registryHelp("max_deliveries"))
    var maxDeliveries: Int? = nil

    @Option(help: registryHelp("ttl"))
    var ttl: Double? = nil

    @Option(help: registryHelp("redis_timeout"))
    var redisTimeout: Double? = nil

    @Option(help: registryHelp("key_prefix"))
    var keyPrefix: String? = nil

    @Option(help: "Output format: jsonl or json.")
    var format: String = "jsonl"

    @Option(name: [.short, .long], help: "Write results to this file instead of standard output.")
    var output: String? = nil

    @Flag(help: "Show progress on standard error (a live bar on a terminal).")
    var progress = false

    @Flag(help: "Print nothing but results and errors.")
    var quiet = false

    @Flag(help: "Print the options these flags give, one name=value per line, and exit.")
    var printOptions = false

    mutating func run() throws {
        let options = try makeOptions()
        if printOptions {
            print(OptionDocs.settingsText(options), terminator: "")
            return
        }
        guard let fmt = ResultFormat(rawValue: format) else {
            throw ValidationError("--format must be jsonl or json, got '\(format)'")
        }
        let source = try InputList(inputs.isEmpty ? ["-"] : inputs)
        let crawler: Crawler
        do {
            crawler = try Crawler(options: options)
        } catch {
            throw PatternOptions.error(error, patterns: options.effectivePatterns)
        }
        let sink: FileResultSink
        do throws(TrawlError) {
            sink = if let output, output != "-" {
                try FileResultSink(path: output, format: fmt)
            } else {
                FileResultSink(descriptor: 1, format: fmt)
            }
        } catch {
            throw CLIError(error.message)
        }
        let bar = progress && !quiet ? ProgressBar(jobs: options.effectiveJobs(cores: OSThread.availableCores)) : nil
        var onProgress: (@Sendable (Progress) -> Void)? = nil
        if let bar { onProgress = { p in bar.update(p) } }
        let batch: Batch
        do throws(TrawlError) {
            batch = try crawler.start(source: source, onProgress: onProgress)
        } catch {
            // The cluster backend contacts Redis here: say why it failed, in one line.
            throw CLIError(error.message)
        }
        // Results are written through a large buffer (not one write(2) per result); when none
        // arrives for 20 ms, what was written so far is flushed, so a reader of the stream is
        // never kept waiting longer.
        var failure: TrawlError? = nil
        do throws(TrawlError) { try batch.write(to: sink) } catch { failure = error }
        batch.wait()
        bar?.finish()
        try politeness.report(batch.stats)
        do throws(TrawlError) {
            if let failure { throw failure }
            try sink.close()
            // Results were written, but the URLs after the failure were not run: not a whole batch.
            if let e = batch.journalError { throw e }
            // Every URL read before the input failed has its result above.
            if let inputError = batch.inputError { throw inputError }
            if let e = batch.warcError { throw e }
            if let e = batch.cookieError { throw e }
        } catch {
            // A truncated output never exits 0.
            throw CLIError(error.message)
        }
    }

    /// Every flag goes through `CrawlOptions.set`, the same validation the C ABI and the
    /// bindings use. TrawlCLITests gives every registry flag and reads `--print-options`, so a
    /// flag missing here fails a test.
    func makeOptions() throws -> CrawlOptions {
        var o = CrawlOptions()
        let settings: [(String, OptionValue?)] = [
            ("backend", backend.map { .string($0) }), ("jobs", jobs.map { .int($0) }),
            ("concurrency", concurrency.map { s in Int(s).map { .int($0) } ?? .string(s) }),
            ("max_concurrency", maxConcurrency.map { .int($0) }), ("order", order.map { .string($0) }),
            ("verbose", quiet ? .int(0) : verbose.map { .int($0) }),
            ("journal", journal.map { .string($0) }), ("warc", warc.map { .string($0) }),
            ("warc_max_bytes", warcMaxBytes.map { .int($0) }),
            ("dedupe", noDedupe ? .int(0) : nil),
            ("per_host_connections", perHost.map { .int($0) }),
            ("per_host_streams", perHostStreams.map { .int($0) }),
            ("connect_timeout", connectTimeout.map { .double($0) }), ("timeout", timeout.map { .double($0) }),
            ("read_timeout", readTimeout.map { .double($0) }),
            ("max_redirects", maxRedirects.map { .int($0) }), ("max_bytes", maxBytes.map { .int($0) }),
            ("user_agent", userAgent.map { .string($0) }),
        ] + header.map { ("header", .string($0)) } + [
            ("clear_headers", clearHeaders ? .int(1) : nil),
            ("ca_bundle", caBundle.map { .string($0) }), ("verify_tls", insecure ? .int(0) : nil),
            ("protocols", protocols.map { .string($0) }), ("decode", decode.map { .string($0) }),
            ("absolute_links", absoluteLinks.map { .string($0) }),
            ("worker_memory_limit", workerMemoryLimit.map { .int($0) }),
            ("task_timeout", taskTimeout.map { .double($0) }), ("max_attempts", maxAttempts.map { .int($0) }),
            ("redis_url", redis.map { .string($0) }), ("batch_id", batchId.map { .string($0) }),
            ("visibility_timeout", visibilityTimeout.map { .double($0) }),
            ("max_deliveries", maxDeliveries.map { .int($0) }), ("ttl", ttl.map { .double($0) }),
            ("redis_timeout", redisTimeout.map { .double($0) }), ("key_prefix", keyPrefix.map { .string($0) }),
        ] + politeness.settings + followFlags.settings
        try o.setFlags(settings)
        try patterns.apply(to: &o)
        try safety.apply(to: &o)
        return o
    }
}

