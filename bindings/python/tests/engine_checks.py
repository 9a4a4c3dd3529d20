# SPDX-License-Identifier: Apache-2.0
"""What test_dask.py and test_ray.py both check, against a real cluster of either engine:
results identical to the thread backend in every order mode, errors as the binding surfaces
them, verbose lines and the progress callback, exactly one result per URL, and a per-host
budget held across tasks (seen by a loopback server that counts requests in flight)."""

import contextlib
import dataclasses
import io
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import trawl


def comparable(r):
    """A Result without its timing, which differs from run to run."""
    return dataclasses.replace(r, elapsed=0.0)


def check_identical_to_thread_backend(urls, **engine):
    expected = trawl.crawl_results(urls, n_jobs=2)
    for return_as in ("list", "generator", "generator_unordered"):
        got = list(trawl.crawl_results(urls, return_as=return_as, **engine))
        assert len(got) == len(urls)
        if return_as == "generator_unordered":
            assert sorted(r.index for r in got) == list(range(len(urls)))
            got.sort(key=lambda r: r.index)
        assert [comparable(r) for r in got] == [comparable(r) for r in expected], return_as
    assert trawl.crawl(urls, **engine) == trawl.crawl(urls, n_jobs=2)
    stream = trawl.Crawler(**engine).stream(urls)
    assert [r.index for r in stream] == list(range(len(urls)))
    assert stream.chunks_sent > 1  # the batch really was cut into tasks


def check_errors(base_url, **engine):
    urls = ["not a url", f"{base_url}/status/404", f"{base_url}/site/001.html"]
    def plain(rows):  # errors compare by identity: compare their class, code and message
        return [{u: (type(v), v.code, v.message) if isinstance(v, trawl.TrawlError) else v
                 for u, v in row.items()} for row in rows]

    got = trawl.crawl(urls, errors="return", **engine)
    assert isinstance(got[0]["not a url"], trawl.InvalidURL)
    assert plain(got) == plain(trawl.crawl(urls, errors="return"))
    results = trawl.crawl_results(urls, **engine)
    assert [r.status for r in results] == [None, 404, 200]
    with pytest.raises(trawl.InvalidURL):
        trawl.crawl(urls, errors="raise", **engine)
    with pytest.warns(trawl.TrawlWarning, match="1 of 3 URLs failed"):
        trawl.crawl(urls, **engine)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trawl.crawl(urls, errors="ignore", **engine)
    with pytest.raises(trawl.InvalidRegex):
        trawl.crawl(urls, patterns={"bad": "("}, **engine)


def check_verbose_and_progress(urls, label, **engine):
    seen = []
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        trawl.crawl(urls, verbose=10, progress=lambda d, t, r: seen.append((d, t, r.url)),
                    **engine)
    lines = err.getvalue().splitlines()
    assert lines[0] == (f"[trawl(n_jobs=2)]: Using backend {label}Backend with 2 concurrent "
                        "workers.")
    assert lines[-1].startswith(f"[trawl(n_jobs=2)]: Done {len(urls):3d} out of {len(urls):3d}")
    assert lines[-1].endswith("finished")
    assert [d for d, _, _ in seen] == list(range(1, len(urls) + 1))
    assert {t for _, t, _ in seen} == {len(urls)}
    assert sorted(u for _, _, u in seen) == sorted(urls)


def check_exactly_once(results, urls):
    assert sorted(r.index for r in results) == list(range(len(urls)))
    assert [r.url for r in sorted(results, key=lambda r: r.index)] == urls


class _Counting(BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        with server.lock:
            server.now += 1
            server.peak = max(server.peak, server.now)
        time.sleep(0.15)
        with server.lock:
            server.now -= 1
        body = b"<html><body><a href='x'>x</a></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def peak_server():
    """A loopback server that remembers the most requests it ever had in flight."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    server.daemon_threads = True
    server.lock, server.now, server.peak = threading.Lock(), 0, 0
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def check_per_host_budget(**engine):
    with peak_server() as server:
        port = server.server_address[1]
        urls = [f"http://127.0.0.1:{port}/p{i}" for i in range(12)]
        # Two slots: with the budget copied into each task, 2 x 2 would be in flight.
        results = trawl.crawl_results(urls, per_host_connections=2, concurrency=8,
                                      chunk_size=2, **engine)
        assert all(r.ok for r in results)
        assert server.peak <= 2
        server.peak = 0
        # The budget of one: one task at a time, each with one connection.
        trawl.crawl_results(urls[:6], per_host_connections=1, chunk_size=1, **engine)
        assert server.peak == 1
