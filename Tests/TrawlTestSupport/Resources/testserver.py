#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Loopback HTTP(S) server for trawl's tests (stdlib only).

Usage: python3 testserver.py [--corpus DIR] [--no-tls] [--bind ADDRESS] [--port N] [--forever]

Binds ADDRESS (default 127.0.0.1) on free ports (HTTP on N with --port) and prints, then flushes:
  line 1: the HTTP port
  line 2: "https PORT CAFILE" when the TLS listener runs, else "https none"
and exits when its stdin reaches EOF, so that it dies with the test process that started it;
with --forever it ignores stdin and serves until SIGINT or SIGTERM (`make site`).
The endpoints are listed in README.md next to this file.
"""

import gzip
import http.server
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitegen  # noqa: E402

CORPUS = os.environ.get("TRAWL_CORPUS", "")
SITE_LOCK = threading.Lock()
# /robots.txt requests per Host header (for tests of respect_robots).
ROBOTS_COUNTS = {}
ROBOTS_LOCK = threading.Lock()
SITE = {}  # name -> sitegen.Page, made on the first /site/ request
COUNTS_LOCK = threading.Lock()
COUNTS = {}  # tag -> requests served under /counted/TAG/
HITS_LOCK = threading.Lock()
HITS = {}  # tag -> {path with query: requests}, for /counted/ and /graph/

# Labels browsers know but Python's codec registry does not.
EXTRA_LABELS = {
    "windows-874": "cp874",
    "windows-31j": "cp932",
    "x-sjis": "shift_jis",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "iso-8859-8-i": "iso8859-8",
    "x-euc-jp": "euc_jp",
}

# Sample text per Python codec name: text every decoder must turn back into exactly this.
SAMPLES = {
    "utf-8": "Grüße — café, 日本語, 한국어, русский, €",
    "utf-16-le": "Grüße — café, 日本語, 한국어, русский, €",
    "utf-16-be": "Grüße — café, 日本語, 한국어, русский, €",
    "utf-16": "Grüße — café, 日本語, 한국어, русский, €",
    "cp1252": "Grüße, café naïve – “quoted” €",
    "iso8859-1": "Grüße, café naïve ©",
    "iso8859-15": "Grüße, café, œuvre, Ÿ, €",
    "mac-roman": "Grüße, café naïve",
    "shift_jis": "こんにちは、世界。日本語",
    "cp932": "こんにちは、世界。日本語",
    "euc_jp": "こんにちは、世界。日本語",
    "iso2022_jp": "こんにちは、世界。日本語",
    "euc_kr": "안녕하세요 세계",
    "cp949": "안녕하세요 세계",
    "gb2312": "你好，世界。中文",
    "gbk": "你好，世界。中文",
    "gb18030": "你好，世界。中文",
    "big5": "你好，世界。繁體中文",
    "big5hkscs": "你好，世界。繁體中文",
    "cp950": "你好，世界。繁體中文",
    "iso8859-5": "Привет, мир",
    "cp1251": "Привет, мир",
    "koi8-r": "Привет, мир",
    "koi8-u": "Привіт, світ",
    "cp866": "Привет, мир",
    "mac-cyrillic": "Привет, мир",
    "iso8859-7": "Καλημέρα κόσμε",
    "cp1253": "Καλημέρα κόσμε",
    "iso8859-2": "Zażółć gęślą jaźń",
    "cp1250": "Zażółć gęślą jaźń",
    "iso8859-16": "Zażółć gęślą jaźń",
    "iso8859-8": "שלום עולם",
    "cp1255": "שלום עולם",
    "iso8859-6": "مرحبا بالعالم",
    "cp1256": "مرحبا بالعالم",
    "cp874": "สวัสดีชาวโลก",
    "iso8859-11": "สวัสดีชาวโลก",
    "iso8859-9": "Günaydın dünya, İstanbul",
    "cp1254": "Günaydın dünya, İstanbul",
    "iso8859-4": "Labas pasauli ąčęėįšųūž",
    "iso8859-13": "Labas pasauli ąčęėįšųūž",
    "cp1257": "Labas pasauli ąčęėįšųūž",
    "ascii": "Hello, world",
}

GZIP_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>compressed</title></head>\n<body>\n"
    + "".join(
        f'<p>line {i}: <a href="/page/{i}">page {i}</a> <button id="b{i}">go</button></p>\n'
        for i in range(200)
    )
    + "</body></html>\n"
).encode("utf-8")


def codec_for(label):
    """The Python codec name for a charset label, or None."""
    import codecs

    label = label.strip().lower()
    label = EXTRA_LABELS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sample_for(codec):
    if codec in SAMPLES:
        return SAMPLES[codec]
    for text in SAMPLES.values():
        try:
            text.encode(codec)
            return text
        except (UnicodeError, LookupError):
            continue
    return SAMPLES["ascii"]


def charset_page(label, meta):
    """(text, codec) of the charset test page for `label`; meta is "", "meta" or "http-equiv"."""
    codec = codec_for(label)
    if codec is None:
        return None, None
    if meta == "meta":
        head = f'<meta charset="{label}">'
    elif meta == "http-equiv":
        head = f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'
    else:
        head = ""
    text = (
        f"<!DOCTYPE html>\n<html><head>{head}<title>charset {label}</title></head>\n"
        f'<body><p id="sample">{sample_for(codec)}</p>\n'
        f'<a href="/next">next</a></body></html>\n'
    )
    return text, codec


def site_pages():
    """The generated site, made on first use (about a second of CPU)."""
    with SITE_LOCK:
        if not SITE:
            SITE.update((p.name, p) for p in sitegen.generate())
    return SITE


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "trawl-testserver/1"
    # Headers and body go out in separate writes; without this, Nagle on our side and
    # delayed ACKs on the client stall every small response by ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - quiet unless asked
        if os.environ.get("TRAWL_TESTSERVER_LOG"):
            super().log_message(format, *args)

    # MARK: helpers

    def send_body(self, status, body, content_type="text/html", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location, status=302):
        body = f'<html><body><a href="{location}">moved</a></body></html>'.encode()
        self.send_body(status, body, headers=[("Location", location)])

    def query(self):
        parsed = urllib.parse.urlsplit(self.path)
        return parsed.path, urllib.parse.parse_qs(parsed.query)

    @staticmethod
    def qnum(q, name, default, kind=int):
        try:
            return kind(q[name][0])
        except (KeyError, IndexError, ValueError):
            return default

    # MARK: dispatch

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.do_GET()

    def robots_txt(self):
        """/robots.txt chosen by the first label of the Host header: rules., missing.,
        error., huge., binary. (anything else: 404); each request is counted per Host."""
        host = (self.headers.get("Host") or "").lower()
        with ROBOTS_LOCK:
            ROBOTS_COUNTS[host] = ROBOTS_COUNTS.get(host, 0) + 1
        kind = host.split(".", 1)[0]
        if kind == "rules":
            body = (b"User-agent: *\nDisallow: /\n\nUser-agent: trawl\nDisallow: /status/\n"
                    b"Allow: /status/204\nCrawl-delay: 0.1\n")
        elif kind == "error":
            self.send_body(503, b"down", "text/plain")
            return
        elif kind == "huge":
            # The rule that matters comes after 600 KiB of comments: beyond the 500 KiB read.
            body = (b"User-agent: *\nDisallow: /status/404\n" + b"# padding padding\n" * 36000
                    + b"Disallow: /empty\n")
        elif kind == "binary":
            body = bytes((i * 7919 + 13) % 256 for i in range(100000)) + b"\nUser-agent: *\nDisallow: /status/404\n"
        else:
            self.send_body(404, b"no robots.txt", "text/plain")
            return
        self.send_body(200, body, "text/plain")

    def route_robots_count(self, rest, q):
        """How many /robots.txt requests the Host in ?host= made."""
        with ROBOTS_LOCK:
            n = ROBOTS_COUNTS.get(q.get("host", [""])[0].lower(), 0)
        self.send_body(200, str(n).encode(), "text/plain")

    def do_GET(self):
        path, q = self.query()
        if path == "/robots.txt":
            self.robots_txt()
            return
        parts = path.strip("/").split("/", 1)
        head, rest = parts[0], (parts[1] if len(parts) > 1 else "")
        route = getattr(self, "route_" + head.replace("-", "_"), None)
        if route is None:
            self.send_body(404, b"<html><body>no such endpoint</body></html>")
            return
        try:
            route(urllib.parse.unquote(rest), q)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    # MARK: endpoints

    def route_corpus(self, name, q):
        if "/" in name or name.startswith(".") or not CORPUS:
            self.send_body(404, b"<html><body>not found</body></html>")
            return
        try:
            with open(os.path.join(CORPUS, name), "rb") as f:
                body = f.read()
        except OSError:
            self.send_body(404, b"<html><body>not found</body></html>")
            return
        self.send_body(200, body)

    def route_site(self, name, q):
        site_pages()
        if name == "urls.txt":
            # Absolute URLs as the client reached us, so that `curl .../urls.txt | trawl crawl -` works.
            base = f"http://{self.headers.get('Host') or '%s:%d' % self.server.server_address[:2]}/site/"
            body = "".join(base + n + "\n" for n in SITE).encode()
            self.send_body(200, body, "text/plain; charset=utf-8")
            return
        page = SITE.get(name or "index.html")
        if page is None:
            self.send_body(404, b"<html><body>not found</body></html>")
        elif "utf8" in q:
            self.send_body(200, page.text.encode("utf-8"), "text/plain; charset=utf-8")
        else:
            self.send_body(200, page.body, page.content_type)

    def route_redirect(self, rest, q):
        try:
            n = int(rest or "0")
        except ValueError:
            n = 0
        if n > 0:
            self.redirect(f"/redirect/{n - 1}", status=self.qnum(q, "code", 302))
        else:
            body = b'<html><body><p>final</p><a href="/final-link">final link</a></body></html>'
            self.send_body(200, body)

    def route_redirect_loop(self, rest, q):
        self.redirect("/redirect-loop")

    def route_redirect_to(self, rest, q):
        self.redirect(q.get("url", ["/empty"])[0], status=self.qnum(q, "code", 302))

    def route_status(self, rest, q):
        try:
            code = int(rest)
        except ValueError:
            code = 400
        if code in (204, 304):
            # No body may follow these (RFC 9110 15.3.5, 15.4.5): one would be read as the
            # next response on the connection.
            self.send_response(code)
            self.end_headers()
            return
        body = (
            f"<html><body><h1>status {code}</h1>"
            f'<a href="/status-link/{code}">link from {code}</a></body></html>'
        ).encode()
        self.send_body(code, body)

    def route_counted(self, rest, q):
        # /counted/TAG/PAGE[?delay=S]: the demo site's PAGE, counted under TAG (a test's own
        # tag, so that tests running at once do not see each other's requests).
        tag, _, name = rest.partition("/")
        with COUNTS_LOCK:
            COUNTS[tag] = COUNTS.get(tag, 0) + 1
        self.count_hit(tag)
        time.sleep(self.qnum(q, "delay", 0.0, float))
        page = site_pages().get(name or "index.html")
        if page is None:
            self.send_body(404, b"<html><body>not found</body></html>")
        else:
            self.send_body(200, page.body, page.content_type)

    def route_count(self, tag, q):
        # /count/TAG: how many requests /counted/TAG/ has served, as text.
        with COUNTS_LOCK:
            n = COUNTS.get(tag, 0)
        self.send_body(200, str(n).encode(), "text/plain")

    def route_slow(self, rest, q):
        time.sleep(self.qnum(q, "seconds", 5.0, float))
        self.send_body(200, b"<html><body>slow</body></html>")

    def route_drip(self, rest, q):
        count = self.qnum(q, "bytes", 10)
        interval = self.qnum(q, "interval", 0.5, float)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(count))
        self.end_headers()
        self.wfile.flush()
        for _ in range(count):
            time.sleep(interval)
            self.wfile.write(b"x")
            self.wfile.flush()

    def route_big(self, rest, q):
        total = self.qnum(q, "bytes", 32 << 20)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = (b"<p>" + b"a" * 1018 + b"</p>\n") * 64  # 64 KiB
        left = total
        while left > 0:
            part = chunk[: min(left, len(chunk))]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            left -= len(part)
        self.wfile.write(b"0\r\n\r\n")

    def compressed_source(self, q):
        name = q.get("page", [""])[0]
        if name in site_pages():
            return SITE[name].body
        if name and CORPUS and "/" not in name:
            with open(os.path.join(CORPUS, name), "rb") as f:
                return f.read()
        return GZIP_PAGE

    def route_plain(self, rest, q):
        self.send_body(200, self.compressed_source(q))

    def route_gzip(self, rest, q):
        body = gzip.compress(self.compressed_source(q))
        self.send_body(200, body, headers=[("Content-Encoding", "gzip")])

    def route_deflate(self, rest, q):
        body = zlib.compress(self.compressed_source(q))
        self.send_body(200, body, headers=[("Content-Encoding", "deflate")])

    def route_br(self, rest, q):
        self.send_body(200, self.compress_with("brotli", q), headers=[("Content-Encoding", "br")])

    def route_zstd(self, rest, q):
        self.send_body(200, self.compress_with("zstd", q), headers=[("Content-Encoding", "zstd")])

    def compress_with(self, tool, q):
        # The stdlib has neither codec; the Debian tools (installed by `make deps`) do.
        return subprocess.run([tool, "-c"], input=self.compressed_source(q), stdout=subprocess.PIPE,
                              check=True).stdout

    def route_gzip_bomb(self, rest, q):
        # Small on the wire, large once decoded: max-bytes must count decoded bytes.
        total = self.qnum(q, "bytes", 64 << 20)
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = b"\0" * (1 << 20)
        out = bytearray()
        left = total
        while left > 0:
            out += comp.compress(block[: min(left, len(block))])
            left -= len(block)
        out += comp.flush()
        self.send_body(200, bytes(out), headers=[("Content-Encoding", "gzip")])

    def charset_endpoint(self, label, q, meta):
        text, codec = charset_page(label, meta)
        if text is None:
            self.send_body(400, f"unknown charset {label}".encode(), "text/plain")
            return
        if "utf8" in q:
            self.send_body(200, text.encode("utf-8"), "text/plain; charset=utf-8")
            return
        body = text.encode(codec)
        ctype = f"text/html; charset={label}" if meta == "" else "text/html"
        self.send_body(200, body, ctype)

    def route_charset(self, label, q):
        self.charset_endpoint(label, q, "")

    def route_meta_charset(self, label, q):
        self.charset_endpoint(label, q, "meta")

    def route_http_equiv(self, label, q):
        self.charset_endpoint(label, q, "http-equiv")

    def route_bom(self, label, q):
        text = '<html><body><p id="sample">Grüße — 日本語</p></body></html>\n'
        boms = {"utf-8": (b"\xef\xbb\xbf", "utf-8"), "utf-16le": (b"\xff\xfe", "utf-16-le"),
                "utf-16be": (b"\xfe\xff", "utf-16-be")}
        if label not in boms:
            self.send_body(400, b"bom: utf-8, utf-16le or utf-16be", "text/plain")
            return
        bom, codec = boms[label]
        if "utf8" in q:
            self.send_body(200, text.encode("utf-8"), "text/plain; charset=utf-8")
            return
        # The header names a wrong charset: the BOM must win.
        self.send_body(200, bom + text.encode(codec), "text/html; charset=iso-8859-1")

    def route_bytes(self, rest, q):
        try:
            body = bytes.fromhex(q.get("hex", [""])[0])
        except ValueError:
            body = b""
        ce = q.get("ce", [])
        self.send_body(200, body, q.get("ct", ["text/html"])[0],
                       headers=[("Content-Encoding", ce[0])] if ce else ())

    def route_invalid_utf8(self, rest, q):
        body = (
            b"<html><body><p>ok \xc3\xa9 bad \xff\xfe lone \x80 cut \xe2\x82 "
            b"over \xc0\xaf surrogate \xed\xa0\x80 end</p></body></html>\n"
        )
        self.send_body(200, body, "text/html; charset=utf-8")

    def route_backtrack(self, rest, q):
        n = self.qnum(q, "n", 40)
        tag = q.get("tag", ["button"])[0]
        attr = "id" if tag == "button" else "href"
        body = (
            f'<html><body><{tag} {attr}="first">one</{tag}>\n<{tag} ' + "x " * n + "\n</body></html>\n"
        ).encode()
        self.send_body(200, body)

    def route_headers(self, rest, q):
        seen = {}
        for name, value in self.headers.items():
            key = name.lower()
            seen[key] = value if key not in seen else seen[key] + ", " + value
        body = json.dumps(seen, sort_keys=True).encode()
        self.send_body(200, body, "application/json")

    def route_set_cookie(self, rest, q):
        """Sets each query parameter as a cookie (Path=/); ?expire=NAME deletes one; each
        ?raw=VALUE is sent as a Set-Cookie header as it is (Domain, Path, Secure, ...)."""
        special = ("expire", "raw")
        headers = [("Set-Cookie", f"{k}={v[0]}; Path=/") for k, v in q.items() if k not in special]
        headers += [("Set-Cookie", f"{v}=; Path=/; Max-Age=0") for v in q.get("expire", [])]
        headers += [("Set-Cookie", v) for v in q.get("raw", [])]
        self.send_body(200, b"<html><body>cookies set</body></html>", headers=headers)

    def route_request_target(self, rest, q):
        # The request target exactly as it arrived (http.server decodes it as Latin-1).
        self.send_body(200, self.path.encode("iso-8859-1"), "text/plain")

    def route_conn(self, rest, q):
        # The client's port identifies its connection: equal ports mean keep-alive reuse.
        body = json.dumps({"port": self.client_address[1]}).encode()
        self.send_body(200, body, "application/json")

    def route_tls_session(self, rest, q):
        # Whether this connection's TLS handshake resumed an earlier session; `close=1` ends
        # the connection after the response, so that every request needs a new handshake.
        reused = getattr(self.connection, "session_reused", None)
        close = q.get("close", ["0"])[0] == "1"
        body = json.dumps({"port": self.client_address[1], "tls": reused is not None,
                           "reused": bool(reused)}).encode()
        if close:
            self.close_connection = True
        self.send_body(200, body, "application/json", headers=[("Connection", "close")] if close else ())

    def route_close(self, rest, q):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def route_empty(self, rest, q):
        self.send_body(200, b"")

    # MARK: counted endpoints (repeated URLs, follow mode)

    def count_hit(self, token):
        with HITS_LOCK:
            paths = HITS.setdefault(token, {})
            paths[self.path] = paths.get(self.path, 0) + 1

    def route_hits(self, rest, q):
        with HITS_LOCK:
            body = json.dumps(HITS.get(rest, {}), sort_keys=True).encode()
        self.send_body(200, body, "application/json")

    def route_graph(self, rest, q):
        # /graph/TOKEN/SIZE/N: page N of a SIZE-page site whose links form cycles (to N+1, to
        # 2N+1 and 2N+2, back to N/2 and to itself), written in several relative forms, with
        # fragments, and one link off the site.
        parts = rest.split("/")
        try:
            token, size, n = parts[0], int(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            self.send_body(404, b"<html><body>no such page</body></html>")
            return
        self.count_hit(token)
        if not 0 <= n < size:
            self.send_body(404, b"<html><body>no such page</body></html>")
            return
        links = [
            f"{(n + 1) % size}",
            f"./{(2 * n + 1) % size}#top",
            f"../{size}/{(2 * n + 2) % size}",
            f"/graph/{token}/{size}/{n // 2}",
            f"{n}",
            "http://offsite.invalid/page",
        ]
        body = "<html><body>" + "".join(f'<a href="{h}">link</a>\n' for h in links) + "</body></html>"
        self.send_body(200, body.encode())

    def route_content_type(self, rest, q):
        self.send_body(200, b"<html><body>typed</body></html>", q.get("type", ["text/html"])[0])


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients that hang up (aborted transfers, failed TLS handshakes) are expected.
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)


class TLSServer(Server):
    context = None

    def get_request(self):
        sock, addr = super().get_request()
        # The handshake runs lazily in the handler thread so that a client that never
        # completes it cannot block the accept loop.
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr


def start_tls(address):
    tmp = tempfile.mkdtemp(prefix="trawl-testserver-")
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    extra = "" if address == "127.0.0.1" else f"IP:{address},"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
             "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1," + extra + "DNS:localhost"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None, None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["http/1.1"])
    srv = TLSServer((address, 0), Handler)
    srv.context = ctx
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, cert


def main():
    global CORPUS
    args = sys.argv[1:]
    if "--corpus" in args:
        CORPUS = args[args.index("--corpus") + 1]
    # Another address than loopback lets tests in other network namespaces reach it; the
    # caller picks an address of its own test network, never a public one.
    address = args[args.index("--bind") + 1] if "--bind" in args else "127.0.0.1"
    port = int(args[args.index("--port") + 1]) if "--port" in args else 0
    # Made before the port is printed, so that no client's first /site/ request waits for it
    # (seconds on a loaded machine: a test that cancels after 200 ms must not see that).
    site_pages()
    try:
        srv = Server((address, port), Handler)
    except OSError as e:
        sys.exit(f"testserver.py: cannot listen on {address}:{port}: {e.strerror}")
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    tls, cafile = (None, None) if "--no-tls" in args else start_tls(address)
    print(srv.server_address[1])
    print(f"https {tls.server_address[1]} {cafile}" if tls else "https none")
    sys.stdout.flush()
    if "--forever" in args:
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            os._exit(0)
    # Dies with the parent: its end of our stdin closes when it exits, however it exits.
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
