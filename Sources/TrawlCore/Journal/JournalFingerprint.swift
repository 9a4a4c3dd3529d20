// SPDX-License-Identifier: Apache-2.0

/// What makes two runs "the same batch" for a journal: every option that shapes a result (the
/// fetch and extract options, which also travel to workers) and the patterns. Options that
/// only say where and how fast the batch runs (jobs, backend, order, the journal itself) may
/// change between a run and its resumption.
public struct JournalFingerprint: Sendable, Equatable {
    /// One `name=value` line per setting, in registry order, then one per pattern.
    public let settings: [String]

    public init(settings: [String]) { self.settings = settings }

    /// Worker options that do not shape results: archiving may change between runs.
    static let ignored: Set<String> = ["warc", "warc_max_bytes"]

    public init(options: CrawlOptions) {
        var lines: [String] = []
        for spec in CrawlOptions.registry where spec.scope.travelsToWorkers && !Self.ignored.contains(spec.name) {
            for v in spec.settings(from: options) {
                let text = switch v {
                case .int(let n): String(n)
                case .double(let d): String(d)
                case .string(let s): s
                }
                lines.append("\(spec.name)=\(text)")
            }
        }
        for p in options.effectivePatterns {
            lines.append("pattern=\(p.name)/\(p.flags.letters)=\(p.source)")
        }
        settings = lines
    }

    /// FNV-1a (64 bits) of the settings, as 16 hex digits: a short name for them in the
    /// journal's first line (the lines themselves are kept to say what differs).
    public var digest: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for line in settings {
            for b in line.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0x0A) &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The first setting that differs between a journal's batch (`self`) and `other`, worded
    /// for an error message.
    public func difference(from other: JournalFingerprint) -> String {
        for (a, b) in zip(settings, other.settings) where a != b {
            return "the journal's batch had \(a.debugDescription), this one has \(b.debugDescription)"
        }
        if settings.count > other.settings.count {
            return "the journal's batch also had \(settings[other.settings.count].debugDescription)"
        }
        if other.settings.count > settings.count {
            return "this batch also has \(other.settings[settings.count].debugDescription)"
        }
        return "the journal's fingerprint does not match its settings"
    }
}
