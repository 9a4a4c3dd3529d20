// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// The `host:port` key a lane paces and limits a URL by, read outside a lane: the process
/// backend's host process schedules each host's request starts across its workers, so it
/// needs the same key the workers' ``HostTable`` would use.
///
/// Not `Sendable` (it holds a libcurl URL handle): one per thread.
public struct HostKeys {
    private let validation: URLValidation

    /// - Parameter allowedProtocols: the batch's `allowed_protocols`; a URL outside them has no key.
    public init(allowedProtocols: [String]) throws(TrawlError) {
        validation = try URLValidation(allowedProtocols: allowedProtocols)
    }

    /// The key of `url` (after IDN conversion, lowercased), or nil when the URL will fail
    /// validation in the worker anyway and so never reaches a host.
    public func key(_ url: String) -> String? {
        if case .success(let checked) = validation.check(url) { return checked.host }
        return nil
    }
}
