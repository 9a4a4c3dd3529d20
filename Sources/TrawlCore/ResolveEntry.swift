// SPDX-License-Identifier: Apache-2.0

extension CrawlOptions {
    /// Why `entry` is not a `resolve` entry, nil when it is one: `HOST:PORT:ADDRESS` with
    /// one or more comma-separated addresses (IPv6 in brackets or bare), as curl's `--resolve`
    /// reads them; libcurl itself ignores a malformed entry without a word.
    public static func resolveProblem(_ entry: String) -> String? {
        let shape = "resolve entries look like HOST:PORT:ADDRESS (example.com:443:127.0.0.1), got '\(entry)'"
        let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return shape }
        let host = parts[0], port = parts[1]
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ",") }) else {
            return "resolve entry '\(entry)': the host must be a name of printable ASCII (its ASCII form for an international one)"
        }
        guard let n = Int(port), port.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), (1...65535).contains(n) else {
            return "resolve entry '\(entry)': the port must be a number from 1 to 65535"
        }
        let addresses = parts[2].split(separator: ",", omittingEmptySubsequences: false)
        for a in addresses where IPAddress(String(a).trimmingSpaces()) == nil {
            return "resolve entry '\(entry)': '\(a)' is not an IPv4 or IPv6 address"
        }
        return nil
    }
}
