# SPDX-License-Identifier: Apache-2.0
"""What a user of an installed trawl-crawler does first, run in a fresh virtual environment
holding only that installation, from a directory outside the repository, with no TRAWL_*
variables: the bundled libtrawl.so and worker must be found on their own.

Checks: both backends give the same matches; HTTPS verifies against $SSL_CERT_FILE (the
loopback server's certificate: libcurl's own compiled-in CA path is not used); `python -m
trawl crawl` runs the bundled CLI. With --repaired, the library and the worker must load
libcurl, PCRE2 and hiredis from the wheel's own trawl_crawler.libs/ (run it where the
system's copies are out of reach to prove it).

Usage: wheel_smoke.py path/to/testserver.py [--repaired]"""

import json
import os
import pathlib
import subprocess
import sys

import trawl

here = pathlib.Path(trawl.__file__).parent
assert (here / "libtrawl.so").exists() and os.access(here / "trawl", os.X_OK), here
assert not any(k.startswith("TRAWL_") for k in os.environ), "TRAWL_* variables are set"

if "--repaired" in sys.argv:
    libs = here.parent / "trawl_crawler.libs"
    bundled = sorted(p.name for p in libs.iterdir())
    for lib in ("libcurl", "libpcre2-8", "libhiredis"):
        assert any(n.startswith(lib) for n in bundled), f"{lib} not in {libs}: {bundled}"
    with open(f"/proc/{os.getpid()}/maps") as f:
        loaded = {line.split()[-1] for line in f if ".so" in line}
    for lib in ("libcurl", "libpcre2-8"):
        paths = [p for p in loaded if os.path.basename(p).startswith(lib)]
        assert paths and all(p.startswith(str(libs)) for p in paths), f"{lib} loaded from {paths}"

server = subprocess.Popen([sys.executable, sys.argv[1]], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = server.stdout.readline().strip()
https = server.stdout.readline().split()
assert port.isdigit() and len(https) == 3, (port, https)
base = f"http://127.0.0.1:{port}"
# The loopback server's self-signed certificate, trusted only through SSL_CERT_FILE (which
# the library reads once, before its first transfer).
os.environ["SSL_CERT_FILE"] = https[2]
# Pages of the generated demo site, and compressed and transcoded ones.
urls = ([f"{base}/site/{n:03d}.html" for n in range(1, 21)]
        + [f"{base}/plain", f"{base}/gzip", f"{base}/br", f"{base}/charset/windows-1252"])
threads = trawl.crawl(urls)
processes = trawl.crawl(urls, backend="process", n_jobs=2)
assert threads == processes, "process backend differs from thread backend"
links = sum(len(v["link"]) for d in threads for v in d.values())
assert links > 3 * 200, links

secure = trawl.crawl_results([f"https://127.0.0.1:{https[1]}/plain"])[0]
assert secure.error is None and secure.status == 200, secure.error

cli = subprocess.run([sys.executable, "-m", "trawl", "crawl", f"{base}/plain", "ftp://127.0.0.1/x"],
                     capture_output=True, text=True, timeout=60)
assert cli.returncode == 0, cli.stderr
rows = [json.loads(line) for line in cli.stdout.splitlines()]
assert [r["url"] for r in rows] == [f"{base}/plain", "ftp://127.0.0.1/x"], rows
assert len(rows[0]["matches"]["link"]) == 200 and rows[1]["error"]["code"] == "unsupported_protocol"
usage = subprocess.run([sys.executable, "-m", "trawl", "--help"], capture_output=True, text=True)
assert usage.returncode == 0 and "USAGE: trawl" in usage.stdout, usage.stdout + usage.stderr

server.stdin.close()
server.wait(timeout=10)
print(f"wheel smoke test ok: {len(urls)} pages, {links} links, thread and process backends "
      "agree, HTTPS with SSL_CERT_FILE, python -m trawl")
