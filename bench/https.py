#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""HTTPS side by side (issue 17 item 4): HTTP/1.1 and HTTP/2 over TLS from nginx on loopback
with a self-signed certificate, trawl at its default settings and at `--concurrency 64`,
curl `--parallel` at 64 in flight (fetch only) and aiohttp at 64, with what nginx saw of
each: the connections opened, how many of them resumed a TLS session (nginx's
`$ssl_session_reused`, logged per request), and the client's CPU seconds per 1,000 pages.

Pages as bench/realweb.py (the corpus less bench/hanging-pages.txt, else generated). Rounds
alternate the runners; medians. Not a test:

    bench/https.py [--urls 10400] [--rounds 3] [--hosts 1] [--trawl .build/release/trawl]

Targets of issue 17 it decides: TLS sessions resumed on >= 90% of new connections, and
pages/s >= 0.95x curl on HTTP/1.1 and HTTP/2.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nginx import Nginx  # noqa: E402
from realweb import pages  # noqa: E402


def certificate(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,IP:127.0.0.4"],
                   check=True, capture_output=True)
    return cert, key


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tls_counts(log):
    """(connections opened, of which resumed a session) from nginx's log since it was emptied."""
    opened = resumed = 0
    with open(log) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "1":
                opened += 1
                resumed += parts[2] == "r"
    return opened, resumed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trawl", default=os.path.join(HERE, "..", ".build", "release", "trawl"))
    ap.add_argument("--urls", type=int, default=10400)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hosts", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-python", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "www")
        os.mkdir(root)
        names, kind = pages(root)
        cert, key = certificate(tmp)
        server = Nginx(root, tmp, hosts=args.hosts, tls=(cert, key)).start()
        print(f"trawl {args.trawl} --jobs {args.jobs}; {args.urls:,} URLs per run over {args.hosts} host(s); "
              f"{kind} pages ({len(names)}); {args.rounds} rounds alternated, medians; nginx, 1 worker, TLS 1.3")
        try:
            for h2 in (False, True):
                scenario(args, server, tmp, names, cert, h2)
        finally:
            server.stop()


def scenario(args, server, tmp, names, cert, h2):
    proto = "HTTP/2" if h2 else "HTTP/1.1"
    urls_file = os.path.join(tmp, f"urls-{int(h2)}.txt")
    with open(urls_file, "w") as f:
        for k in range(args.urls):
            f.write(server.url(names[k % len(names)] + f"?r={k}", host=1 + k % args.hosts, h2=h2) + "\n")
    trawl = [args.trawl, "crawl", "--jobs", str(args.jobs), "--ca-bundle", cert]
    runners = {"trawl default": trawl + [urls_file], "trawl --concurrency 64": trawl + ["--concurrency", "64", urls_file]}
    curl_cfg = os.path.join(tmp, "curl.cfg")
    with open(urls_file) as src, open(curl_cfg, "w") as cfg:
        for line in src:
            cfg.write(f'url = "{line.strip()}"\noutput = "/dev/null"\n')
    runners["curl --parallel 64"] = ["curl", "-s", "--cacert", cert, "--http2" if h2 else "--http1.1",
                                     "--parallel", "--parallel-max", "64", "-K", curl_cfg]
    if not args.no_python:
        runners["aiohttp 64"] = [sys.executable, os.path.join(HERE, "baseline_aiohttp.py"), urls_file,
                                 os.path.join(tmp, "aio.jsonl"), "64"]
    env = dict(os.environ, SSL_CERT_FILE=cert)
    times = {n: [] for n in runners}
    cpu = {n: [] for n in runners}
    tls = {n: (0, 0) for n in runners}
    for _ in range(args.rounds):
        for name, cmd in runners.items():
            open(server.tls_log, "w").close()
            before, start = children_cpu(), time.monotonic()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            took = time.monotonic() - start
            if proc.returncode != 0:
                raise RuntimeError(f"{name} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-400:]}")
            times[name].append(took)
            cpu[name].append(children_cpu() - before)
            # nginx writes its log as requests end; the last lines land within a moment.
            time.sleep(0.2)
            opened, resumed = tls_counts(server.tls_log)
            tls[name] = (tls[name][0] + opened, tls[name][1] + resumed)
    rate = {n: args.urls / statistics.median(t) for n, t in times.items()}
    curl = rate["curl --parallel 64"]
    print()
    print(f"### {proto}")
    print()
    print("| runner | pages/s | vs curl | CPU s / 1,000 pages | connections per run | TLS resumed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for n in runners:
        opened, resumed = tls[n]
        # The first connection of a run has no session to resume: count the others.
        share = resumed / max(1, opened - args.rounds * args.hosts)
        print(f"| {n} | {rate[n]:,.0f} | {rate[n] / curl:.2f}x | {statistics.median(cpu[n]) * 1000 / args.urls:.3f} | "
              f"{opened / args.rounds:.0f} | {resumed}/{opened - args.rounds * args.hosts} ({share:.0%}) |")
    d = rate["trawl default"]
    opened, resumed = tls["trawl default"]
    print()
    print(f"targets: pages/s >= 0.95x curl: {'met' if d >= 0.95 * curl else 'not met'} ({d / curl:.2f}x); "
          f"TLS resumed on >= 90% of new connections: "
          f"{'met' if resumed >= 0.9 * max(0, opened - args.rounds * args.hosts) else 'not met'} ({resumed}/{opened - args.rounds * args.hosts})")


if __name__ == "__main__":
    main()
