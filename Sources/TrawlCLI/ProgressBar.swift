// SPDX-License-Identifier: Apache-2.0

import TrawlCore
#if canImport(Glibc)
import Glibc
#endif

/// `--progress`: a bar redrawn in place when stderr is a terminal, joblib's lines otherwise
/// (a log file wants lines, not carriage returns).
///
/// `@unchecked Sendable`: the batch calls `update` one call at a time (its progress lock),
/// and `finish` runs after the batch has ended; `lastDraw` is only touched there.
final class ProgressBar: @unchecked Sendable {
    private let isTerminal: Bool
    private let lines: ProgressReporter
    private var lastDraw = -1.0

    init(jobs: Int) {
        isTerminal = isatty(STDERR_FILENO) == 1
        lines = ProgressReporter(verbose: 10, jobs: jobs)
    }

    func update(_ p: Progress) {
        if !isTerminal {
            if let line = lines.line(for: p) { Console.error(line + "\n") }
            return
        }
        // Redraw at most 20 times a second; the last result always draws.
        guard p.done == p.total || p.elapsed - lastDraw >= 0.05 else { return }
        lastDraw = p.elapsed
        let width = 30
        let filled = p.total == 0 ? width : p.done * width / p.total
        let rate = p.elapsed > 0 ? Double(p.done) / p.elapsed : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let flight = p.concurrency.map { "  \($0.running) in flight (limit \($0.limit))" } ?? ""
        Console.error("\r[\(bar)] \(p.done)/\(p.total)  \(Int(rate)) pages/s  \(p.failed) failed\(flight) ")
    }

    func finish() {
        if isTerminal { Console.error("\n") }
    }
}
