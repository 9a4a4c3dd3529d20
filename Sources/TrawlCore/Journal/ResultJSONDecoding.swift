// SPDX-License-Identifier: Apache-2.0

extension CrawlResult {
    /// Reads back a result that ``JSON/append(_:to:)`` wrote (docs/json.md), for the batch
    /// whose patterns are `patterns` with `groups` capturing groups each: JSON cannot tell a
    /// pattern with no group from one with one, so the shapes come from the batch.
    ///
    /// Every field ``JSON`` writes must be read here: JournalTests re-renders what it reads
    /// and compares it with what was written, so a field added to one side only fails there.
    /// - Returns: nil when `json` is not such an object, or its matches do not fit `patterns`.
    public init?(json: JSONValue, index: Int, patterns: [PatternSpec], groups: [Int]) {
        guard case .object = json, let url = json["url"]?.string else { return nil }
        self.init(index: index, url: url)
        func optionalString(_ name: String) -> String?? {
            guard let v = json[name] else { return .none }
            if v.isNull { return .some(nil) }
            return v.string.map { .some($0) }
        }
        guard let finalURL = optionalString("final_url"), let contentType = optionalString("content_type"),
              let charset = optionalString("charset"), let status = json["status"],
              let bytes = json["bytes"]?.int, let ms = json["elapsed_ms"]?.double, let error = json["error"]
        else { return nil }
        self.finalURL = finalURL
        self.contentType = contentType
        self.charset = charset
        if !status.isNull {
            guard let s = status.int else { return nil }
            self.status = s
        }
        self.bytes = bytes
        self.elapsed = ms / 1000
        if let attempts = json["attempts"] {
            guard let n = attempts.int else { return nil }
            self.attempts = n
        }
        if !error.isNull {
            guard let name = error["code"]?.string, let code = ErrorCode(name: name),
                  let message = error["message"]?.string else { return nil }
            self.error = TrawlError(code, message)
        }
        guard case .object(let lists)? = json["matches"], lists.count == patterns.count else { return nil }
        var matches: [PatternMatches] = []
        for (k, (name, list)) in lists.enumerated() {
            guard name == patterns[k].name, let items = list.array else { return nil }
            var p = PatternMatches(name: name, groups: k < groups.count ? groups[k] : 1)
            for item in items {
                if p.groups > 1 {
                    guard let parts = item.array, parts.count == p.width else { return nil }
                    for part in parts {
                        guard let s = part.string else { return nil }
                        p.appendString(s)
                    }
                } else {
                    guard let s = item.string else { return nil }
                    p.appendString(s)
                }
            }
            matches.append(p)
        }
        self.matches = matches
    }
}
