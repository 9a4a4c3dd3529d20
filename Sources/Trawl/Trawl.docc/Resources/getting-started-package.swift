// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "crawl-example",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "trawl", path: "../trawl"),
    ],
    targets: [
        .executableTarget(
            name: "crawl-example",
            dependencies: [.product(name: "Trawl", package: "trawl")]
        ),
    ]
)
