#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Memory and first-result time against the length of the input (issue 17, bounded memory).

Feeds N URLs to `trawl crawl -` on standard input as fast as the pipe takes them, all to a
closed loopback port (each URL ends at once: `connect` refused, then `host_unavailable`
once the circuit breaker opens), and reports the wall time, results per second, the peak
RSS of the trawl process (VmHWM, sampled from /proc) and the time from start to the first
result line. Memory that grows with N is memory held per URL; a first result that waits for
the input's end is input read whole.

    bench/input_scale.py [--cli .build/release/trawl-cli] [--sizes 100000,1000000] [-- ARGS]
"""
import argparse
import os
import subprocess
import sys
import threading
import time


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cli, n, extra):
    start = time.monotonic()
    proc = subprocess.Popen([cli, "crawl", *extra, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, bufsize=1 << 16)

    def feed():
        chunk = 10_000
        try:
            for base in range(0, n, chunk):
                proc.stdin.write("".join(f"http://127.0.0.1:1/{i}\n" for i in range(base, min(n, base + chunk))).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass

    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], peak_rss_kib(proc.pid))
            time.sleep(0.05)

    threading.Thread(target=feed, daemon=True).start()
    threading.Thread(target=sample, daemon=True).start()
    first = None
    lines = 0
    for line in proc.stdout:
        if first is None:
            first = time.monotonic() - start
        lines += 1
    peak[0] = max(peak[0], peak_rss_kib(proc.pid))
    proc.wait()
    done.set()
    wall = time.monotonic() - start
    return {"n": n, "lines": lines, "wall": wall, "rate": lines / wall, "rss_mib": peak[0] / 1024,
            "first_ms": (first or 0) * 1000, "status": proc.returncode}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", default=".build/release/trawl-cli")
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("extra", nargs="*", help="more trawl crawl arguments (after --)")
    a = ap.parse_args()
    rows = [run(a.cli, int(s), a.extra) for s in a.sizes.split(",")]
    print("| URLs | results | wall s | results/s | peak RSS MiB | first result ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['n']:,} | {r['lines']:,} | {r['wall']:.1f} | {r['rate']:,.0f} | {r['rss_mib']:.1f} | {r['first_ms']:.0f} |")
    if len(rows) > 1:
        print(f"\nRSS {rows[-1]['n']:,} / {rows[0]['n']:,} URLs: {rows[-1]['rss_mib'] / rows[0]['rss_mib']:.2f}x")
    bad = [r for r in rows if r["lines"] != r["n"] or r["status"] not in (0, 1)]
    if bad:
        sys.exit(f"lost results: {bad}")


if __name__ == "__main__":
    main()
