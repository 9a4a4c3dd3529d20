#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small server (issue 17's target: against Python's http.server, with its short accept
queue, trawl at its default settings is no slower than at the best fixed concurrency).

`python3 -m http.server` serves the pages (the corpus, ../shared/corpus/readability, when
present, else generated pages of about 20 KB) over HTTP/1.0, closing every connection, and
listens with an accept queue of 5 (socketserver's `request_queue_size`), which holds 6
connections: a 7th connect at once is dropped and waits out Linux's 1 s SYN retransmission.
The runners alternate in each round; medians of wall seconds. Not a test:

    bench/small_server.py [--trawl .build/release/trawl] [--rounds 5] [--fixed 2,4,6,8]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realweb  # noqa: E402  (its pages(): the corpus or generated pages)
from nginx import free_port  # noqa: E402


def wait_for(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("http.server did not start")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trawl", default=os.path.join(HERE, "..", ".build", "release", "trawl"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--fixed", default="2,4,6,8", help="trawl --concurrency levels to compare")
    args = ap.parse_args()
    fixed = [int(x) for x in args.fixed.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "www")
        os.mkdir(root)
        names, kind = realweb.pages(root)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                                  cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port)
            urls = os.path.join(tmp, "urls.txt")
            with open(urls, "w") as f:
                f.writelines(f"http://127.0.0.1:{port}/{n}\n" for n in names)
            runners = {"trawl default": []}
            for n in fixed:
                runners[f"trawl --concurrency {n}"] = ["--concurrency", str(n)]
            times = {name: [] for name in runners}
            for _ in range(args.rounds):
                for name, extra in runners.items():
                    start = time.monotonic()
                    proc = subprocess.run([args.trawl, "crawl", *extra, urls], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE)
                    took = time.monotonic() - start
                    if proc.returncode != 0:
                        sys.exit(f"{name} failed: {proc.stderr.decode(errors='replace')[-400:]}")
                    times[name].append(took)
        finally:
            server.terminate()
            server.wait()
    print(f"trawl {args.trawl}; python3 -m http.server; {len(names)} {kind} pages; "
          f"{args.rounds} rounds alternated, medians")
    print()
    print("| runner | wall s (median) | min-max |")
    print("| --- | ---: | ---: |")
    med = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"| {name} | {med[name]:.2f} | {min(t):.2f}-{max(t):.2f} |")
    best = min((n for n in med if n != "trawl default"), key=med.get)
    ok = med["trawl default"] <= med[best] * 1.10
    print()
    print(f"target: default no slower than the best fixed ({best}, {med[best]:.2f} s; 10% for noise): "
          f"{'met' if ok else 'not met'} ({med['trawl default']:.2f} s)")


if __name__ == "__main__":
    main()
