import Trawl

let urls = Array(CommandLine.arguments.dropFirst())
let crawler = try Crawler(options: CrawlOptions())
