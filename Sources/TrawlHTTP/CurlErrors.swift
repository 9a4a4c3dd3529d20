// SPDX-License-Identifier: Apache-2.0

import CCurl
import TrawlCore

/// `CURLcode` -> trawl's ``ErrorCode``, with the easy handle's error buffer as the message.
enum CurlErrors {
    /// `curl_easy_strerror`: libcurl's fixed sentence for a code.
    static func strerror(_ code: CURLcode) -> String {
        guard let text = curl_easy_strerror(code) else { return "curl error \(code.rawValue)" }
        return String(cString: text)
    }

    /// The trawl error code for a failed transfer. `detail` is the error buffer's text, used
    /// to tell a resolver timeout (a DNS failure) from other timeouts.
    static func code(for code: CURLcode, detail: String) -> ErrorCode {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns
        case CURLE_COULDNT_CONNECT:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            return detail.hasPrefix("Resolving timed out") ? .dns : .timeout
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .unsupportedProtocol
        case CURLE_URL_MALFORMAT:
            return .invalidURL
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_QUIC_CONNECT_ERROR,
             CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP_RETURNED_ERROR,
             CURLE_RANGE_ERROR, CURLE_HTTP_POST_ERROR:
            return .http
        case CURLE_OUT_OF_MEMORY:
            return .outOfMemory
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        default:
            // GOT_NOTHING, SEND_ERROR, RECV_ERROR, PARTIAL_FILE, WRITE_ERROR, ...: the
            // connection or the exchange broke.
            return .network
        }
    }

    /// The error for a failed transfer: the error buffer's text when libcurl wrote one (it
    /// names the host, port and elapsed time), else the code's fixed sentence.
    static func error(for code: CURLcode, detail: String) -> TrawlError {
        let text = detail.isEmpty ? strerror(code) : detail
        return TrawlError(self.code(for: code, detail: detail), "\(text) (curl error \(code.rawValue))")
    }
}
