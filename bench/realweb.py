#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Latency and many hosts, side by side (issue 17 item 4): trawl at its default settings
(adaptive concurrency) against trawl at fixed `--concurrency` levels (the same per-host cap),
curl `--parallel` (fetch only, 300 in flight), aiohttp at 64 and 512 in flight and, with
`--joblib`, the joblib idiom at n_jobs = os.cpu_count() and at 64 threads.

nginx on loopback answers every page after `echo_sleep` (Debian's libnginx-mod-http-echo): the
latency of a far server without `tc netem`. With `--hosts N` it listens on 127.0.0.1 to
127.0.0.N, so a batch's URLs spread over N hosts (each its own `host:port` to trawl's per-host
rules). Pages: the corpus (../shared/corpus/readability) when present, less the pages on which
Python's re hangs (bench/hanging-pages.txt), else generated pages of about 20 KB. Each runner crawls the same list; rounds alternate the runners; medians. Not a test:

    bench/realweb.py [--latency 0,50,200] [--hosts 1,100] [--urls 5000] [--rounds 3]
                     [--fixed 64,256,512,1024] [--joblib] [--repeat K] [--only NAMES]
                     [--trawl .build/release/trawl]

`--repeat K` makes every distinct URL appear K times in the list, spread over it: the seed's
own batch is `--urls 1000 --repeat 100` (10 URLs x 100). Rates count results per second
either way, so a runner that fetches each URL once (trawl, whose `dedupe` is on by default)
is credited for the repeats it did not fetch, as a user would see it. `--only` runs the
runners whose names start with one of the comma-separated prefixes (`trawl default,curl`),
for lists too long for the slow ones.

Prints one Markdown table per scenario with pages/s and ratios to the best fixed trawl run
and to curl, and the targets of issue 17 that the scenario decides.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nginx import Nginx  # noqa: E402

ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"
CORPUS = os.environ.get("TRAWL_CORPUS") or os.path.join(HERE, "..", "..", "shared", "corpus", "readability")


def pages(root):
    """Writes the pages to serve into `root`; returns their names."""
    if os.path.isdir(CORPUS):
        # Without the pages on which Python's re.findall hangs (bench/hanging-pages.txt): every
        # runner crawls the same list, and the Python ones must finish.
        with open(os.path.join(HERE, "hanging-pages.txt")) as f:
            hanging = {line.split()[0] for line in f if line.strip() and not line.startswith("#")}
        names = sorted(n for n in os.listdir(CORPUS) if n.endswith(".html") and n not in hanging)
        for n in names:
            shutil.copy(os.path.join(CORPUS, n), os.path.join(root, n))
        return names, "corpus"
    para = "".join(f'<p><a href="/p{i}">link {i}</a> <button id="b{i}">b</button> text</p>\n' for i in range(20))
    names = []
    for k in range(20):
        name = f"gen{k}.html"
        with open(os.path.join(root, name), "w") as f:
            f.write("<html><body>\n" + para * 20 + f"<p>{k}</p></body></html>\n")
        names.append(name)
    return names, "generated 20 KB"


def run(cmd, out=None):
    start = time.monotonic()
    with open(out or os.devnull, "w") as sink:
        proc = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE)
    took = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-400:]}")
    return took, proc.stderr.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trawl", default=os.path.join(HERE, "..", ".build", "release", "trawl"))
    ap.add_argument("--latency", default="50,200", help="milliseconds nginx waits before each answer")
    ap.add_argument("--hosts", default="1,100")
    ap.add_argument("--urls", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--fixed", default="64,256,512,1024", help="trawl --concurrency levels to compare")
    ap.add_argument("--jobs", type=int, default=2, help="trawl --jobs")
    ap.add_argument("--joblib", action="store_true", help="also the joblib idiom (slow at high latency)")
    ap.add_argument("--no-python", action="store_true", help="skip aiohttp and joblib")
    ap.add_argument("--repeat", type=int, default=1, help="copies of each distinct URL (the seed batch: 100)")
    ap.add_argument("--only", default="", help="comma-separated runner name prefixes to run")
    args = ap.parse_args()
    if not os.path.exists(ECHO_MODULE):
        sys.exit(f"{ECHO_MODULE} is missing: apt-get install libnginx-mod-http-echo")
    latencies = [int(x) for x in args.latency.split(",")]
    host_counts = [int(x) for x in args.hosts.split(",")]
    fixed = [int(x) for x in args.fixed.split(",")]
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "www")
        os.mkdir(root)
        names, kind = pages(root)
        locations = ('        location /slow { echo_sleep $arg_s; echo_exec /$arg_p; }\n')
        server = Nginx(root, tmp, modules=[ECHO_MODULE], locations=locations, hosts=max(host_counts)).start()
        print(f"trawl {args.trawl} --jobs {args.jobs}; {args.urls:,} URLs per run; {kind} pages "
              f"({len(names)}); {args.rounds} rounds alternated, medians; nginx, 1 worker")
        try:
            for hosts in host_counts:
                for ms in latencies:
                    scenario(args, server, tmp, names, hosts, ms, fixed, py)
        finally:
            server.stop()


def scenario(args, server, tmp, names, hosts, ms, fixed, py):
    urls_file = os.path.join(tmp, f"urls-{hosts}-{ms}.txt")
    with open(urls_file, "w") as f:
        distinct = max(1, args.urls // max(1, args.repeat))
        for k in range(args.urls):
            # r=K makes every URL distinct, so dedupe fetches each; with --repeat, the list
            # cycles through `distinct` of them.
            k %= distinct
            page = names[k % len(names)]
            f.write(server.url(f"slow?s={ms / 1000}&p={page}&r={k}", host=1 + k % hosts) + "\n")
    trawl = [args.trawl, "crawl", "--jobs", str(args.jobs), "--timeout", "60"]
    runners = {"trawl default": trawl + [urls_file]}
    for n in fixed:
        runners[f"trawl --concurrency {n}"] = trawl + ["--concurrency", str(n), urls_file]
    curl_cfg = os.path.join(tmp, "curl.cfg")
    with open(urls_file) as src, open(curl_cfg, "w") as cfg:
        for line in src:
            cfg.write(f'url = "{line.strip()}"\noutput = "/dev/null"\n')
    runners["curl --parallel 300"] = ["curl", "-s", "--parallel", "--parallel-max", "300", "-K", curl_cfg]
    if not args.no_python:
        for n in (64, 512):
            runners[f"aiohttp {n}"] = [py, os.path.join(HERE, "baseline_aiohttp.py"), urls_file,
                                       os.path.join(tmp, "aio.jsonl"), str(n)]
        if args.joblib:
            runners[f"joblib threading n_jobs={os.cpu_count()}"] = [
                py, os.path.join(HERE, "baseline_joblib.py"), "threading", urls_file, os.path.join(tmp, "jl.jsonl")]
            runners["joblib threading n_jobs=64"] = [
                py, os.path.join(HERE, "baseline_joblib.py"), "threading", urls_file, os.path.join(tmp, "jl.jsonl"), "64"]
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        runners = {n: c for n, c in runners.items() if any(n.startswith(w) for w in wanted)}
        if "trawl default" not in runners or not any(n.startswith("curl") for n in runners):
            sys.exit("--only must keep 'trawl default' and curl: the ratios are to them")
    times = {name: [] for name in runners}
    limits = []
    for _ in range(args.rounds):
        for name, cmd in runners.items():
            if name == "trawl default":
                stats = os.path.join(tmp, "stats.json")
                took, _ = run(cmd[:2] + ["--stats-json", stats] + cmd[2:])
                with open(stats) as f:
                    limits.append(f.read().strip())
            else:
                took, _ = run(cmd)
            times[name].append(took)
    rate = {name: args.urls / statistics.median(t) for name, t in times.items()}
    best_fixed = max((n for n in runners if n.startswith("trawl --concurrency")), key=lambda n: rate[n],
                     default="trawl default")
    curl = rate["curl --parallel 300"]
    print()
    shape = f", {args.repeat} copies of each URL" if args.repeat > 1 else ""
    print(f"### {ms} ms, {hosts} host{'s' if hosts > 1 else ''}, {args.urls:,} URLs{shape}")
    print()
    print("| runner | pages/s | vs best fixed trawl | vs curl |")
    print("| --- | ---: | ---: | ---: |")
    for name in runners:
        print(f"| {name} | {rate[name]:,.0f} | {rate[name] / rate[best_fixed]:.2f}x | {rate[name] / curl:.2f}x |")
    d = rate["trawl default"]
    print()
    if hosts > 1:
        print(f"targets: default within 10% of the best fixed ({best_fixed}): "
              f"{'met' if d >= 0.9 * rate[best_fixed] else 'not met'} ({d / rate[best_fixed]:.2f}x); "
              f">= 1.2x curl at 300: {'met' if d >= 1.2 * curl else 'not met'} ({d / curl:.2f}x)")
    else:
        print("one host: trawl keeps at most per_host_connections (8) open to it, so its rate is about 8 / latency "
              "whatever the concurrency; the fixed runs have the same cap")
    if limits and limits[-1]:
        import json
        try:
            c = json.loads(limits[-1]).get("concurrency")
            if c:
                print(f"trawl default's limit at the end of its last run: {c['limit']} (peak {c['peak']})")
        except ValueError:
            pass


if __name__ == "__main__":
    main()
