// SPDX-License-Identifier: Apache-2.0

import TrawlDecode
import TrawlCore

/// The body decoder (BOM, Content-Type charset, `<meta>` prescan, WHATWG and iconv decoders,
/// requests mode) on any bytes and content type.
///
/// Input: one length byte n, then n bytes of Content-Type (absent when n is 255), then the
/// body. Checks: no crash, a charset name always, and the result for a body known to be valid
/// UTF-8 (`validated:`) is the result without that knowledge.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let n = input.first else { return 0 }
    let rest = input.dropFirst()
    let typeLength = n == 255 ? 0 : min(Int(n), rest.count)
    let contentType = n == 255 ? nil : String(decoding: rest.prefix(typeLength), as: UTF8.self)
    let body = Array(rest.dropFirst(typeLength))
    for mode in DecodeMode.allCases {
        let decoded = BodyDecoder.decode(body, contentType: contentType, mode: mode)
        if decoded.charset.isEmpty { fatalError("no charset in \(mode) mode") }
        if let valid = UTF8Text(validating: body) {
            let again = BodyDecoder.decode(body, contentType: contentType, mode: mode, validated: valid)
            if again != decoded { fatalError("validated UTF-8 decodes differently in \(mode) mode") }
        }
    }
    return 0
}
