import Trawl

let urls = Array(CommandLine.arguments.dropFirst())
var options = CrawlOptions()
options.patterns.append(PatternSpec(name: "title", source: "<title>(.*?)</title>",
                                   flags: [.ignoreCase, .dotAll]))
let crawler = try Crawler(options: options)

let crawl = Task {
    for try await result in crawler.results(for: urls) {
        if let error = result.error {
            print(result.url, "failed:", error)
        } else {
            print(result.url, result[pattern: "title"]?.strings.first ?? "(no title)")
        }
    }
}
Task {
    try await Task.sleep(for: .seconds(10))
    crawl.cancel()
}
try await crawl.value
