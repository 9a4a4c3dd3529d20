// SPDX-License-Identifier: Apache-2.0

import Foundation
import TrawlCore

/// Runs Python 3's `re.findall` on a list of cases in one `python3` process: the oracle the
/// translator is checked against.
enum PythonOracle {
    struct Case: Codable {
        var pattern: String
        var flags: UInt32
        var subject: String
    }

    enum Outcome: Equatable {
        case matches([[String]])
        case error(String, Int?)
    }

    private static let script = #"""
import json, re, sys
out = []
for case in json.load(sys.stdin):
    try:
        found = re.findall(case["pattern"], case["subject"], case["flags"])
        out.append({"matches": [list(m) if isinstance(m, tuple) else [m] for m in found]})
    except re.error as e:
        out.append({"error": e.msg, "pos": e.pos})
    except (ValueError, OverflowError) as e:
        out.append({"error": str(e), "pos": None})
json.dump(out, sys.stdout)
"""#

    private struct Reply: Decodable {
        var matches: [[String]]?
        var error: String?
        var pos: Int?
    }

    static func run(_ cases: [Case]) throws -> [Outcome] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let payload = try JSONEncoder().encode(cases)
        input.fileHandleForWriting.write(payload)
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let replies = try JSONDecoder().decode([Reply].self, from: data)
        return replies.map { r in
            if let m = r.matches { return .matches(m) }
            return .error(r.error ?? "?", r.pos)
        }
    }
}

/// Where the shared corpus lives: `TRAWL_CORPUS`, else `<package root>/../shared/corpus/readability`.
func corpusDirectory() -> URL {
    if let env = ProcessInfo.processInfo.environment["TRAWL_CORPUS"] { return URL(fileURLWithPath: env) }
    return packageRoot().deletingLastPathComponent().appendingPathComponent("shared/corpus/readability")
}

func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
