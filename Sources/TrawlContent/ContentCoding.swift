// SPDX-License-Identifier: Apache-2.0

public import TrawlCore

/// A content coding trawl decodes itself (libcurl's decoding is turned off, so that the
/// decoders' memory is bounded and the raw body stays available).
public enum ContentCoding: String, Sendable, CaseIterable {
    /// RFC 9112 gzip (`x-gzip` is its alias); concatenated members are decoded in turn.
    case gzip
    /// RFC 9112 deflate: a zlib stream, or (as servers often send and browsers accept) a raw
    /// deflate stream.
    case deflate
    /// RFC 7932 Brotli (large windows refused).
    case br
    /// RFC 8878 Zstandard, windows of at most 8 MiB (RFC 9659).
    case zstd

    /// The value of `Accept-Encoding` trawl sends: every coding it decodes.
    public static let acceptEncoding = "gzip, deflate, br, zstd"

    /// The codings of a response in the order they were applied (the order of its
    /// `Content-Encoding` values; several header lines count as one list), `identity`
    /// dropped.
    /// - Throws: `bad_response` for a coding trawl does not know (`compress`, a typo) or
    ///   more than ``ContentLimits/maxCodings`` of them: the body could not be read.
    public static func parse(_ values: [String]) throws(TrawlError) -> [ContentCoding] {
        var codings: [ContentCoding] = []
        for value in values {
            for item in value.split(separator: ",") {
                let name = item.trimmingSpaces().lowercased()
                if name.isEmpty || name == "identity" { continue }
                let coding: ContentCoding
                switch name {
                case "gzip", "x-gzip": coding = .gzip
                case "deflate": coding = .deflate
                case "br": coding = .br
                case "zstd": coding = .zstd
                default:
                    throw TrawlError(.badResponse,
                                     "unsupported Content-Encoding '\(name)' (trawl decodes \(acceptEncoding))")
                }
                codings.append(coding)
            }
        }
        guard codings.count <= ContentLimits.maxCodings else {
            throw TrawlError(.badResponse, "Content-Encoding stacks \(codings.count) codings "
                             + "(at most \(ContentLimits.maxCodings) are decoded)")
        }
        return codings
    }
}
