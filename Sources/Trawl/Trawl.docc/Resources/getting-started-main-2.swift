import Trawl

let urls = Array(CommandLine.arguments.dropFirst())
let crawler = try Crawler(options: CrawlOptions())

for try await result in crawler.results(for: urls) {
    if let error = result.error {
        print(result.url, "failed:", error)
    } else {
        print(result.url, result.status ?? 0, result[pattern: "link"]?.count ?? 0, "links")
    }
}
