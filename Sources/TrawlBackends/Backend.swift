// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// What a backend can do, asked instead of switching on its kind (joblib's backend flags).
public struct BackendCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Lanes are threads of the calling process: lane-side hooks (page observers) run here.
    public static let inProcess = BackendCapabilities(rawValue: 1 << 0)
    /// A crashing page costs a retry in another process, never the batch
    /// (``CrawlOptions/maxAttempts`` applies).
    public static let isolatesCrashes = BackendCapabilities(rawValue: 1 << 1)
    /// Work runs in `trawl worker` executables found by the process backend's locator.
    public static let spawnsWorkers = BackendCapabilities(rawValue: 1 << 2)
    /// Work may run on other machines; a submitter that starts again with the same
    /// ``CrawlOptions/batchID`` resumes collecting.
    public static let distributed = BackendCapabilities(rawValue: 1 << 3)
    /// Starting a batch contacts a service on the caller's thread, so that an unreachable
    /// one fails the start rather than every URL.
    public static let submitsOnStart = BackendCapabilities(rawValue: 1 << 4)
    /// Reads a streamed batch's URLs as it has room for them (``Crawler/start(source:onProgress:)``);
    /// other backends read the whole source when the batch starts.
    public static let streamsInput = BackendCapabilities(rawValue: 1 << 5)
    /// Follows links (``CrawlOptions/follow``): the frontier runs beside the batch's results.
    public static let followsLinks = BackendCapabilities(rawValue: 1 << 6)
    /// Follows links with the frontier and seen-set in the backend's shared store (Redis):
    /// its workers enqueue the links, and the batch holds no `FollowSource`.
    public static let sharesFrontier = BackendCapabilities(rawValue: 1 << 7)
}

/// One way of running a batch. A backend is made on the caller's thread by ``start(hub:)``
/// (which may fail the start) and then ``run()`` on the batch's own thread until every URL it
/// took has a result in the hub; URLs it leaves without one are failed by the hub.
protocol Backend: Sendable {
    static var capabilities: BackendCapabilities { get }
    /// Checks, when a ``Crawler`` is made, what this backend needs (a worker executable, a
    /// parsable Redis URL).
    static func validate(_ options: CrawlOptions) throws(TrawlError)
    /// Prepares a batch; with ``BackendCapabilities/submitsOnStart`` this is where it submits.
    static func start(hub: BatchHub) throws(TrawlError) -> Self
    /// Runs the batch, delivering every result to the hub.
    func run()
}

extension Backend {
    static func validate(_ options: CrawlOptions) throws(TrawlError) {}
}

extension BackendKind {
    /// The backend that runs batches of this kind.
    var implementation: any Backend.Type {
        switch self {
        case .thread: ThreadBackend.self
        case .process: ProcessBackend.self
        case .cluster: ClusterBackend.self
        }
    }

    /// What this kind of backend can do.
    public var capabilities: BackendCapabilities { implementation.capabilities }

    /// The backends that follow links, for error messages.
    static var following: String {
        allCases.filter { $0.capabilities.contains(.followsLinks) }.map(\.rawValue).joined(separator: ", ")
    }
}

extension CrawlOptions {
    /// Why a batch with these options reads its whole URL source when it starts, or nil when
    /// its backend reads the source only as it has room (bounded memory at any length).
    var wholeInputReason: String? {
        if follow != nil { return "follow: its input is its seeds and the links it finds" }
        if !backend.capabilities.contains(.streamsInput) {
            return "the \(backend.rawValue) backend reads its whole input before it starts"
        }
        // A batch that may be resumed by its id must be matched with the list it was
        // submitted with; a random id is never resumed, so its input streams.
        if backend.capabilities.contains(.distributed) && batchID != nil {
            return "a \(backend.rawValue) batch with batch_id reads its whole input before it starts, so that a run again with the same id can be matched with the URLs first submitted"
        }
        return nil
    }
}
