#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs the blog's program and its trawl version on each of the blog's five backends over
the same loopback pages (the demo site, pages Python's re finishes on), checks that both
return the same results, and prints the comparison table of README.md, then the Dask and Ray
backends' overhead per chunk.

Usage: examples/python/compare.py [COPIES]   (each page COPIES times, default 10)
Needs joblib, requests, dask[distributed] and ray beside trawl-crawler.
"""

import contextlib
import importlib
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
RESOURCES = HERE.parents[1] / "Tests" / "TrawlTestSupport" / "Resources"
sys.path[:0] = [str(HERE), str(RESOURCES)]

import sitegen  # noqa: E402

import trawl  # noqa: E402

BACKENDS = ["threading", "loky", "multiprocessing", "dask", "ray"]


def serve():
    proc = subprocess.Popen([sys.executable, str(RESOURCES / "testserver.py"), "--no-tls"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return proc, f"http://127.0.0.1:{proc.stdout.readline().strip()}"


def timed(fn, urls):
    start = time.perf_counter()
    out = fn(urls)
    return out, len(urls) / (time.perf_counter() - start)


def chunk_overhead(backend, urls):
    """Seconds one task adds: the batch in one-URL chunks against the same batch in chunks
    of 64, per extra chunk, on every slot at once."""
    def run(size):
        start = time.perf_counter()
        stream = trawl.Crawler(backend=backend, chunk_size=size).stream(urls)
        for _ in stream:
            pass
        return time.perf_counter() - start, stream.chunks_sent
    run(64)  # warm: workers compile the patterns, Ray starts its worker processes
    big, n_big = run(64)
    small, n_small = run(1)
    slots = 2
    return (small - big) * slots / (n_small - n_big)


def main():
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    server, base = serve()
    try:
        pages = [p.name for p in sitegen.generate() if p.python_safe]
        urls = [f"{base}/site/{name}?copy={k}" for k in range(copies) for name in pages]
        print(f"{len(urls)} URLs ({len(pages)} pages x {copies}), {os.cpu_count()} cores\n")
        print("| joblib backend | the blog's program | trawl | trawl backend | trawl / blog |")
        print("| --- | ---: | ---: | --- | ---: |")
        overheads = {}
        for name in BACKENDS:
            module = importlib.import_module(f"{name}_backend")
            engine = getattr(module, "engine", None)
            with engine() if engine else contextlib.nullcontext():
                module.with_trawl(urls[:20])  # warm both sides alike
                module.blog(urls[:20])
                theirs, blog_rate = timed(module.blog, urls)
                ours, trawl_rate = timed(module.with_trawl, urls)
                assert ours == theirs, f"{name}: trawl and the blog's program disagree"
                if name in ("dask", "ray"):
                    overheads[name] = chunk_overhead(name, urls[:400])
            backend = {"threading": "thread", "loky": "process", "multiprocessing": "process"}
            print(f"| {name} | {blog_rate:,.0f} pages/s | {trawl_rate:,.0f} pages/s | "
                  f"{backend.get(name, name)} | {trawl_rate / blog_rate:.1f}x |")
        print()
        for name, seconds in overheads.items():
            print(f"{name}: {seconds * 1000:.1f} ms per chunk")
    finally:
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
