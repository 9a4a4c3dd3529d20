// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TrawlCore
@testable import TrawlHTTP
import TrawlTestSupport

/// The lane's idle easy handles and their receive buffers (issue 17 item 2: memory per
/// transfer in flight), as a state machine and on a real lane.
@Suite struct HandlePoolTests {
    struct Handle: ReceiveBuffered, Equatable {
        let id: Int
        let receiveBufferSize: Int
    }

    /// Makes a handle as a lane does: with the size the pool chooses.
    static func make(_ pool: inout HandlePool<Handle>, id: Int) -> Handle {
        let handle = Handle(id: id, receiveBufferSize: pool.nextBufferSize)
        pool.made(bufferSize: handle.receiveBufferSize)
        return handle
    }

    @Test func theFirstHandlesGetTheLargeBufferAndTheRestTheSmall() {
        var pool = HandlePool<Handle>()
        let limit = HandlePool<Handle>.largeHandles
        let handles = (0..<(limit + 10)).map { Self.make(&pool, id: $0) }
        #expect(handles.prefix(limit).allSatisfy { $0.receiveBufferSize == HandlePool<Handle>.largeBuffer })
        #expect(handles.dropFirst(limit).allSatisfy { $0.receiveBufferSize == HandlePool<Handle>.smallBuffer })
        #expect(pool.made == limit + 10 && pool.largeMade == limit)
        #expect(HandlePool<Handle>.smallBuffer < HandlePool<Handle>.largeBuffer)
    }

    @Test func aTransferTakesAnIdleLargeHandleBeforeASmallOne() {
        var pool = HandlePool<Handle>()
        let handles = (0..<(HandlePool<Handle>.largeHandles + 2)).map { Self.make(&pool, id: $0) }
        #expect(pool.take() == nil)
        // Small ones come back last and first: still, a large one is taken first.
        let large = handles[0], small = handles[handles.count - 1]
        pool.put(large)
        pool.put(small)
        #expect(pool.count == 2)
        #expect(pool.take() == large)
        #expect(pool.take() == small)
        #expect(pool.take() == nil)
        // Making more after the large ones are all made stays small.
        #expect(pool.nextBufferSize == HandlePool<Handle>.smallBuffer)
    }

    /// More transfers at once than the lane has large handles: the later handles are made
    /// with the small buffer, and their bodies arrive as whole as the others.
    @Test func aLaneBeyondItsLargeHandlesStillReceivesWholeBodies() throws {
        let page = try #require(Site.pages.max { (Site.bytes($0.name)?.count ?? 0) < (Site.bytes($1.name)?.count ?? 0) })
        let expected = try #require(Site.bytes(page.name))
        try #require(expected.count > HandlePool<CurlEasy>.smallBuffer * 2, "a page larger than two small buffers")
        var options = CrawlOptions()
        options.perHostConnections = 0
        let lane = try FetchLane(options: options)
        let inFlight = HandlePool<CurlEasy>.largeHandles + 16
        let tag = "handle-pool-\(UUID().uuidString)"
        // Each answer waits, so that all of them are in flight at once.
        let urls = (0..<inFlight).map { server("/counted/\(tag)/\(page.name)?delay=0.5&r=\($0)") }
        var cursor = 0
        var got: [Int: FetchResponse] = [:]
        lane.run(inFlight: inFlight, next: {
            guard cursor < urls.count else { return .finished }
            defer { cursor += 1 }
            return .request(FetchRequest(index: cursor, url: urls[cursor]))
        }, isCancelled: { false }, complete: { got[$0.index] = $0 })
        #expect(got.count == urls.count)
        for (index, response) in got.sorted(by: { $0.key < $1.key }) {
            #expect(response.error == nil, "\(index): \(String(describing: response.error))")
            #expect(response.body == expected, "\(index): the body differs")
        }
        let made = lane.handlesMade
        #expect(made.large == HandlePool<CurlEasy>.largeHandles)
        #expect(made.all > made.large, "some handles were made with the small buffer")
    }
}
