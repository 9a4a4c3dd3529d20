// SPDX-License-Identifier: Apache-2.0

@testable import TrawlHTTP
import TrawlCore

/// URL validation (`URLValidation.check`, libcurl's `curl_url_set` and libidn2 behind it) on
/// any text: no crash, and an accepted URL has an allowed scheme and a host key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let url = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let validation = try? URLValidation(allowedProtocols: ["http", "https"]) else { return 0 }
    switch validation.check(url) {
    case .success(let checked):
        let scheme = URLValidation.scheme(of: url)
        if scheme != "http" && scheme != "https" || checked.host.isEmpty {
            fatalError("accepted \(String(reflecting: url)) with scheme \(String(describing: scheme)), \(checked)")
        }
    case .failure(let error):
        if error.code != .invalidURL && error.code != .unsupportedProtocol {
            fatalError("unexpected code \(error.code) for \(String(reflecting: url))")
        }
    }
    return 0
}
