# SPDX-License-Identifier: Apache-2.0
"""A throw-away nginx on a free loopback port serving one directory (Debian's nginx package).

Runs in the foreground (`daemon off`) from its own prefix in a temporary directory, so it
needs no root, touches nothing in /etc/nginx and leaves nothing behind; stop() ends it by pid.
"""
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

CONFIG = """\
{modules}
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
{user}
events {{ worker_connections 4096; }}
http {{
    access_log off;
    types {{ text/html html htm; }}
    default_type application/octet-stream;
    # requests' .text falls back to ISO-8859-1 without a charset; every corpus page is UTF-8.
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 10000000;
    open_file_cache max=1000 inactive=60s;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{http_extra}
    server {{
{listen}
{server_extra}
        root {root};
        location / {{ }}
{locations}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    def __init__(self, root, tmp, binary=None, modules=(), locations="", hosts=1, tls=None):
        """`modules`: paths of dynamic modules to load (e.g. Debian's
        libnginx-mod-http-echo, for `echo_sleep`); `locations`: more `location` blocks;
        `hosts`: listen on 127.0.0.1 to 127.0.0.N (loopback addresses as that many hosts);
        `tls`: (certificate, key) files to serve HTTPS instead: HTTP/1.1 on `port`, HTTP/2 on
        `h2_port`, TLS sessions cached and ticketed, and every request logged to `tls_log`
        with its connection, its number on the connection and whether the session was resumed."""
        self.tls = tls
        self.h2_port = None
        self.tls_log = os.path.join(tmp, "tls.log")
        self.hosts = hosts
        self.modules = "".join(f"load_module {m};\n" for m in modules)
        self.locations = locations
        self.root = os.path.abspath(root)
        self.tmp = tmp
        self.binary = binary or shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = None
        self.port = None

    def start(self):
        for _ in range(5):
            self.port = free_port()
            conf = os.path.join(self.tmp, "nginx.conf")
            # As root, workers would drop to 'nobody', who may not traverse the corpus path.
            user = "user root;" if os.geteuid() == 0 else ""
            http_extra = server_extra = ""
            if self.tls:
                self.h2_port = free_port()
                listen = "".join(f"        listen 127.0.0.{h}:{self.port} ssl backlog=4096;\n"
                                 f"        listen 127.0.0.{h}:{self.h2_port} ssl http2 backlog=4096;\n"
                                 for h in range(1, self.hosts + 1))
                http_extra = (f"    ssl_certificate {self.tls[0]};\n    ssl_certificate_key {self.tls[1]};\n"
                              "    ssl_session_cache shared:SSL:20m;\n    ssl_session_timeout 1h;\n"
                              "    ssl_session_tickets on;\n    http2_max_concurrent_streams 128;\n"
                              "    log_format tlsr '$connection $connection_requests $ssl_session_reused $server_protocol';\n")
                server_extra = f"        access_log {self.tls_log} tlsr;\n"
            else:
                listen = "".join(f"        listen 127.0.0.{h}:{self.port} backlog=4096;\n"
                                 for h in range(1, self.hosts + 1))
            with open(conf, "w") as f:
                f.write(CONFIG.format(tmp=self.tmp, port=self.port, root=self.root, user=user, listen=listen,
                                      modules=self.modules, locations=self.locations,
                                      http_extra=http_extra, server_extra=server_extra))
            self.proc = subprocess.Popen([self.binary, "-p", self.tmp, "-c", conf, "-e", os.path.join(self.tmp, "error.log")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(f"nginx did not start: see {self.tmp}/error.log")

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def url(self, page, host=1, h2=False):
        if self.tls:
            return f"https://127.0.0.{host}:{self.h2_port if h2 else self.port}/{page}"
        return f"http://127.0.0.{host}:{self.port}/{page}"

    def check(self, page):
        """Fetches one page; returns its Content-Type (raises if nginx does not serve it)."""
        with urllib.request.urlopen(self.url(page), timeout=5) as r:
            r.read()
            return r.headers.get("Content-Type")

    def pids(self):
        """The master and its workers (for their CPU time)."""
        if not self.proc:
            return []
        found = [self.proc.pid]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                            found.append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        return found

    def cpu_seconds(self):
        """user+sys of the master and the workers so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                pass
        return total / tick

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
