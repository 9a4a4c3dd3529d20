// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A tmpfs of `bytes` mounted for one test: a disk that fills up for real (ENOSPC).
public struct FullDisk {
    /// Where it is mounted.
    public let directory: String

    /// Mounts it (root only, as the tests run in CI).
    public init(bytes: Int) throws {
        directory = NSTemporaryDirectory() + "trawl-full-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", directory]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw TestServerError(message: "mount -t tmpfs failed with status \(p.terminationStatus) (the tests run as root)")
        }
    }

    /// Unmounts and deletes it.
    public func remove() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [directory]
        try? p.run()
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
