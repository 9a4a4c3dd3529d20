// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import TrawlHTTP

@Suite struct HostQueueTests {
    private func request(_ i: Int) -> FetchRequest {
        FetchRequest(index: i, url: "http://h\(i)/")
    }

    @Test func holdsRequestsOverTheLimitInOrder() {
        var queue = HostQueue(limit: 2)
        for i in 0..<4 { queue.enqueue(request(i), host: "a:80") }
        queue.enqueue(request(4), host: "b:80")
        #expect(queue.nextReady()?.request.index == 0)
        #expect(queue.nextReady()?.request.index == 1)
        // "a" is full: the next ready one is on "b", jumping the queue.
        #expect(queue.nextReady()?.request.index == 4)
        #expect(queue.nextReady() == nil)
        #expect(queue.runningCount(host: "a:80") == 2)
        queue.finished(host: "a:80")
        #expect(queue.nextReady()?.request.index == 2)
        #expect(queue.count == 1)
        #expect(queue.drain().map(\.index) == [3])
        #expect(queue.count == 0)
    }

    @Test func zeroMeansNoLimit() {
        var queue = HostQueue(limit: 0)
        for i in 0..<100 { queue.enqueue(request(i), host: "a:80") }
        var started = 0
        while queue.nextReady() != nil { started += 1 }
        #expect(started == 100)
    }

    @Test func finishingAnIdleHostIsHarmless() {
        var queue = HostQueue(limit: 1)
        queue.finished(host: "nowhere:80")
        queue.enqueue(request(0), host: "a:80")
        #expect(queue.nextReady() != nil)
        queue.finished(host: "a:80")
        queue.finished(host: "a:80")
        #expect(queue.runningCount(host: "a:80") == 0)
    }
}
