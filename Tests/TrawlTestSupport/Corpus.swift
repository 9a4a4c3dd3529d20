// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The 130 real pages of `../shared/corpus/readability` next to the package root (read-only),
/// or of `$TRAWL_CORPUS`. Optional: a fresh clone has no `../shared`. Tests that compare with
/// these real pages carry `.enabled(if: Corpus.isPresent, ...)`; everything else crawls the
/// generated ``Site``.
public enum Corpus {
    /// True when the corpus directory holds pages.
    public static var isPresent: Bool { !pages.isEmpty }

    /// The package root: three levels above this file (`Tests/TrawlTestSupport/Corpus.swift`).
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .path
    }

    /// The corpus directory: `$TRAWL_CORPUS`, else `<package root>/../shared/corpus/readability`.
    public static var directory: String {
        if let env = ProcessInfo.processInfo.environment["TRAWL_CORPUS"], !env.isEmpty {
            return env
        }
        return URL(fileURLWithPath: packageRoot)
            .appendingPathComponent("../shared/corpus/readability").standardized.path
    }

    /// The page file names (`"001.html"`, ...), sorted; empty when the directory is missing.
    public static var pages: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".html") }.sorted()
    }

    /// The full path of one page.
    public static func path(_ page: String) -> String {
        directory + "/" + page
    }

    /// The bytes of one page as they are on disk (what the test server sends).
    public static func bytes(_ page: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(page)).map { [UInt8]($0) }
    }
}
