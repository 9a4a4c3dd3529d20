#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Memory per transfer in flight (issue 17's target: peak RSS <= 128 MB at 1,024 plain-HTTP
transfers in flight; at most 64 KiB of trawl's own memory per transfer beyond its body).

nginx on loopback answers /slow after `echo_sleep` (Debian's libnginx-mod-http-echo) with a
small page, so that every transfer of the batch is in flight at once for that long. For each
`--concurrency` N, `trawl crawl` fetches 3 x N distinct URLs (`/slow?r=K`) and the peak RSS of
its process (ru_maxrss of the child) is taken; the slope between the smallest and the largest
N is the memory one more transfer in flight costs. Medians of the rounds. Not a test:

    bench/transfer_memory.py [--trawl .build/release/trawl] [--concurrency 64,256,1024] [--page-kb 2,200]
                             [--sleep 1.5] [--rounds 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nginx import Nginx  # noqa: E402

ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"

def page(kb):
    """About `kb` KB of HTML with links, as the corpus pages (198 KB on average)."""
    para = "".join(f'<p><a href="/p{i}">link {i}</a> text text text text text</p>\n' for i in range(20))
    return "<html><body>\n" + para * max(1, (kb * 1024) // len(para)) + "</body></html>\n"


def peak_rss_kb(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err[-500:]}")
    return usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trawl", default=".build/release/trawl")
    ap.add_argument("--concurrency", default="64,256,1024")
    ap.add_argument("--sleep", type=float, default=1.5, help="seconds nginx waits before answering")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="lanes (trawl --jobs)")
    ap.add_argument("--page-kb", default="2,200", help="page sizes to serve, KB")
    args = ap.parse_args()
    if not os.path.exists(ECHO_MODULE):
        sys.exit(f"{ECHO_MODULE} is missing: apt-get install libnginx-mod-http-echo")
    levels = [int(x) for x in args.concurrency.split(",")]
    sizes = [int(x) for x in args.page_kb.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "www")
        os.mkdir(root)
        for kb in sizes:
            with open(os.path.join(root, f"page{kb}.html"), "w") as f:
                f.write(page(kb))
        # echo_exec after the sleep: an internal redirect to the static page (sendfile).
        locations = (f'        location /slow {{ echo_sleep {args.sleep}; echo_exec /page$arg_kb.html; }}\n')
        server = Nginx(root, tmp, modules=[ECHO_MODULE], locations=locations).start()
        try:
            server.check(f"slow?kb={sizes[0]}")
            rss = {(kb, n): [] for kb in sizes for n in levels}
            for _ in range(args.rounds):
                for kb in sizes:
                    for n in levels:
                        urls = os.path.join(tmp, f"urls-{kb}-{n}.txt")
                        with open(urls, "w") as f:
                            f.writelines(f"{server.url('slow')}?kb={kb}&r={k}\n" for k in range(3 * n))
                        # --per-host 0: the N transfers all go to the one nginx (the default
                        # of 8 per host would hold the others back).
                        cmd = [args.trawl, "crawl", "--jobs", str(args.jobs), "--concurrency", str(n),
                               "--per-host", "0", "--timeout", str(args.sleep + 30), urls]
                        start = time.monotonic()
                        rss[(kb, n)].append(peak_rss_kb(cmd))
                        took = time.monotonic() - start
                        # All N were in flight together only if the batch took about 3 sleeps.
                        if took > 3 * args.sleep + 5:
                            print(f"warning: {n} in flight took {took:.1f} s for 3 waves of {args.sleep} s",
                                  file=sys.stderr)
        finally:
            server.stop()
    med = {k: statistics.median(v) / 1024 for k, v in rss.items()}
    lo, hi = min(levels), max(levels)
    print(f"trawl: {args.trawl}; nginx answers after {args.sleep} s; {args.jobs} lanes; "
          f"{args.rounds} rounds, medians of peak RSS (MB)")
    print()
    print("| page | " + " | ".join(f"{n:,} in flight" for n in levels) + " | per transfer |")
    print("| --- |" + " ---: |" * (len(levels) + 1))
    for kb in sizes:
        slope = (med[(kb, hi)] - med[(kb, lo)]) * 1024 / (hi - lo) if hi > lo else float("nan")
        print(f"| {kb} KB | " + " | ".join(f"{med[(kb, n)]:.1f}" for n in levels) + f" | {slope:.1f} KiB |")
    if 1024 in levels:
        worst = max(med[(kb, 1024)] for kb in sizes)
        print()
        print(f"target: peak RSS <= 128 MB at 1,024 transfers in flight: {'met' if worst <= 128 else 'not met'} "
              f"(largest {worst:.1f} MB)")


if __name__ == "__main__":
    main()
