// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Built products (the `trawl` executable, `libtrawl.so`) for tests that run them, found
/// beside the test bundle as swift-argument-parser's TestHelpers do.
public enum Products {
    /// The build products directory (`.build/debug` or `.build/release`).
    public static var directory: String {
        // The resource bundle of this module sits in the products directory on every platform;
        // Bundle.main is the test runner, which on Linux also lives there.
        let candidates = [
            Bundle.module.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for dir in candidates
        where FileManager.default.fileExists(atPath: dir.appendingPathComponent("Modules").path)
            || FileManager.default.fileExists(atPath: dir.appendingPathComponent("trawl-cli").path) {
            return dir.path
        }
        return candidates[0].path
    }

    /// The path of a built executable or library in ``directory`` (it may not exist yet).
    public static func path(_ name: String) -> String {
        directory + "/" + name
    }
}

/// The build products directory; see ``Products/directory``.
public var productsDirectory: String { Products.directory }
