// SPDX-License-Identifier: Apache-2.0

/// The registry (``CrawlOptions/registry``) rendered for people and programs: the JSON of
/// `trawl_options_describe_json`, the table of docs/c-api.md and the list in include/trawl.h.
/// Tests compare the files with these renderings, so the docs cannot drift from the code.
public enum OptionDocs {
    /// Every option as a JSON array of objects with the keys `name`, `type`, `default`, `min`,
    /// `max`, `choices`, `scope`, `flag`, `repeatable` and `doc` (docs/c-api.md describes them).
    public static func describeJSON() -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, spec) in CrawlOptions.registry.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            func key(_ k: String) {
                if k != "name" { out.append(UInt8(ascii: ",")) }
                JSON.appendString(k, to: &out)
                out.append(UInt8(ascii: ":"))
            }
            func raw(_ s: String) { out.append(contentsOf: s.utf8) }
            out.append(UInt8(ascii: "{"))
            key("name"); JSON.appendString(spec.name, to: &out)
            key("type"); JSON.appendString(spec.type.rawValue, to: &out)
            key("default"); append(spec.defaultValue, to: &out)
            let bounds = self.bounds(spec)
            key("min"); raw(bounds?.min ?? "null")
            key("max"); raw(bounds?.max ?? "null")
            key("choices")
            if let choices = spec.choices {
                append(.list(choices), to: &out)
            } else {
                raw("null")
            }
            key("scope"); JSON.appendString(spec.scope.rawValue, to: &out)
            key("flag"); JSON.appendString(spec.flag, to: &out)
            key("repeatable"); raw(spec.repeatable ? "true" : "false")
            key("doc"); JSON.appendString(spec.doc, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The options table of docs/c-api.md (and README's pointer to it), one row per option.
    public static func markdownTable() -> String {
        var lines = [
            "| option | type | range or choices | default | scope | CLI flag | meaning |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for spec in CrawlOptions.registry {
            let type = spec.repeatable ? "\(spec.type.rawValue), repeatable" : spec.type.rawValue
            let cells = [
                "`\(spec.name)`", type, code(range(spec)), code(defaultText(spec)), spec.scope.rawValue,
                "`\(spec.flag)`", spec.doc.replacingPipes(),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The options list in include/trawl.h's comment above `trawl_options_set_int`: one line
    /// per option, `name type range default`.
    public static func headerList() -> String {
        let width = (CrawlOptions.registry.map(\.name.count).max() ?? 0) + 2
        return CrawlOptions.registry.map { spec in
            var line = " *   " + spec.name.padded(to: width) + spec.type.rawValue.padded(to: 8)
            let r = range(spec)
            line += (r.isEmpty ? "-" : r).padded(to: 24) + defaultText(spec)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// One `name=value` line per option that holds a value (a list's items joined by `,`,
    /// a repeatable list's by tabs; the password of a Redis URL hidden), for
    /// `trawl crawl --print-options`.
    public static func settingsText(_ options: CrawlOptions) -> String {
        CrawlOptions.registry.compactMap { spec -> String? in
            guard let v = spec.value(in: options) else { return nil }
            let text: String
            switch v {
            case .null: text = ""
            case .int(let n): text = String(n)
            case .double(let d): text = String(d)
            case .string(let s): text = spec.name == "redis_url" || spec.name == "proxy" ? hidingPassword(s) : s
            case .bool(let b): text = b ? "1" : "0"
            case .list(let items): text = items.joined(separator: spec.repeatable ? "\t" : ",")
            }
            return "\(spec.name)=\(text)\n"
        }.joined()
    }

    /// `redis://user:***@host` for `redis://user:password@host`: passwords are never printed.
    static func hidingPassword(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://"), let at = url.lastIndex(of: "@"),
              scheme.upperBound < at,
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[...colon]) + "***" + String(url[at...])
    }

    // MARK: Pieces

    /// `1..100000`, `thread, process, cluster`, or `""` when the option has no range.
    static func range(_ spec: OptionSpec) -> String {
        if let c = spec.choices { return c.joined(separator: ", ") }
        if let b = bounds(spec) { return "\(b.min)..\(b.max)" }
        if spec.type == .bool { return "0, 1" }
        return ""
    }

    static func bounds(_ spec: OptionSpec) -> (min: String, max: String)? {
        if let r = spec.intRange { return (String(r.lowerBound), String(r.upperBound)) }
        if let r = spec.doubleRange { return (OptionSpec.seconds(r.lowerBound), OptionSpec.seconds(r.upperBound)) }
        return nil
    }

    /// The default as it is passed to a setter: `30`, `"thread"`, `1`, `none`.
    static func defaultText(_ spec: OptionSpec) -> String {
        switch spec.defaultValue {
        case .null: "none"
        case .int(let n): String(n)
        case .double(let d): OptionSpec.seconds(d)
        case .string(let s): "\"\(s)\""
        case .bool(let b): b ? "1" : "0"
        case .list(let items): items.isEmpty ? "none" : "\"\(items.joined(separator: ","))\""
        }
    }

    private static func code(_ s: String) -> String { s.isEmpty ? "" : "`\(s)`" }

    private static func append(_ v: OptionSetting, to out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .int(let n): out.append(contentsOf: String(n).utf8)
        case .double(let d): out.append(contentsOf: String(d).utf8)
        case .string(let s): JSON.appendString(s, to: &out)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (i, s) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.appendString(s, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}

extension String {
    fileprivate func padded(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    /// A table cell cannot hold a bare `|`.
    fileprivate func replacingPipes() -> String {
        String(flatMap { $0 == "|" ? ["\\", "|"] : [$0] })
    }
}
