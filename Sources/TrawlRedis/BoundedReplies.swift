// SPDX-License-Identifier: Apache-2.0

import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// hiredis's reply objects, allocated for what has arrived rather than for what a reply
/// declares.
///
/// hiredis 0.14's own `createArrayObject` callocs the element vector an array header
/// declares before any element arrives: the 12 bytes `*277777777\r\n` made it allocate
/// 2.2 GB (found by FuzzRedisReplies), whatever listens on the Redis port. These functions
/// build the same `redisReply` trees (so `freeReplyObject` frees them and
/// ``RedisConnection``'s conversion reads them unchanged), except that an array's vector
/// starts at 8 slots and doubles as its elements arrive, and `elements` counts the elements
/// present, so that a partial array is freed correctly too. A bulk string needs no such care:
/// hiredis allocates it only once all its bytes are in its buffer.
///
/// The functions are called by the reader's thread; the table is written once and only read.
enum BoundedReplies {
    /// The function table hiredis keeps a pointer to: built once, never freed, never written
    /// after that (hence `nonisolated(unsafe)`).
    nonisolated(unsafe) static let functions: UnsafeMutablePointer<redisReplyObjectFunctions> = {
        let table = UnsafeMutablePointer<redisReplyObjectFunctions>.allocate(capacity: 1)
        table.initialize(to: redisReplyObjectFunctions(
            createString: createString, createArray: createArray, createInteger: createInteger,
            createNil: createNil, freeObject: freeReplyObject))
        return table
    }()

    /// A reader (`redisReaderCreateWithFunctions`) building replies with ``functions``;
    /// freed with `redisReaderFree`. Nil when out of memory.
    static func makeReader() -> UnsafeMutablePointer<redisReader>? {
        redisReaderCreateWithFunctions(functions)
    }

    /// Makes `context`'s reader use ``functions``: called right after connecting, before
    /// any reply is read (a reply half-built by the default functions must not meet ours).
    static func install(on context: UnsafeMutablePointer<redisContext>) {
        context.pointee.reader?.pointee.fn = functions
    }

    // MARK: - redisReplyObjectFunctions

    private static let createString: @convention(c) (UnsafePointer<redisReadTask>?, UnsafeMutablePointer<CChar>?, Int)
        -> UnsafeMutableRawPointer? = { task, bytes, count in
        guard let reply = newReply(task), let copy = malloc(count + 1)?.assumingMemoryBound(to: CChar.self) else {
            return nil
        }
        if count > 0, let bytes { memcpy(copy, bytes, count) }
        copy[count] = 0
        reply.pointee.str = copy
        reply.pointee.len = count
        return attach(task, reply)
    }

    private static let createArray: @convention(c) (UnsafePointer<redisReadTask>?, Int32) -> UnsafeMutableRawPointer? = {
        task, _ in
        // The declared count is ignored: the vector grows in attach() as elements arrive.
        newReply(task).flatMap { attach(task, $0) }
    }

    private static let createInteger: @convention(c) (UnsafePointer<redisReadTask>?, Int64) -> UnsafeMutableRawPointer? = {
        task, value in
        guard let reply = newReply(task) else { return nil }
        reply.pointee.integer = value
        return attach(task, reply)
    }

    private static let createNil: @convention(c) (UnsafePointer<redisReadTask>?) -> UnsafeMutableRawPointer? = {
        task in
        // The task's type is that of the header (`$-1`, `*-1`); the reply is nil.
        guard let reply = newReply(task) else { return nil }
        reply.pointee.type = REDIS_REPLY_NIL
        return attach(task, reply)
    }

    // MARK: - Helpers

    private static func newReply(_ task: UnsafePointer<redisReadTask>?) -> UnsafeMutablePointer<redisReply>? {
        guard let task, let raw = calloc(1, MemoryLayout<redisReply>.size) else { return nil }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        reply.pointee.type = task.pointee.type
        return reply
    }

    /// Stores `reply` as the next element of its parent array, if it has one. Elements
    /// arrive in order, so the vector's capacity follows from the count alone: 8 slots for
    /// the first, then twice as many whenever the count reaches a power of two.
    /// - Returns: `reply`, or nil (and `reply` freed) when out of memory or out of order.
    private static func attach(_ task: UnsafePointer<redisReadTask>?,
                               _ reply: UnsafeMutablePointer<redisReply>) -> UnsafeMutableRawPointer? {
        guard let parentTask = task?.pointee.parent else { return UnsafeMutableRawPointer(reply) }
        guard let parent = parentTask.pointee.obj?.assumingMemoryBound(to: redisReply.self),
              let index = task.map({ Int($0.pointee.idx) }), index == parent.pointee.elements else {
            freeReplyObject(reply)
            return nil
        }
        if index == 0 || (index >= 8 && index & (index - 1) == 0) {
            let slots = index == 0 ? 8 : index * 2
            guard let grown = realloc(parent.pointee.element, slots * MemoryLayout<UnsafeMutablePointer<redisReply>?>.stride)
            else {
                freeReplyObject(reply)
                return nil
            }
            parent.pointee.element = grown.assumingMemoryBound(to: UnsafeMutablePointer<redisReply>?.self)
        }
        parent.pointee.element[index] = reply
        parent.pointee.elements = index + 1
        return UnsafeMutableRawPointer(reply)
    }
}
