# SPDX-License-Identifier: Apache-2.0
"""Run by `make python-wheel-test` in a fresh virtual environment holding only the wheel, with
no TRAWL_* variables: the bundled libtrawl.so and worker must be found on their own, and both
backends must give the same matches. Usage: wheel_smoke.py path/to/testserver.py"""

import os
import pathlib
import subprocess
import sys

import trawl

here = pathlib.Path(trawl.__file__).parent
assert (here / "libtrawl.so").exists() and os.access(here / "trawl", os.X_OK), here
assert "TRAWL_LIBRARY" not in os.environ and "TRAWL_WORKER" not in os.environ

server = subprocess.Popen([sys.executable, sys.argv[1], "--no-tls"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
port = server.stdout.readline().strip()
urls = [f"http://127.0.0.1:{port}/site/{n:03d}.html" for n in range(1, 21)]
threads = trawl.crawl(urls)
processes = trawl.crawl(urls, backend="process", n_jobs=2)
server.stdin.close()
server.wait(timeout=10)
assert threads == processes, "process backend differs from thread backend"
links = sum(len(v["link"]) for d in threads for v in d.values())
assert links > 100, links
print(f"wheel smoke test ok: {len(urls)} pages, {links} links, thread and process backends agree")
