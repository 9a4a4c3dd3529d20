// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import TrawlCore
import TrawlTestSupport

/// The CLI's flags against the options registry: every option has its flag, the flag's help
/// is the registry's, and giving the flag sets the option.
@Suite struct OptionFlagsTests {
    let cli = CLITests()

    /// `--help` with its line wrapping undone.
    func help(_ args: [String]) throws -> String {
        let run = try cli.trawl(args + ["--help"])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `--flag [<value>] help`, in help text whose whitespace was collapsed.
    func mentions(_ help: String, _ spec: OptionSpec) -> Bool {
        let text = spec.help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let pattern = NSRegularExpression.escapedPattern(for: spec.flag) + "( <[a-z-]+>)? "
            + NSRegularExpression.escapedPattern(for: text)
        return help.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func everyOptionHasItsFlagWithTheRegistrysHelp() throws {
        let crawl = try help(["crawl"])
        for spec in CrawlOptions.registry {
            #expect(mentions(crawl, spec), "trawl crawl --help: \(spec.flag) missing or not '\(spec.help)'")
        }
    }

    @Test func workerFlagsHaveTheRegistrysHelp() throws {
        let worker = try help(["worker"])
        for name in ["redis_url", "jobs", "concurrency", "key_prefix", "redis_timeout", "visibility_timeout",
                     "max_deliveries"] {
            let spec = try #require(CrawlOptions.spec(name))
            #expect(mentions(worker, spec), "trawl worker --help: \(spec.flag) missing or not '\(spec.help)'")
        }
    }

    /// Every flag given with a value other than its default: `--print-options` must show
    /// exactly what `CrawlOptions.set` makes of the same values, so a flag that is declared but
    /// not passed on fails here.
    @Test func everyFlagSetsItsOption() throws {
        var args = ["crawl", "--print-options"]
        var expected = CrawlOptions()
        for spec in CrawlOptions.registry where spec.name != "clear_headers" {
            args += OptionSamples.arguments(spec)
            try expected.set(spec.name, OptionSamples.nonDefault(spec))
        }
        let run = try cli.trawl(args)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == OptionDocs.settingsText(expected))
        for spec in CrawlOptions.registry where spec.name != "clear_headers" {
            #expect(spec.value(in: expected) != spec.value(in: CrawlOptions()), "\(spec.name): the sample is the default")
        }

        let cleared = try cli.trawl(["crawl", "--print-options", "--header", "X-A: 1", "--clear-headers"])
        #expect(cleared.stdout.contains("\nheader=\n"), "\(cleared.stdout)")
        let defaults = try cli.trawl(["crawl", "--print-options"])
        #expect(defaults.stdout == OptionDocs.settingsText(CrawlOptions()))
    }

    @Test func redisPasswordsAreNotPrinted() throws {
        let run = try cli.trawl(["crawl", "--print-options", "--redis", "redis://u:s3cret@127.0.0.1:1/0"])
        #expect(run.stdout.contains("redis_url=redis://u:***@127.0.0.1:1/0"), "\(run.stdout)")
        #expect(!run.stdout.contains("s3cret"))
    }

    /// Header injection through the user agent: refused before any request, with the flag
    /// named; the loopback server never sees a request carrying the injected line.
    @Test func lineBreaksInRequestStringsAreRefused() throws {
        let echo = cli.server.url("/headers")
        for args in [["--user-agent", "ua\r\nX-Injected: 1"], ["--user-agent", "ua\nX-Injected: 1"],
                     ["--header", "X-A: 1\r\nX-Injected: 1"]] {
            let run = try cli.trawl(["crawl"] + args + [echo])
            #expect(run.status == 64, "\(args): \(run.stderr)")
            #expect(run.stderr.contains(args[0]) && run.stderr.contains("CR or LF"), "\(run.stderr)")
            #expect(!run.stdout.lowercased().contains("x-injected"))
        }
        // The same crawl with a clean user agent reaches the server, which echoes it.
        let clean = try cli.trawl(["crawl", "--no-default-patterns", "--pattern", "ua=\"user-agent\": \"([^\"]*)\"",
                                   "--user-agent", "ua-clean", echo])
        #expect(clean.status == 0, "\(clean.stderr)")
        let m = try #require(clean.lines.first?["matches"] as? [String: Any])
        #expect(m["ua"] as? [String] == ["ua-clean"])
    }

    /// read_timeout, reachable by name since it has a registry entry: a server that goes
    /// silent for longer ends the URL as timeout, long before the whole-transfer timeout.
    @Test func readTimeoutEndsASilentTransfer() throws {
        let run = try cli.trawl(["crawl", "--read-timeout", "1", "--timeout", "60",
                                 cli.server.url("/drip?bytes=5&interval=4")])
        #expect(run.status == 0, "\(run.stderr)")
        let error = try #require(run.lines.first?["error"] as? [String: Any], "\(run.stdout)")
        #expect(error["code"] as? String == "timeout")
    }

    @Test func optionsCommandPrintsTheRegistry() throws {
        let json = try cli.trawl(["options", "--format", "json"])
        #expect(json.status == 0)
        #expect(json.stdout == OptionDocs.describeJSON() + "\n")
        let md = try cli.trawl(["options", "--format", "markdown"])
        #expect(md.stdout == OptionDocs.markdownTable())
        let text = try cli.trawl(["options"])
        #expect(text.stdout.split(separator: "\n").count == CrawlOptions.registry.count)
        #expect(try cli.trawl(["options", "--format", "xml"]).status != 0)
    }
}

/// A pattern that does not compile: the message gives the offset, and the pattern is shown
/// with a caret under it (from `TrawlError.offset`, not parsed from the text).
@Suite struct RegexErrorMessageTests {
    @Test func theOffsetIsShownUnderThePattern() throws {
        let cli = CLITests()
        let run = try cli.trawl(["crawl", "--pattern", "x=ab(cd", cli.server.url("/")])
        #expect(run.status != 0)
        #expect(run.stderr.contains("pattern 'x':") && run.stderr.contains("at offset 2"), "\(run.stderr)")
        #expect(run.stderr.contains("\n  ab(cd\n    ^"), "\(run.stderr)")
        let extract = try cli.trawl(["extract", "--pattern", "y=éé(x", "/dev/null"])
        #expect(extract.stderr.contains("\n  éé(x\n    ^"), "\(extract.stderr)")
    }
}
