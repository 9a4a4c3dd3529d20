// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TrawlCore

/// The help of a flag that sets a registry option (`CrawlOptions.registry`): the registry's
/// one line and default, so `--help`, the docs and the bindings say the same. TrawlCLITests
/// checks that every registry flag appears in `trawl crawl --help` with this text.
func registryHelp(_ name: String) -> ArgumentHelp {
    ArgumentHelp(CrawlOptions.spec(name)?.help ?? "")
}

extension CrawlOptions {
    /// Sets the options whose flags were given (`nil`: not given, the default stays) through
    /// `set`, the validation the C ABI and the bindings use; a refused value names the flag
    /// (`--redis-timeout`, not `redis_timeout`).
    mutating func setFlags(_ settings: [(String, OptionValue?)]) throws {
        for case let (key, value?) in settings {
            do {
                try set(key, value)
            } catch {
                throw ValidationError("\(Self.spec(key)?.flag ?? key): \(error.message)")
            }
        }
    }
}
