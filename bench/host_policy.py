#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What the per-host policy's lock costs per request on the thread backend (not a test).

Every lane asks the batch's one HostTable, under one lock, before each transfer starts and
tells it when the transfer ends, whenever a per-host rule is active; the circuit breaker is on
by default (breaker_threshold 5), so by default every request takes that lock twice. With
breaker_threshold 0 (and no per_host_connections, host_delay, host_rate or respect_robots)
the table can never hold a request back and the lanes skip it.

Crawls one small page from nginx on loopback, N distinct URLs (`?r=K`), on 1 host and on 20
host names (`--resolve hK.bench:PORT:127.0.0.1`), with the default breaker and with
`--breaker-threshold 0`, alternating the four runs in each round; prints the median pages/s
of the rounds as a Markdown table. Run it under the test lock:

    flock /work/team/test.lock bench/host_policy.py [--trawl .build/release/trawl]
          [--urls 20000] [--rounds 5] [--jobs 2]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nginx import Nginx  # noqa: E402

PAGE = "<html><head><title>t</title></head><body>" + "".join(
    f'<p><a href="/p{i}">link {i}</a> mail{i}@example.com</p>' for i in range(20)) + "</body></html>\n"


def run(trawl, urls_file, out, extra, jobs):
    cmd = [trawl, "crawl", "--jobs", str(jobs), "--output", out, *extra, urls_file]
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    with open(out) as f:
        statuses = [json.loads(line).get("status") for line in f]
    with open(urls_file) as f:
        wanted = sum(1 for _ in f)
    if len(statuses) != wanted or any(s != 200 for s in statuses):
        sys.exit(f"{' '.join(cmd)}: {len(statuses)} results of {wanted}, not all 200")
    return elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trawl", default=".build/release/trawl")
    ap.add_argument("--urls", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "www")
        os.mkdir(root)
        with open(os.path.join(root, "page.html"), "w") as f:
            f.write(PAGE)
        server = Nginx(root, tmp).start()
        try:
            port = server.port
            one = os.path.join(tmp, "one.txt")
            many = os.path.join(tmp, "many.txt")
            with open(one, "w") as f:
                f.writelines(f"http://127.0.0.1:{port}/page.html?r={k}\n" for k in range(args.urls))
            with open(many, "w") as f:
                f.writelines(f"http://h{k % 20}.bench:{port}/page.html?r={k}\n" for k in range(args.urls))
            resolve = [a for k in range(20) for a in ("--resolve", f"h{k}.bench:{port}:127.0.0.1")]
            cases = [
                ("1 host", one, [], "breaker on (default)"),
                ("1 host", one, ["--breaker-threshold", "0"], "no host policy"),
                ("20 hosts", many, resolve, "breaker on (default)"),
                ("20 hosts", many, resolve + ["--breaker-threshold", "0"], "no host policy"),
            ]
            times = {i: [] for i in range(len(cases))}
            out = os.path.join(tmp, "out.jsonl")
            run(args.trawl, one, out, [], args.jobs)  # warm nginx and the page cache
            for r in range(args.rounds):
                order = list(range(len(cases)))
                if r % 2:
                    order.reverse()
                for i in order:
                    times[i].append(run(args.trawl, cases[i][1], out, cases[i][2], args.jobs))
        finally:
            server.stop()
    print(f"{args.urls} URLs, thread backend, --jobs {args.jobs}, median of {args.rounds} rounds\n")
    print("| hosts | host policy | pages/s | seconds |")
    print("| --- | --- | --- | --- |")
    for i, (hosts, _, _, policy) in enumerate(cases):
        t = statistics.median(times[i])
        print(f"| {hosts} | {policy} | {args.urls / t:,.0f} | {t:.2f} |")
    for hosts in ("1 host", "20 hosts"):
        on, off = [statistics.median(times[i]) for i, c in enumerate(cases) if c[0] == hosts]
        per = (on - off) / args.urls * 1e6
        print(f"\n{hosts}: the policy costs {per:+.1f} µs per request ({(off / on - 1) * 100:+.1f}% pages/s)", end="")
    print()


if __name__ == "__main__":
    main()
