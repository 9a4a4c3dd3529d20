// SPDX-License-Identifier: Apache-2.0

import CIdn2

/// International host names (`bücher.example`) as browsers handle them: UTS #46
/// non-transitional processing to their ASCII form (`xn--bcher-kva.example`), which is what
/// DNS, TLS certificates and the `Host` header use. libcurl 7.88's own conversion
/// (CURLU_PUNYCODE) does not work on its URL parser, so trawl calls libidn2 itself.
enum IDNA {
    /// `idn2_to_ascii_8z` with `IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL`; the ASCII form, or
    /// libidn2's reason (`idn2_strerror`) when `host` is not a valid domain name.
    static func ascii(_ host: String) -> Result<String, IDNAError> {
        var output: UnsafeMutablePointer<CChar>? = nil
        let flags = Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue)
        let status = idn2_to_ascii_8z(host, &output, flags)
        defer { idn2_free(output) }
        guard status == Int32(IDN2_OK.rawValue), let output else {
            return .failure(IDNAError(reason: idn2_strerror(status).map { String(cString: $0) } ?? "error \(status)"))
        }
        return .success(String(cString: output))
    }

    /// Whether `host` needs conversion (has a byte outside ASCII).
    static func isInternational(_ host: String) -> Bool {
        host.utf8.contains { $0 >= 0x80 }
    }
}

/// Why a host name has no ASCII form.
struct IDNAError: Error {
    var reason: String
}
