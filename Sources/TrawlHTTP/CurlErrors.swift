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

    /// The trawl error code for a failed transfer.
    /// - Parameters:
    ///   - code: what libcurl returned.
    ///   - detail: the error buffer's text, which tells a resolver timeout (a DNS failure)
    ///     from other timeouts and a broken chunked encoding from other receive errors.
    ///   - schemeRefused: whether the transfer ended on a URL whose scheme trawl refuses (a
    ///     redirect to `file://`); without one, CURLE_UNSUPPORTED_PROTOCOL is libcurl
    ///     refusing the response (HTTP/0.9, garbage, an unknown HTTP version).
    static func code(for code: CURLcode, detail: String, schemeRefused: Bool = false) -> ErrorCode {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL:
            // A redirect to a scheme libcurl cannot even parse (data:, javascript:) leaves
            // the effective URL where it was; libcurl says so in the detail.
            return schemeRefused || detail.hasSuffix("Unsupported URL scheme") ? .unsupportedProtocol : .badResponse
        case CURLE_OPERATION_TIMEDOUT:
            return detail.hasPrefix("Resolving timed out") ? .dns : .timeout
        case CURLE_RECV_ERROR where detail.hasSuffix("in chunked-encoding"):
            return .badResponse
        default:
            return table[Int(code.rawValue)] ?? .internalError
        }
    }

    /// Every CURLcode of libcurl 7.88 but CURLE_OK (0...99, CURL_LAST is 100), by number, so
    /// that none falls to a default; the test suite checks the table against its own.
    static let table: [Int: ErrorCode] = {
        var map: [Int: ErrorCode] = [:]
        func add(_ code: ErrorCode, _ curl: [CURLcode]) {
            for c in curl { map[Int(c.rawValue)] = code }
        }
        add(.badResponse, [CURLE_UNSUPPORTED_PROTOCOL, CURLE_WEIRD_SERVER_REPLY,
                           CURLE_BAD_CONTENT_ENCODING,
                           // libcurl 7.88 reports a header line over its 100 KiB limit so
                           // (its buffer refuses to grow); nothing else in a transfer
                           // allocates enough to fail on Linux.
                           CURLE_OUT_OF_MEMORY])
        add(.invalidURL, [CURLE_URL_MALFORMAT])
        add(.dns, [CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST])
        add(.connect, [CURLE_COULDNT_CONNECT, CURLE_INTERFACE_FAILED, CURLE_NO_CONNECTION_AVAILABLE,
                       CURLE_PROXY])
        add(.timeout, [CURLE_OPERATION_TIMEDOUT])
        add(.tooManyRedirects, [CURLE_TOO_MANY_REDIRECTS])
        add(.tooLarge, [CURLE_FILESIZE_EXCEEDED])
        add(.tls, [CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
                   CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION,
                   CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE,
                   CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
                   CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT])
        add(.http, [CURLE_HTTP2, CURLE_HTTP_RETURNED_ERROR, CURLE_RANGE_ERROR, CURLE_HTTP_POST_ERROR,
                    CURLE_SEND_FAIL_REWIND, CURLE_HTTP2_STREAM, CURLE_AUTH_ERROR, CURLE_HTTP3,
                    CURLE_QUIC_CONNECT_ERROR])
        // The connection or the exchange broke.
        add(.network, [CURLE_PARTIAL_FILE, CURLE_WRITE_ERROR, CURLE_READ_ERROR, CURLE_GOT_NOTHING,
                       CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_AGAIN])
        add(.cancelled, [CURLE_ABORTED_BY_CALLBACK])
        // Misuse of libcurl by trawl, and codes of protocols trawl never speaks (FTP, TFTP,
        // LDAP, SSH, RTSP, ...) or that libcurl no longer returns: a bug if ever seen.
        add(.internalError, [CURLE_FAILED_INIT, CURLE_NOT_BUILT_IN, CURLE_FUNCTION_NOT_FOUND,
                             CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION, CURLE_SETOPT_OPTION_SYNTAX,
                             CURLE_RECURSIVE_API_CALL, CURLE_UNRECOVERABLE_POLL,
                             CURLE_REMOTE_ACCESS_DENIED, CURLE_FTP_ACCEPT_FAILED, CURLE_FTP_WEIRD_PASS_REPLY,
                             CURLE_FTP_ACCEPT_TIMEOUT, CURLE_FTP_WEIRD_PASV_REPLY, CURLE_FTP_WEIRD_227_FORMAT,
                             CURLE_FTP_CANT_GET_HOST, CURLE_FTP_COULDNT_SET_TYPE, CURLE_FTP_COULDNT_RETR_FILE,
                             CURLE_QUOTE_ERROR, CURLE_UPLOAD_FAILED, CURLE_FTP_PORT_FAILED,
                             CURLE_FTP_COULDNT_USE_REST, CURLE_BAD_DOWNLOAD_RESUME,
                             CURLE_FILE_COULDNT_READ_FILE, CURLE_LDAP_CANNOT_BIND, CURLE_LDAP_SEARCH_FAILED,
                             CURLE_LOGIN_DENIED, CURLE_TFTP_NOTFOUND, CURLE_TFTP_PERM, CURLE_REMOTE_DISK_FULL,
                             CURLE_TFTP_ILLEGAL, CURLE_TFTP_UNKNOWNID, CURLE_REMOTE_FILE_EXISTS,
                             CURLE_TFTP_NOSUCHUSER, CURLE_REMOTE_FILE_NOT_FOUND, CURLE_SSH,
                             CURLE_FTP_PRET_FAILED, CURLE_RTSP_CSEQ_ERROR, CURLE_RTSP_SESSION_ERROR,
                             CURLE_FTP_BAD_FILE_LIST, CURLE_CHUNK_FAILED,
                             CURLE_OBSOLETE20, CURLE_OBSOLETE24, CURLE_OBSOLETE29, CURLE_OBSOLETE32,
                             CURLE_OBSOLETE40, CURLE_OBSOLETE44, CURLE_OBSOLETE46, CURLE_OBSOLETE50,
                             CURLE_OBSOLETE51, CURLE_OBSOLETE57, CURLE_OBSOLETE62, CURLE_OBSOLETE75,
                             CURLE_OBSOLETE76])
        return map
    }()

    /// The error for a failed transfer: the error buffer's text when libcurl wrote one (it
    /// names the host, port and elapsed time), else the code's fixed sentence.
    static func error(for code: CURLcode, detail: String, schemeRefused: Bool = false) -> TrawlError {
        let text = detail.isEmpty ? strerror(code) : detail
        return TrawlError(self.code(for: code, detail: detail, schemeRefused: schemeRefused),
                          "\(text) (curl error \(code.rawValue))")
    }
}
