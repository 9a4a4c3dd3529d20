// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The demo site that `Resources/sitegen.py` generates (deterministic, no files in the
/// repository): what the tests crawl, so that a fresh clone needs nothing beside it. The test
/// server serves it at `/site/NAME` with each page's Content-Type; ``directory`` holds the same
/// bytes on disk, generated once per version of the generator.
public enum Site {
    /// One page of the site, as `manifest.tsv` describes it.
    public struct Page: Sendable, Equatable {
        /// The file name, `index.html` or `NNN.html`.
        public var name: String
        /// The Content-Type header the test server sends.
        public var contentType: String
        /// The WHATWG name of the charset decoding must report (`utf-8`, `shift_jis`, ...).
        public var charset: String
        /// `index`, `utf-8`, `header`, `bom`, `meta` (where the charset is declared) or
        /// `backtrack` (a page on which Python's `re` does not finish the default patterns).
        public var kind: String
        /// False on the pages where Python's `re.findall` backtracks exponentially.
        public var pythonSafe: Bool
    }

    /// The generated site on disk: `NAME` (the bytes served), `text/NAME` (the UTF-8 text
    /// decoding must give) and `manifest.tsv`, in the temporary directory under a name derived
    /// from the generator's bytes, so that runs share it and a changed generator makes a new one.
    /// Traps with the reason when python3 cannot generate it: no test that needs it could run.
    public static let directory: String = {
        do {
            return try generate()
        } catch {
            fatalError("Site could not be generated: \(error)")
        }
    }()

    /// Every page, `index.html` first, then `001.html`, ... in order.
    public static let pages: [Page] = {
        let manifest = (try? String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8)) ?? ""
        return manifest.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5 else { return nil }
            return Page(name: f[0], contentType: f[1], charset: f[2], kind: f[3], pythonSafe: f[4] == "1")
        }
    }()

    /// The page names, in ``pages`` order.
    public static var names: [String] { pages.map(\.name) }

    /// The pages Python's `re` finishes: what the Python baseline can be compared on.
    public static var pythonSafe: [Page] { pages.filter(\.pythonSafe) }

    /// The UTF-8 pages without a BOM: bodies that are valid UTF-8 from the first byte.
    public static var plainUTF8: [Page] { pages.filter { $0.charset == "utf-8" && $0.kind != "bom" } }

    /// The page called `name`.
    public static func page(_ name: String) -> Page? { pages.first { $0.name == name } }

    /// The path of a page's bytes on disk.
    public static func path(_ name: String) -> String { directory + "/" + name }

    /// The bytes the test server sends for a page.
    public static func bytes(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(name)).map { [UInt8]($0) }
    }

    /// The text decoding a page must give (its charset applied, the BOM removed).
    public static func text(_ name: String) -> String? {
        FileManager.default.contents(atPath: directory + "/text/" + name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The generator inside this module's resource bundle.
    public static var generatorPath: String {
        URL(fileURLWithPath: TestServer.scriptPath).deletingLastPathComponent()
            .appendingPathComponent("sitegen.py").path
    }

    private static func generate() throws -> String {
        let script = try Data(contentsOf: URL(fileURLWithPath: generatorPath))
        // FNV-1a of the generator: the directory's name changes whenever the pages may.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in script { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let final = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("trawl-site-" + String(hash, radix: 16)).path
        if FileManager.default.fileExists(atPath: final + "/manifest.tsv") { return final }
        // Written aside, then renamed: concurrent test processes never see half a site.
        let partial = final + ".\(getpid()).partial"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", generatorPath, "--out", partial]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(message: "python3 \(generatorPath) --out \(partial) exited \(process.terminationStatus)")
        }
        if rename(partial, final) != 0 {
            // Another process got there first: its copy is the same.
            try? FileManager.default.removeItem(atPath: partial)
        }
        return final
    }
}

extension TestServer {
    /// The URL of a page of the generated site: `/site/NAME`.
    public func siteURL(_ page: String) -> String {
        url("/site/" + page)
    }
}
