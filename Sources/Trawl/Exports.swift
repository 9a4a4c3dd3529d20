// SPDX-License-Identifier: Apache-2.0

// One import for Swift packages: `import Trawl` brings the options, the crawler and its
// batches, the results and the errors, which live in the modules that libtrawl.so is built
// from. Whole modules, not single declarations: a scoped re-export leaves out the members
// that extensions in other files add (CrawlOptions.set(_:_:)). Those modules stay free of
// Foundation; only this module's `URL` overloads use it. TrawlHTTP comes along because
// ObservedPage.response is its FetchResponse.
@_exported public import TrawlCore
@_exported public import TrawlExtract
@_exported public import TrawlBackends
@_exported public import TrawlHTTP
