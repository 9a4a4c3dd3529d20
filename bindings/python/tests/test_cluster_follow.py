# SPDX-License-Identifier: Apache-2.0
"""Follow mode on the cluster backend from Python and from the CLI: a real redis-server on a
free loopback port and two real `trawl worker --redis` processes, the frontier and seen-set
in Redis; the test server counts the requests."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import pytest

import trawl
from test_follow import hits, links

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    if not os.path.exists(REDIS):
        pytest.fail("redis-server is needed (Debian's redis-server package; .ci/run installs it)")
    port, workdir = free_port(), tempfile.mkdtemp(prefix="trawl-redis-")
    redis = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir,
                              "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    cli = os.environ["TRAWL_CLI"]
    workers = [subprocess.Popen([cli, "worker", "--redis", url, "--name", f"py{k}", "-j", "1",
                                 "--concurrency", "16"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for k in range(2)]
    yield url
    for w in workers:
        w.terminate()
    for w in workers:
        w.wait(timeout=10)
    redis.terminate()
    redis.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def check_site(results, size, base_url, token):
    page = {r.index: int(r.url.rsplit("/", 1)[1]) for r in results}
    assert sorted(page.values()) == list(range(size))
    by_index = {r.index: r for r in results}
    for r in results:
        if r.index == 0:
            assert (r.depth, r.parent, r.parent_url) == (0, -1, None)
            continue
        p = by_index[r.parent]
        assert r.depth == p.depth + 1 and r.parent_url == p.url
        assert page[r.index] in links(page[p.index], size)
    counted = hits(base_url, token)
    assert len(counted) == size and set(counted.values()) == {1}


def test_python_follows_on_the_cluster(base_url, redis_url):
    token, size = uuid.uuid4().hex, 300
    seed = f"{base_url}/graph/{token}/{size}/0"
    results = trawl.Crawler(backend="cluster", redis_url=redis_url, follow="link",
                            max_depth=1000).crawl_results([seed])
    assert len(results) == size
    check_site(results, size, base_url, token)


def test_the_cli_follows_on_the_cluster(base_url, redis_url):
    token, size = uuid.uuid4().hex, 200
    seed = f"{base_url}/graph/{token}/{size}/0"
    run = subprocess.run([os.environ["TRAWL_CLI"], "crawl", "--backend", "cluster", "--redis", redis_url,
                          "--follow", "link", "--max-depth", "1000", "--max-pages", "120", seed],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(rows) == 120
    assert all(r["status"] == 200 for r in rows)
    # Lines come in index order: a page's parent is an earlier line, one level up.
    for i, r in enumerate(rows[1:], start=1):
        p = rows[r["parent"]]
        assert r["parent"] < i and r["depth"] == p["depth"] + 1 and r["parent_url"] == p["url"]
    assert {r["depth"] for r in rows} >= {0, 1, 2}
    assert len(hits(base_url, token)) == 120
