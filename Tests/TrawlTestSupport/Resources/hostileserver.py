#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A misbehaving HTTP server on loopback for trawl's hostile-server suite (Python 3, stdlib
only): every path is one way a server can break HTTP. Raw sockets, no http.server, so that
replies can be as wrong as needed. One request per connection.

Prints its port and "https none" (the two lines TestServer reads), and exits when its stdin
reaches EOF. Paths (query `?name=value`):

  /ok                      a small valid page ("<p>ok</p>")
  /slow-bytes              a valid head, then one body byte every 0.3 s, forever
  /headers-never-end       a status line, then one header line every 0.2 s, forever
  /silent                  reads the request, never answers
  /reset-mid-body          Content-Length 100000, 1000 bytes, then a TCP reset
  /truncated-chunked       one chunk, then the connection closes (no last chunk)
  /invalid-chunked         a chunk size that is not hex
  /garbage                 random bytes instead of a status line
  /http09                  a bare body, no status line (HTTP/0.9)
  /bad-version             "HTTP/7.3 200 OK"
  /headers-300k            300 KB of header lines
  /headers-5000            5,000 short header lines, then a valid body
  /header-line-200k        one 200 KB header line
  /redirect-chain?n=N      N relative redirects, the last to /ok
  /redirect-loop           redirects to itself
  /redirect-to?url=U       302 to U (any scheme, any garbage)
  /status?code=C&reason=R  status line "HTTP/1.1 C R" with a small body
  /no-content-with-body?code=204|304   a body the status forbids, then Connection: close
  /duplicate-content-length  two different Content-Length headers
  /fake-gzip               Content-Encoding: gzip over a plain body
  /bomb?name=FILE&coding=C a file of the bombs/ directory with Content-Encoding C
  /gzip-bomb?bytes=N       N zeros, gzip'ed on the fly
  /endless                 a chunked body that never ends, as fast as possible
"""
import gzip
import os
import random
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
OK_BODY = b"<p>ok</p>"


def head(status="200 OK", headers=(), length=None):
    lines = [f"HTTP/1.1 {status}", "Connection: close", "Content-Type: text/html"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def page(body, status="200 OK", headers=()):
    return head(status, headers, len(body)) + body


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(60)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk
        target = data.split(b" ", 2)[1].decode("latin-1")
        parsed = urllib.parse.urlsplit(target)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        route = getattr(self, "route_" + parsed.path.strip("/").replace("-", "_"), None)
        if route is None:
            sock.sendall(page(b"no such case", "404 Not Found"))
            return
        route(sock, q)

    def forever(self, sock, first, piece, interval):
        sock.sendall(first)
        while True:
            time.sleep(interval)
            sock.sendall(piece)

    def route_ok(self, sock, q):
        sock.sendall(page(OK_BODY))

    def route_slow_bytes(self, sock, q):
        self.forever(sock, head(length=100000), b"x", 0.3)

    def route_headers_never_end(self, sock, q):
        self.forever(sock, b"HTTP/1.1 200 OK\r\n", b"X-More: yes\r\n", 0.2)

    def route_silent(self, sock, q):
        time.sleep(60)

    def route_reset_mid_body(self, sock, q):
        sock.sendall(head(length=100000) + b"x" * 1000)
        time.sleep(0.1)
        # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")

    def route_truncated_chunked(self, sock, q):
        sock.sendall(head(headers=[("Transfer-Encoding", "chunked")]) + b"5\r\nhello\r\n")

    def route_invalid_chunked(self, sock, q):
        sock.sendall(head(headers=[("Transfer-Encoding", "chunked")]) + b"5\r\nhello\r\nzz\r\nnope\r\n0\r\n\r\n")

    def route_garbage(self, sock, q):
        rng = random.Random(7)
        sock.sendall(bytes(rng.randrange(256) for _ in range(4096)))

    def route_http09(self, sock, q):
        sock.sendall(b"<html><body>an HTTP/0.9 reply</body></html>\n")

    def route_bad_version(self, sock, q):
        sock.sendall(b"HTTP/7.3 200 OK\r\nContent-Length: 9\r\n\r\n" + OK_BODY)

    def route_headers_300k(self, sock, q):
        sock.sendall(page(OK_BODY, headers=[(f"X-Filler-{i}", "y" * 80) for i in range(3000)]))

    def route_headers_5000(self, sock, q):
        sock.sendall(page(OK_BODY, headers=[(f"X-H{i}", "v") for i in range(5000)]))

    def route_header_line_200k(self, sock, q):
        sock.sendall(page(OK_BODY, headers=[("X-Long", "z" * 200_000)]))

    def route_redirect_chain(self, sock, q):
        n = int(q.get("n", "0"))
        where = f"/redirect-chain?n={n - 1}" if n > 1 else "/ok"
        sock.sendall(page(b"", "302 Found", [("Location", where)]))

    def route_redirect_loop(self, sock, q):
        sock.sendall(page(b"", "302 Found", [("Location", "/redirect-loop")]))

    def route_redirect_to(self, sock, q):
        sock.sendall(page(b"", "302 Found", [("Location", q.get("url", ""))]))

    def route_status(self, sock, q):
        code, reason = q.get("code", "200"), q.get("reason", "Odd")
        sock.sendall(f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\nContent-Length: 9\r\n\r\n"
                     .encode("latin-1") + OK_BODY)

    def route_no_content_with_body(self, sock, q):
        code = q.get("code", "204")
        sock.sendall(head(f"{code} Nothing", length=9) + OK_BODY)

    def route_duplicate_content_length(self, sock, q):
        sock.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 9\r\n"
                     b"Content-Length: 4\r\n\r\n" + OK_BODY)

    def route_fake_gzip(self, sock, q):
        sock.sendall(page(b"<html>not gzip at all</html>", headers=[("Content-Encoding", "gzip")]))

    def route_bomb(self, sock, q):
        name = os.path.basename(q.get("name", ""))
        with open(os.path.join(HERE, "bombs", name), "rb") as f:
            body = f.read()
        sock.sendall(page(body, headers=[("Content-Encoding", q.get("coding", "identity"))]))

    def route_gzip_bomb(self, sock, q):
        total = int(q.get("bytes", str(1 << 30)))
        comp = gzip.compress(b"\0" * min(total, 1 << 24), 9)
        # Concatenated members: a 1 GiB bomb without compressing 1 GiB here.
        body = comp * max(1, total // (1 << 24))
        sock.sendall(page(body, headers=[("Content-Encoding", "gzip")]))

    def route_endless(self, sock, q):
        block = b"<p>" + b"e" * 65530 + b"</p>"
        piece = b"%x\r\n%s\r\n" % (len(block), block)
        sock.sendall(head(headers=[("Transfer-Encoding", "chunked")]))
        while True:
            sock.sendall(piece)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Clients hang up on purpose (timeouts, limits): expected.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(srv.server_address[1])
    print("https none")
    sys.stdout.flush()
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
