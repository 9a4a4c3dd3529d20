// SPDX-License-Identifier: Apache-2.0
//
// Crawls the URLs given as arguments and streams one line per URL, in input order, as the
// results arrive: `for try await` over `crawler.results(for:)`. The crawl is cancelled after
// --deadline seconds (default 30); URLs not fetched by then are printed as `cancelled`.
import Foundation
import Trawl

var arguments = Array(CommandLine.arguments.dropFirst())
var deadline = 30.0
if let i = arguments.firstIndex(of: "--deadline"), i + 1 < arguments.count, let s = Double(arguments[i + 1]) {
    deadline = s
    arguments.removeSubrange(i...(i + 1))
}
let urls = arguments.compactMap { URL(string: $0) }
guard !urls.isEmpty, urls.count == arguments.count else {
    FileHandle.standardError.write(Data("usage: crawl-async [--deadline SECONDS] URL...\n".utf8))
    exit(2)
}

var options = CrawlOptions()
options.patterns.append(PatternSpec(name: "title", source: "<title>(.*?)</title>",
                                    flags: [.ignoreCase, .dotAll]))
let crawler = try Crawler(options: options)

let crawl = Task {
    var failed = 0
    for try await result in crawler.results(for: urls) {
        if let error = result.error {
            failed += 1
            print("\(result.index) \(result.url) error \(error.code.name)")
        } else {
            let title = result[pattern: "title"]?.strings.first ?? ""
            let links = result[pattern: "link"]?.count ?? 0
            print("\(result.index) \(result.url) \(result.status ?? 0) links=\(links) title=\(title)")
        }
    }
    return failed
}
let timer = Task {
    try await Task.sleep(for: .seconds(deadline))
    crawl.cancel()
}
let failed = try await crawl.value
timer.cancel()
print("done: \(urls.count) URLs, \(failed) failed")
