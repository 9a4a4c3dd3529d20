// SPDX-License-Identifier: Apache-2.0

@testable import TrawlRobots

/// The robots.txt parser and matcher (`RobotsTxt`, `RobotsRules`, `RobotsPath`) on any file
/// and path: no crash, no hang (a hostile file meets every URL of its host), and the
/// decisions RFC 9309 fixes whatever the file says.
///
/// Input: the path to decide (up to the first NUL, at most 2 KiB as a crawled URL's path
/// would be), then the robots.txt bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let nul = bytes.firstIndex(of: 0) ?? 0
    let path = "/" + String(decoding: bytes[..<min(nul, 2048)], as: UTF8.self)
    let file = bytes[(nul < size ? nul + 1 : size)...]
    let robots = RobotsTxt(file)
    for agent in ["trawl", "*", ""] + robots.groups.prefix(2).flatMap(\.agents) {
        let rules = robots.rules(for: agent)
        let decision = rules.allows(path: path)
        if !rules.allows(path: "/robots.txt") { fatalError("/robots.txt refused for \(agent)") }
        if let d = rules.crawlDelay, !d.isFinite || d < 0 { fatalError("crawl delay \(d)") }
        // The same file read again decides alike (no state kept between parses).
        if RobotsTxt(file).rules(for: agent).allows(path: path) != decision { fatalError("decision changed") }
        for rule in rules.rules {
            if rule.pattern.isEmpty { fatalError("empty pattern kept") }
            // A pattern without wildcards matches the path it spells.
            if !rule.pattern.contains(UInt8(ascii: "*")) && !rule.pattern.contains(UInt8(ascii: "$")),
               !RobotsPath.matches(rule.pattern, rule.pattern) {
                fatalError("pattern does not match itself")
            }
        }
    }
    if !RobotsRules.allowAll.allows(path: path) || RobotsRules.disallowAll.allows(path: path) {
        fatalError("allowAll/disallowAll")
    }
    return 0
}
