// swift-tools-version:6.0
// SPDX-License-Identifier: Apache-2.0
//
// A package that uses trawl as any Swift package would: by path (from a clone), product
// `Trawl`, `import Trawl`. Build and run: swift run --package-path examples/swift crawl-async URL...
import PackageDescription

let package = Package(
    name: "trawl-swift-example",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `name:` because a path dependency is otherwise named after its folder, and a clone
        // of trawl may live in a folder of any name.
        .package(name: "trawl", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "crawl-async",
            dependencies: [.product(name: "Trawl", package: "trawl")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
