#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small forward proxy for trawl's tests (stdlib only): an HTTP proxy (absolute-URI
requests and CONNECT tunnels) and a SOCKS5 proxy (RFC 1928, user/password RFC 1929), both
on 127.0.0.1, plus a control port whose GET / answers the counts as JSON.

Prints three lines: the HTTP proxy port, the SOCKS5 port, the control port. With
--auth USER:PASSWORD both proxies require those credentials (407 / SOCKS auth failure
otherwise). Forwarded HTTP requests get a "Via: 1.1 trawl-test-proxy" header. Exits when
stdin reaches EOF."""
import argparse
import base64
import json
import socket
import socketserver
import struct
import sys
import threading

COUNTS = {"http": 0, "connect": 0, "socks": 0, "refused": 0, "targets": []}
LOCK = threading.Lock()
AUTH = None


def count(kind, target=None):
    with LOCK:
        COUNTS[kind] += 1
        if target:
            COUNTS["targets"].append(target)


def copy(src, dst):
    """Sends dst what src receives until src ends or either socket fails."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass


def pipe(a, b):
    def one(src, dst):
        copy(src, dst)
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    t = threading.Thread(target=one, args=(b, a), daemon=True)
    t.start()
    one(a, b)
    t.join()


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None, b""
        data += chunk
        if len(data) > 65536:
            return None, b""
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


class HTTPProxy(socketserver.BaseRequestHandler):
    def handle(self):
        c = self.request
        head, rest = read_head(c)
        if head is None:
            return
        lines = head.split("\r\n")
        method, target, version = (lines[0].split(" ") + ["", "", ""])[:3]
        headers = [l for l in lines[1:] if l]
        if AUTH is not None:
            want = "basic " + base64.b64encode(AUTH.encode()).decode().lower()
            given = [l.split(":", 1)[1].strip().lower() for l in headers if l.lower().startswith("proxy-authorization:")]
            if want not in given:
                count("refused")
                c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n"
                          b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                return
        headers = [l for l in headers if not l.lower().startswith("proxy-")]
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            count("connect", target)
            try:
                up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            except OSError:
                c.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            pipe(c, up)
            return
        if not target.startswith("http://"):
            c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        rest_url = target[len("http://"):]
        hostport, _, path = rest_url.partition("/")
        host, _, port = hostport.rpartition(":") if ":" in hostport.rsplit("]", 1)[-1] else (hostport, "", "80")
        count("http", hostport)
        try:
            up = socket.create_connection((host.strip("[]"), int(port or 80)), timeout=10)
        except OSError:
            c.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        out = [f"{method} /{path} HTTP/1.1"] + [h for h in headers if not h.lower().startswith("connection:")]
        out += ["Via: 1.1 trawl-test-proxy", "Connection: close"]
        up.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + rest)
        # One request per connection: the answer, then close.
        copy(up, c)
        up.close()


class SOCKS5(socketserver.BaseRequestHandler):
    def recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    def handle(self):
        c = self.request
        try:
            ver, n = self.recv(2)
            methods = self.recv(n)
            if AUTH is not None:
                if 2 not in methods:
                    c.sendall(b"\x05\xff")
                    count("refused")
                    return
                c.sendall(b"\x05\x02")
                _, ulen = self.recv(2)
                user = self.recv(ulen)
                (plen,) = self.recv(1)
                password = self.recv(plen)
                if f"{user.decode()}:{password.decode()}" != AUTH:
                    c.sendall(b"\x01\x01")
                    count("refused")
                    return
                c.sendall(b"\x01\x00")
            else:
                c.sendall(b"\x05\x00")
            _, cmd, _, atyp = self.recv(4)
            if atyp == 1:
                host = socket.inet_ntoa(self.recv(4))
            elif atyp == 3:
                (ln,) = self.recv(1)
                host = self.recv(ln).decode()
            elif atyp == 4:
                host = socket.inet_ntop(socket.AF_INET6, self.recv(16))
            else:
                return
            (port,) = struct.unpack("!H", self.recv(2))
            count("socks", f"{host}:{port}")
            try:
                up = socket.create_connection((host, port), timeout=10)
            except OSError:
                c.sendall(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
                return
            c.sendall(b"\x05\x00\x00\x01\x7f\x00\x00\x01" + struct.pack("!H", port))
            pipe(c, up)
        except OSError:
            return


class Control(socketserver.BaseRequestHandler):
    def handle(self):
        read_head(self.request)
        with LOCK:
            body = json.dumps(COUNTS).encode()
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global AUTH
    p = argparse.ArgumentParser()
    p.add_argument("--auth")
    AUTH = p.parse_args().auth
    servers = [Server(("127.0.0.1", 0), h) for h in (HTTPProxy, SOCKS5, Control)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
        print(s.server_address[1])
    sys.stdout.flush()
    sys.stdin.read()


if __name__ == "__main__":
    main()
