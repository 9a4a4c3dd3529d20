// SPDX-License-Identifier: Apache-2.0

/// joblib's progress lines, so that `verbose=10` looks as it does in the Python idiom trawl
/// replaces: `[trawl(n_jobs=2)]: Done  17 out of 130 | elapsed:    0.1s remaining:    0.7s`.
///
/// Pure: it decides which results deserve a line and formats it; the caller writes it.
public struct ProgressReporter: Sendable {
    public let verbose: Int
    public let jobs: Int

    public init(verbose: Int, jobs: Int) {
        self.verbose = verbose
        self.jobs = jobs
    }

    /// joblib prints to stderr below 50 and to stdout from 50 on.
    public var toStdout: Bool { verbose >= 50 }

    /// The line to print after `p.done` results, or `nil` when this result stays silent.
    /// The last result always prints.
    public func line(for p: Progress) -> String? {
        guard verbose > 0, p.done > 0 else { return nil }
        if p.done < p.total && Self.isFiltered(index: p.done - 1, verbose: verbose) { return nil }
        let done = String(p.done).leftPadded(to: 3), total = String(p.total).leftPadded(to: 3)
        var s = "[trawl(n_jobs=\(jobs))]: Done \(done) out of \(total) | elapsed: \(Self.duration(p.elapsed))"
        if p.done == p.total {
            s += " finished"
        } else {
            let remaining = p.elapsed / Double(p.done) * Double(p.total - p.done)
            s += " remaining: \(Self.duration(remaining))"
        }
        return s
    }

    /// joblib's `_verbosity_filter`: true hides the line for the result at `index`. Lines get
    /// sparser as the batch goes on (square-root spacing), denser with a higher verbosity;
    /// above 10 every result prints.
    static func isFiltered(index: Int, verbose: Int) -> Bool {
        if verbose > 10 { return false }
        if index == 0 { return false }
        let v = 0.5 * Double((11 - verbose) * (11 - verbose))
        let scale = (Double(index) / v).squareRoot()
        let nextScale = (Double(index + 1) / v).squareRoot()
        return Int(nextScale) == Int(scale)
    }

    /// joblib's `short_format_time` (`'%5.1fs'`, `'%4.1fmin'`): `"  3.2s"`, `" 1.5min"`.
    static func duration(_ t: Double) -> String {
        if t > 60 { return oneDecimal(t / 60).leftPadded(to: 4) + "min" }
        return oneDecimal(t).leftPadded(to: 5) + "s"
    }

    static func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
