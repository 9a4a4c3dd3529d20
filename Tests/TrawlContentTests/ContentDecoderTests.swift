// SPDX-License-Identifier: Apache-2.0
import Testing
import TrawlContent
import TrawlCore
import TrawlTestSupport

/// Decodes `body` fed in chunks of `chunk` bytes (the way a transfer hands it over).
private func decodeInChunks(_ body: [UInt8], _ encoding: [String], chunk: Int,
                            limits: ContentLimits = ContentLimits(maxBytes: 16 << 20)) throws(TrawlError) -> [UInt8] {
    let decoder = try ContentDecoder(codings: try ContentCoding.parse(encoding), limits: limits)
    var out: [UInt8] = []
    var i = 0
    while i < body.count {
        let piece = Array(body[i..<min(body.count, i + chunk)])
        let failed = piece.withUnsafeBytes { raw -> TrawlError? in
            do throws(TrawlError) { try decoder.decode(raw) { out.append(contentsOf: $0) } } catch { return error }
            return nil
        }
        if let failed { throw failed }
        i += chunk
    }
    try decoder.finish { out.append(contentsOf: $0) }
    return out
}

private func decode(_ body: [UInt8], _ encoding: String, maxBytes: Int = 16 << 20) -> Result<[UInt8], TrawlError> {
    ContentDecoder.decode(body, contentEncoding: [encoding], limits: ContentLimits(maxBytes: maxBytes))
}

private let tools: [String: [String]] = [
    "gzip": ["gzip", "-c"], "deflate": ["python3", "-c",
        "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))"],
    "br": ["brotli", "-c"], "zstd": ["zstd", "-q", "-c"],
]

@Suite struct ContentDecoderTests {
    // MARK: Each coding, whole and in chunks

    @Test(arguments: ["gzip", "deflate", "br", "zstd"])
    func decodesWhatDebiansToolsEncode(_ coding: String) throws {
        let page = Compression.sample(300_000)
        let body = try Compression.run(try #require(tools[coding]), page)
        #expect(body.count < page.count / 2)
        #expect(try decode(body, coding).get() == page)
        for chunk in [1, 7, 1000, 100 * 1024] {
            #expect(try decodeInChunks(body, [coding], chunk: chunk) == page, "chunks of \(chunk)")
        }
    }

    @Test func rawDeflateAndXGzipAreAcceptedAsBrowsersDo() throws {
        let page = Compression.sample(50_000, seed: 2)
        let raw = try Compression.run(["python3", "-c",
            "import sys, zlib; c = zlib.compressobj(6, zlib.DEFLATED, -15); "
            + "sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())"], page)
        #expect(try decode(raw, "deflate").get() == page)
        #expect(try decodeInChunks(raw, ["deflate"], chunk: 1) == page)
        let gzip = try Compression.run(["gzip", "-c"], page)
        #expect(try decode(gzip, "X-GZIP").get() == page)
    }

    @Test func stackedCodingsAreUndoneInReverseOrder() throws {
        let page = Compression.sample(40_000, seed: 3)
        let gzipped = try Compression.run(["gzip", "-c"], page)
        let both = try Compression.run(["brotli", "-c"], gzipped)
        // "gzip, br": gzip was applied first, so brotli comes off first.
        #expect(try decode(both, "gzip, br").get() == page)
        #expect(try ContentDecoder.decode(both, contentEncoding: ["gzip", "identity", "br"],
                                          limits: ContentLimits(maxBytes: 1 << 20)).get() == page)
        #expect(throws: TrawlError.self) { try decode(both, "br, gzip").get() }
        #expect(try decodeInChunks(both, ["gzip, br"], chunk: 3) == page)
    }

    @Test func concatenatedGzipMembersAndZstdFrames() throws {
        let a = Compression.sample(5_000, seed: 4), b = Compression.sample(7_000, seed: 5)
        let gz = try Compression.run(["gzip", "-c"], a) + Compression.run(["gzip", "-c"], b)
        #expect(try decode(gz, "gzip").get() == a + b)
        let zst = try Compression.run(["zstd", "-q", "-c"], a) + Compression.run(["zstd", "-q", "-c"], b)
        #expect(try decode(zst, "zstd").get() == a + b)
    }

    /// Found by FuzzContentDecoding: garbage after a gzip stream holding a 0x1F byte further on
    /// was ignored whole but started a bogus second member when a chunk began at that byte.
    @Test func garbageAfterTheGzipEndIsIgnoredInEveryChunking() throws {
        let page = Compression.sample(3_000, seed: 6)
        let gz = try Compression.run(["gzip", "-c"], page) + Array(">>>>".utf8) + [0x1F, 0x8B, 0x00] + Array(">>".utf8)
        #expect(try decode(gz, "gzip").get() == page)
        for chunk in [1, 2, 3, 7, 64] {
            #expect(try decodeInChunks(gz, ["gzip"], chunk: chunk) == page, "chunks of \(chunk)")
        }
    }

    /// Found by FuzzContentDecoding: a frame with zstd 0.7's magic number (a legacy format
    /// libzstd still reads) decoded whole to an empty body, but failed when its magic number
    /// arrived in pieces; RFC 8878 frames only, whatever the chunking.
    @Test func legacyZstdFramesAreRefusedInEveryChunking() throws {
        let legacy: [UInt8] = [0x27, 0xB5, 0x2F, 0xFD, 0, 0, 0, 0, 0]
        let whole = try #require(decode(legacy, "zstd").failure)
        #expect(whole.code == .badResponse)
        #expect(whole.message.contains("magic number"), "\(whole)")
        for chunk in [1, 2, 3, 5] {
            #expect(throws: whole, "chunks of \(chunk)") { try decodeInChunks(legacy, ["zstd"], chunk: chunk) }
        }
    }

    /// Skippable frames (RFC 8878 section 3.1.2) are allowed before, between and after frames;
    /// bytes after the last frame that start no frame are refused, whatever the chunking.
    @Test func zstdSkippableFramesAndTrailingBytes() throws {
        let a = Compression.sample(5_000, seed: 7), b = Compression.sample(3_000, seed: 8)
        let skippable: [UInt8] = [0x53, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9]
        let body = skippable + (try Compression.run(["zstd", "-q", "-c"], a)) + skippable
            + (try Compression.run(["zstd", "-q", "-c"], b)) + skippable
        #expect(try decode(body, "zstd").get() == a + b)
        for chunk in [1, 2, 3, 4, 5, 11, 4096] {
            #expect(try decodeInChunks(body, ["zstd"], chunk: chunk) == a + b, "chunks of \(chunk)")
        }
        let trailing = body + [0x28, 0xB5, 0x2F]
        for chunk in [1, 2, 3, 4096, trailing.count] {
            #expect(throws: TrawlError.self, "chunks of \(chunk)") { try decodeInChunks(trailing, ["zstd"], chunk: chunk) }
        }
        #expect(decode(body + [0, 0, 0, 0], "zstd").failure?.code == .badResponse)
    }

    /// FuzzContentDecoding's find: a frame (an empty last block) and two stray bytes. libzstd
    /// 1.5.4 given the magic number alone and then the rest in one call read bytes 4-7 as a
    /// skippable frame's magic number and decoded it whole; byte by byte it saw the stray bytes.
    @Test func aFrameAndTwoStrayBytesFailInEveryChunking() throws {
        let body: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x50, 0x2A, 0x4D, 0x18, 0x01, 0x00, 0x00, 0x00, 0x67]
        let whole = try #require(decode(body, "zstd").failure)
        #expect(whole.code == .badResponse)
        for chunk in [1, 2, 3, 4, 5, 6, 13] {
            #expect(throws: TrawlError.self, "chunks of \(chunk)") { try decodeInChunks(body, ["zstd"], chunk: chunk) }
        }
    }

    @Test func emptyBodiesAndIdentity() throws {
        for coding in ["gzip", "deflate", "br", "zstd", "identity", ""] {
            #expect(try decode([], coding).get() == [], "\(coding)")
        }
        #expect(try decode([1, 2, 3], "identity").get() == [1, 2, 3])
    }

    // MARK: Bad data: bad_response

    @Test(arguments: ["gzip", "deflate", "br", "zstd"])
    func fakeAndTruncatedBodiesAreBadResponses(_ coding: String) throws {
        let fake = Array("<html>this is not compressed at all, whatever the header says</html>".utf8)
        let error = try #require(decode(fake, coding).failure)
        #expect(error.code == .badResponse, "\(coding): \(error)")
        #expect(error.message.contains(coding))

        let body = try Compression.run(try #require(tools[coding]), Compression.sample(20_000))
        let cut = try #require(decode(Array(body.dropLast(body.count / 3)), coding).failure)
        #expect(cut.code == .badResponse, "\(coding): \(cut)")
        #expect(cut.message.contains("ends before"), "\(cut)")
    }

    @Test(arguments: ["compress", "x-compress", "sdch", "gzip;q=1", "bogus"])
    func unknownCodingsAreBadResponses(_ coding: String) throws {
        let error = try #require(decode([1, 2, 3], coding).failure)
        #expect(error.code == .badResponse)
        #expect(error.message.contains("Content-Encoding"))
    }

    @Test func moreThanFourCodingsAreRefused() throws {
        #expect(try ContentCoding.parse(["gzip, gzip", "gzip, gzip"]).count == 4)
        #expect(throws: TrawlError(.badResponse, "Content-Encoding stacks 5 codings (at most 4 are decoded)")) {
            _ = try ContentCoding.parse(["gzip, gzip, gzip, gzip, gzip"])
        }
    }

    // MARK: Limits

    @Test func zstdWindowAbove8MiBIsRefused() throws {
        let wide = try #require(decode(try Compression.bomb("bomb-1g-w27.zst"), "zstd").failure)
        #expect(wide.code == .badResponse)
        #expect(wide.message.contains("RFC 9659"))
        // 8 MiB is allowed: that bomb then stops at the body limit.
        let allowed = try #require(decode(try Compression.bomb("bomb-1g-w23.zst"), "zstd", maxBytes: 1_000_000).failure)
        #expect(allowed.code == .tooLarge, "\(allowed)")
        let page = Compression.sample(100_000, seed: 6)
        let w23 = try Compression.run(["zstd", "-q", "--zstd=wlog=23", "-c"], page)
        #expect(try decode(w23, "zstd").get() == page)
    }

    @Test(arguments: [1_000_000, 16 << 20])
    func brotliBombStopsAtTheLimit(_ maxBytes: Int) throws {
        let bomb = try Compression.bomb("bomb-1g.br")
        #expect(bomb.count < 1000)
        let error = try #require(decode(bomb, "br", maxBytes: maxBytes).failure)
        #expect(error.code == .tooLarge, "\(error)")
        // A body of exactly the limit is allowed.
        let page = Compression.sample(maxBytes, seed: 7)
        let body = try Compression.run(["brotli", "-q", "1", "-c"], page)
        #expect(try decode(body, "br", maxBytes: maxBytes).get() == page)
        #expect(decode(body, "br", maxBytes: maxBytes - 1).failure?.code == .tooLarge)
    }

    @Test func decoderMemoryBudgetFollowsTheBodyLimit() {
        #expect(ContentLimits(maxBytes: 16 << 20).decoderMemory == 28 << 20)
        #expect(ContentLimits(maxBytes: 1_000_000).decoderMemory == 9 << 20)
        #expect(ContentLimits(maxBytes: Int(Int32.max)).decoderMemory == 28 << 20)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
