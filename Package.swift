// swift-tools-version:6.0
// SPDX-License-Identifier: Apache-2.0
//
// trawl: crawl batches of URLs in parallel and extract data with PCRE2.
//
// Targets, one per concern (see README.md, "Architecture"):
//   CCurl, CPCRE2          system libraries through pkg-config, with small C shims
//   TrawlCore              pure Swift: options, results, errors, ordering, progress, JSON
//   TrawlDecode            body bytes -> UTF-8 text (WHATWG sniffing, iconv transcoding)
//   TrawlExtract           Python `re` syntax -> PCRE2 (JIT), findall semantics, budgets
//   CZlib, CBrotli, CZstd  the content-coding libraries through pkg-config
//   CIdn2                  libidn2, for international host names
//   TrawlContent           gzip/deflate, br and zstd bodies decoded within bounded memory
//   TrawlRobots            robots.txt (RFC 9309) parsing and matching, pure
//   TrawlLinks             WHATWG URL parsing: links made absolute, URLs normalised
//   CPsl, TrawlFollow      libpsl and follow mode's frontier (seeds in, links in, next URL out)
//   TrawlHTTP              libcurl multi transfer loop
//   CHiredis, TrawlRedis   hiredis and a small Redis Streams client for the cluster backend
//   TrawlBackends          the batch engine and its backends (thread, process, cluster)
//   TrawlCABI              the @_cdecl exports behind include/trawl.h -> libtrawl.so
//   Trawl                  the Swift library: re-exports the API, async/await, URL input
//   TrawlCLI               the `trawl` executable
import PackageDescription

// SwiftPM cannot give a library product and an executable product the same name, so the
// dynamic library product is `trawl` (-> libtrawl.so) and the executable product is
// `trawl-cli`; `make` links .build/release/trawl to it.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "trawl",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "trawl", type: .dynamic, targets: ["TrawlCABI"]),
        // Swift packages: `.product(name: "Trawl", package: "trawl")`, then `import Trawl`.
        .library(name: "Trawl", targets: ["Trawl"]),
        .executable(name: "trawl-cli", targets: ["TrawlCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // No pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM rejects with a
        // warning; the headers are in the default include path and the modulemap links it.
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        // glibc's mallopt and posix_spawn's closefrom (not in Swift's Glibc module).
        .systemLibrary(name: "CPosix", path: "Sources/CPosix"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CIdn2", pkgConfig: "libidn2", providers: [.apt(["libidn2-dev"])]),
        .systemLibrary(name: "CPsl", pkgConfig: "libpsl", providers: [.apt(["libpsl-dev", "publicsuffix"])]),
        .target(name: "TrawlCore", swiftSettings: strict),
        .target(
            name: "TrawlContent",
            dependencies: ["TrawlCore", "CZlib", "CBrotli", "CZstd"],
            swiftSettings: strict
        ),
        .target(name: "TrawlDecode", dependencies: ["TrawlCore"], swiftSettings: strict),
        .target(name: "TrawlExtract", dependencies: ["TrawlCore", "CPCRE2"], swiftSettings: strict),
        .target(name: "TrawlWARC", dependencies: ["TrawlCore", "CZlib"], swiftSettings: strict),
        .target(name: "TrawlRobots", swiftSettings: strict),
        .target(name: "TrawlHTTP", dependencies: ["TrawlCore", "TrawlContent", "TrawlRobots", "CCurl", "CIdn2"],
                swiftSettings: strict),
        .target(name: "TrawlLinks", dependencies: ["TrawlCore", "CIdn2"], swiftSettings: strict),
        .target(name: "TrawlFollow", dependencies: ["TrawlCore", "TrawlLinks", "TrawlExtract", "CPsl"],
                swiftSettings: strict),
        .target(name: "TrawlRedis", dependencies: ["TrawlCore", "CHiredis"], swiftSettings: strict),
        .target(
            name: "TrawlBackends",
            dependencies: ["TrawlCore", "TrawlContent", "TrawlDecode", "TrawlExtract", "TrawlHTTP", "TrawlLinks", "TrawlRedis", "TrawlWARC",
                           "TrawlFollow", "CPosix"],
            swiftSettings: strict
        ),
        .target(
            name: "Trawl",
            dependencies: ["TrawlCore", "TrawlExtract", "TrawlBackends"],
            swiftSettings: strict
        ),
        .target(
            name: "TrawlCABI",
            dependencies: ["TrawlBackends"],
            exclude: ["exports.map"],
            swiftSettings: strict,
            linkerSettings: [
                // Only the C names leave the library, and the Swift runtime is linked in
                // statically so that C programs and scripts need nothing but the system C
                // libraries. (SwiftPM's --static-swift-stdlib does not reach dynamic libraries.)
                .unsafeFlags([
                    "-static-stdlib",
                    "-Xlinker", "--version-script=Sources/TrawlCABI/exports.map",
                    "-Xlinker", "-soname=libtrawl.so.0",
                ]),
            ]
        ),
        .executableTarget(
            name: "TrawlCLI",
            dependencies: [
                "TrawlBackends", "TrawlCore", "TrawlDecode", "TrawlExtract", "TrawlWARC", "CPosix",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            // lld: GNU ld repeats glibc's link-time note about mktemp, which the statically
            // linked FoundationEssentials (pulled in by ArgumentParser) references.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ),
        .target(
            name: "TrawlTestSupport",
            dependencies: ["TrawlCore"],
            path: "Tests/TrawlTestSupport",
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .testTarget(name: "TrawlCoreTests", dependencies: ["TrawlCore", "TrawlTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "TrawlDecodeTests",
            dependencies: ["TrawlDecode", "TrawlTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrawlExtractTests",
            dependencies: ["TrawlExtract", "TrawlTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrawlContentTests",
            dependencies: ["TrawlContent", "TrawlTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "TrawlRobotsTests", dependencies: ["TrawlRobots"], swiftSettings: strict),
        .testTarget(name: "TrawlRedisTests", dependencies: ["TrawlRedis", "CHiredis", "TrawlCore"], swiftSettings: strict),
        .testTarget(
            name: "TrawlLinksTests",
            dependencies: ["TrawlLinks", "TrawlTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrawlHTTPTests",
            dependencies: ["TrawlHTTP", "TrawlTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "TrawlFollowTests", dependencies: ["TrawlFollow", "TrawlTestSupport"], swiftSettings: strict),
        .testTarget(name: "TrawlWARCTests", dependencies: ["TrawlWARC", "TrawlTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "TrawlBackendsTests",
            dependencies: ["TrawlBackends", "TrawlTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrawlTests",
            dependencies: ["Trawl", "TrawlTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrawlHostileTests",
            dependencies: ["TrawlBackends", "TrawlCore", "TrawlTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrawlClusterTests",
            dependencies: ["TrawlBackends", "TrawlRedis", "TrawlTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TrawlCLITests",
            dependencies: ["TrawlCore", "TrawlTestSupport"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: - Fuzz targets (Fuzz/README.md)

// libFuzzer executables, declared only when TRAWL_FUZZ=1 (`make fuzz`, scratch path
// .build-fuzz): they have no `main` of their own (libFuzzer's comes with -sanitize=fuzzer), so
// a normal `swift build` must not see them.
if Context.environment["TRAWL_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzRegex", ["TrawlExtract", "TrawlCore"]),
        ("FuzzBodyDecoder", ["TrawlDecode", "TrawlCore"]),
        ("FuzzURLValidation", ["TrawlHTTP", "TrawlCore"]),
        ("FuzzFrames", ["TrawlBackends", "TrawlCore"]),
        ("FuzzRedisReplies", ["TrawlRedis", "TrawlBackends", "TrawlCore", "CHiredis"]),
        ("FuzzContentDecoding", ["TrawlContent", "TrawlCore"]),
        ("FuzzRobots", ["TrawlRobots"]),
    ]
    for t in fuzzTargets {
        package.targets.append(.executableTarget(
            name: t.name, dependencies: t.dependencies, path: "Fuzz/\(t.name)",
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])],
            // lld: gold warns about ASan's local symbols; nostart-stop-gc keeps the coverage
            // counters' sections, which lld's --gc-sections would drop as unreferenced.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "nostart-stop-gc"])]
        ))
    }
}
