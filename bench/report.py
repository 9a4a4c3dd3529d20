# SPDX-License-Identifier: Apache-2.0
"""Renders bench/RESULTS.md: machine, versions, per-runner medians, ratios and the targets."""
import datetime
import os
import platform
import statistics
import subprocess

# Issue 6's targets.
SPEEDUP_VS_PYTHON = 6.0
SPEEDUP_VS_AIOHTTP = 6.0
FRACTION_OF_CURL = 0.60
EXTRACT_MBPS = 1200.0
PEAK_RSS_MB = 64.0
SCALING = 0.90
STARTUP_MS = 50.0
# Issue 4 (process backend) and issue 5 (cluster backend, 2 local workers), same run as thread.
PROCESS_OF_THREAD = 0.90
CLUSTER_OF_THREAD = 0.70
PROCESS_STARTUP_MS = 50.0


def _cmd(argv, stderr=False):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unavailable ({e.__class__.__name__})"
    text = (r.stderr if stderr else r.stdout).strip() or r.stderr.strip()
    return text.splitlines()[0] if text else f"unavailable (exit {r.returncode})"


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": model, "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
            "kernel": platform.release()}


def versions(ctx):
    py = ctx["py"]
    pkgs = _cmd([py, "-c", "import sys, joblib, requests, aiohttp; print(f'python {sys.version.split()[0]}, joblib "
                 "{joblib.__version__}, requests {requests.__version__}, aiohttp {aiohttp.__version__}')"])
    trawl = ctx["args"].trawl
    return {"trawl": _cmd([trawl, "--version"]) if os.access(trawl, os.X_OK) else f"missing ({trawl})",
            "python packages": pkgs, "curl": _cmd(["curl", "--version"]), "nginx": _cmd(["nginx", "-v"], stderr=True)}


def summarize(runs):
    """(runner, list) -> medians over the successful runs."""
    groups = {}
    for r in runs:
        groups.setdefault((r["runner"], r["list"]), []).append(r)
    out = {}
    for key, rs in groups.items():
        ok = [r for r in rs if not r["failure"]]
        s = {"size": rs[0]["size"], "urls": rs[0]["urls"], "runs": len(rs), "ok": len(ok),
             "failure": next((r["failure"] for r in rs if r["failure"]), None),
             "errors": rs[-1].get("errors", "?")}
        if ok:
            wall = statistics.median(r["wall"] for r in ok)
            s.update(wall=wall, pps=s["urls"] / wall,
                     cpu=statistics.median(r["user"] + r["sys"] + r.get("extra_cpu", 0.0) for r in ok),
                     rss=max(r["maxrss_kb"] for r in ok) / 1024, nginx=statistics.median(r["nginx_cpu"] for r in ok))
            if all("redis" in r for r in ok):
                s["cluster"] = _cluster_summary(ok)
        out[key] = s
    return out


def _cluster_summary(ok):
    """Medians of the cluster runs' Redis cost and CPU split; per-command calls and µs per URL
    summed over all of them."""
    med = lambda f: statistics.median(f(r) for r in ok)  # noqa: E731
    urls = sum(r["urls"] for r in ok)
    by_cmd = {}
    for r in ok:
        for name, (calls, usec) in r["redis"]["by_command"].items():
            c, u = by_cmd.get(name, (0, 0))
            by_cmd[name] = (c + calls, u + usec)
    return {"calls_per_url": med(lambda r: r["redis"]["calls_per_url"]),
            "usec_per_url": med(lambda r: r["redis"]["usec_per_url"]),
            "redis_cpu_us_per_url": med(lambda r: r["redis"]["redis_cpu_us_per_url"]),
            "submitter_cpu": med(lambda r: r["submitter_cpu"]),
            "workers_cpu": med(lambda r: r["redis"]["workers_cpu"]),
            "redis_cpu": med(lambda r: r["redis"]["redis_cpu"]),
            "rss": {k: max(r["rss_parts"][k] for r in ok) for k in ("submitter", "worker", "redis")},
            "by_command": {n: (c / urls, u / urls) for n, (c, u) in by_cmd.items()}}


def _pps(summary, runner, lst):
    s = summary.get((runner, lst))
    return s.get("pps") if s else None


def _ratio(a, b):
    return a / b if a and b else None


def _fmt(x, spec="{:.2f}", none="n/a"):
    return spec.format(x) if x is not None else none


def ratios(ctx, summary):
    """[(label, list, value)] and the numbers the targets need."""
    rows, t = [], {}
    sizes = sorted({r["size"] for r in ctx["runs"]})
    py_names = ["joblib-threading", "joblib-loky", "joblib-multiprocessing"]
    for size in sizes:
        safe, full = f"{size}-safe", f"{size}-full"
        trawl_safe = _pps(summary, "trawl", safe)
        best = max(((_pps(summary, n, safe) or 0, n) for n in py_names), default=(0, None))
        best_pps, best_name = best if best[0] else (None, None)
        r_py = _ratio(trawl_safe, best_pps)
        r_aio = _ratio(trawl_safe, _pps(summary, "aiohttp", safe))
        r_curl = _ratio(_pps(summary, "trawl", full), _pps(summary, "curl", full))
        rows += [(f"trawl / best Python baseline ({best_name or 'n/a'}), same URLs", safe, r_py),
                 ("trawl / aiohttp, same URLs", safe, r_aio),
                 ("trawl / curl fetch-only (trawl also extracts)", full, r_curl)]
        t[size] = {"py": r_py, "aio": r_aio, "curl": r_curl, "best": best_name}
        for backend in ("process", "cluster"):
            if (f"trawl-{backend}", full) in summary:
                v = _ratio(_pps(summary, f"trawl-{backend}", full), _pps(summary, "trawl", full))
                rows.append((f"trawl-{backend} / trawl (thread), same URLs", full, v))
                t[size][backend] = v
    if len(sizes) >= 2:
        small, big = sizes[0], sizes[-1]
        scale = _ratio(_pps(summary, "trawl", f"{big}-full"), _pps(summary, "trawl", f"{small}-full"))
        rows.append((f"trawl throughput {big:,} / {small:,} URLs", "full", scale))
        t["scale"] = scale
    return rows, t


def _verdict(value, ok):
    if value is None:
        return "not measured"
    return "**pass**" if ok else "**FAIL**"


def targets(ctx, summary, t):
    sizes = sorted({r["size"] for r in ctx["runs"]})
    if not sizes:
        return []
    # The issue measures the Python ratios on the 1,040 list and curl / RSS on the 10,400 one.
    py_size = 1040 if 1040 in sizes else sizes[0]
    big = 10400 if 10400 in sizes else sizes[-1]
    rows = []
    v = t[py_size]["py"]
    rows.append((f"trawl ≥ {SPEEDUP_VS_PYTHON:g}× best Python baseline ({py_size}-safe)", _fmt(v, "{:.2f}×"),
                 _verdict(v, v is not None and v >= SPEEDUP_VS_PYTHON)))
    v = t[py_size]["aio"]
    rows.append((f"trawl ≥ {SPEEDUP_VS_AIOHTTP:g}× aiohttp ({py_size}-safe)", _fmt(v, "{:.2f}×"),
                 _verdict(v, v is not None and v >= SPEEDUP_VS_AIOHTTP)))
    v = t[big]["curl"]
    rows.append((f"trawl ≥ {FRACTION_OF_CURL:.0%} of curl fetch-only ({big}-full)", _fmt(v, "{:.0%}"),
                 _verdict(v, v is not None and v >= FRACTION_OF_CURL)))
    ex = ctx["extract"]["trawl_all"]
    v = statistics.median(x["mbps"] for x in ex) if ex else None
    rows.append((f"extractor ≥ {EXTRACT_MBPS:,.0f} MB/s, both patterns, one core, all pages", _fmt(v, "{:,.0f} MB/s"),
                 _verdict(v, v is not None and v >= EXTRACT_MBPS)))
    s = summary.get(("trawl", f"{big}-full"), {})
    v = s.get("rss")
    rows.append((f"peak RSS ≤ {PEAK_RSS_MB:g} MB ({big}-full, JSON lines)", _fmt(v, "{:.1f} MB"),
                 _verdict(v, v is not None and v <= PEAK_RSS_MB)))
    v = t.get("scale")
    # One-sided: the target guards against slowing down on big batches (holding pages or
    # results); short lists are the slower ones, as start-up and ramp weigh more there.
    label = (f"throughput on {big:,} within 10% of {sizes[0]:,}: not more than 10% lower (trawl, full lists)"
             if len(sizes) > 1 else "throughput on 10,400 within 10% of 1,040 (needs two lists)")
    rows.append((label, _fmt(v, "{:.2f}×"),
                 _verdict(v, v is not None and v >= SCALING)))
    st = ctx["startup"]
    v = statistics.median(st["times"]) * 1000 if st and not st["failure"] else None
    rows.append((f"start-up < {STARTUP_MS:g} ms (`trawl crawl` of one loopback URL)", _fmt(v, "{:.1f} ms"),
                 _verdict(v, v is not None and v < STARTUP_MS)))
    # Issue 4: the process backend keeps up with threads and starts quickly.
    if any(("trawl-process", f"{n}-full") in summary for n in sizes):
        vals = [t[n].get("process") for n in sizes]
        known = [x for x in vals if x is not None]
        label = " and ".join(f"{n}-full" for n in sizes)
        rows.append((f"process ≥ {PROCESS_OF_THREAD:.0%} of thread ({label}, issue 4)",
                     " / ".join(_fmt(x, "{:.0%}") for x in vals),
                     _verdict(min(known) if known else None, len(known) == len(vals) and min(known) >= PROCESS_OF_THREAD)))
    sp = ctx.get("startup_process")
    if sp is not None:
        v = statistics.median(sp["times"]) * 1000 if not sp["failure"] else None
        rows.append((f"process start-up < {PROCESS_STARTUP_MS:g} ms (`trawl crawl --backend process` of one loopback "
                     "URL, issue 4)", _fmt(v, "{:.1f} ms"), _verdict(v, v is not None and v < PROCESS_STARTUP_MS)))
    # Issue 5: two local workers through Redis keep most of the thread backend's speed.
    if ("trawl-cluster", f"{big}-full") in summary:
        v = t[big].get("cluster")
        rows.append((f"cluster ≥ {CLUSTER_OF_THREAD:.0%} of thread ({big}-full, 2 local workers, issue 5)",
                     _fmt(v, "{:.0%}"), _verdict(v, v is not None and v >= CLUSTER_OF_THREAD)))
    ok = not ctx["problems"] and ctx["compared"] > 0
    rows.append(("matches identical to Python's on every page both finish",
                 f"{ctx['compared']} pages compared, {len(ctx['problems'])} problems",
                 "**pass**" if ok else ("not measured" if ctx["compared"] == 0 else "**FAIL**")))
    return rows


def _cluster_section(ctx, summary):
    rows = [(lst, s) for (runner, lst), s in summary.items() if runner == "trawl-cluster" and "cluster" in s]
    if not rows:
        return []
    args = ctx["args"]
    n, conc = args.cluster_workers, args.cluster_concurrency
    L = ["", "## Cluster backend (Redis Streams)", "",
         f"Per run: a private `redis-server` ({_redis_version()}) on a free loopback port with `--save \"\" "
         f"--appendonly no`, and {n} local `trawl worker --redis URL --jobs 1 --concurrency {conc}` processes "
         f"({n} fetch lanes, {n * conc} transfers in flight: the thread runner's 2 lanes and 64), on the same 2 "
         "cores as the submitter, nginx and Redis. Redis and the workers start and join the group **before** the "
         "timed part (a real cluster's workers are long-running); the time is the wall time of the submitter, "
         "`trawl crawl --backend cluster --redis URL --output FILE LIST`, from start to exit (submitting the "
         "tasks, waiting for and writing the results, deleting the batch's keys). Everything is stopped by pid "
         "after each run.", "",
         "Redis cost from `INFO commandstats` before and after the timed run (the benchmark's own INFO excluded): "
         "commands executed per URL, and the `usec` Redis spent executing them per URL; redis-server CPU = its "
         "user+sys (from /proc) over the same window, which also counts reading and writing the sockets. "
         "Commands are not round trips: submitter and workers pipeline them (tasks in pipelines of 1,000; "
         "results, XACK and XDEL written back in one pipeline every few ms).", "",
         "| list | pages/s | Redis commands / URL | Redis command µs / URL | redis-server CPU µs / URL | "
         "CPU s: submitter | workers | redis-server | peak RSS MB: submitter | worker | redis-server |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for lst, s in sorted(rows, key=lambda kv: kv[1]["size"]):
        c = s["cluster"]
        L.append(f"| {lst} | {s['pps']:,.0f} | {c['calls_per_url']:.2f} | {c['usec_per_url']:.1f} | "
                 f"{c['redis_cpu_us_per_url']:.1f} | {c['submitter_cpu']:.2f} | {c['workers_cpu']:.2f} | "
                 f"{c['redis_cpu']:.2f} | {c['rss']['submitter']:.1f} | {c['rss']['worker']:.1f} | {c['rss']['redis']:.1f} |")
    lst, s = max(rows, key=lambda kv: kv[1]["size"])
    cmds = sorted(s["cluster"]["by_command"].items(), key=lambda kv: -kv[1][1])
    L += ["", f"Per command on {lst} (all rounds): " + ", ".join(
        f"{name.upper()} {calls:.3f}/URL {usec:.1f} µs/URL" for name, (calls, usec) in cmds) + "."]
    return L


def _redis_version():
    v = _cmd(["redis-server", "--version"])
    return v.split(" sha=")[0].replace("Redis server v=", "Redis ") if v.startswith("Redis server") else v


def render(ctx):
    args = ctx["args"]
    summary = summarize(ctx["runs"])
    m, v = machine(), versions(ctx)
    rows, t = ratios(ctx, summary)
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    cmd = "bench/run" + (" --smoke" if args.smoke else "") + (f" --rounds {args.rounds}" if not args.smoke and args.rounds != 3 else "")
    if args.lists != ([len(ctx["pages"])] if args.smoke else [1040, 10400]):
        cmd += " --lists " + ",".join(map(str, args.lists))
    L = [f"# trawl benchmark{' (smoke run: one round, not a measurement)' if args.smoke else ''}", "",
         f"Made by `{cmd}` on {now}. Median of {args.rounds} round(s), "
         f"{max(args.rounds, args.short_rounds) if not args.smoke else args.rounds} for lists of at most 2,000 URLs"
         + ("" if args.smoke else f" and {max(args.rounds, args.fast_rounds)} for runners whose runs take under {ctx['fast_seconds']:g} s "
            "on the longer lists (the extra rounds alternate those runners only)") + "; "
         "runners alternate within each round. "
         f"Python runners crawl the pages Python's `re` finishes ({len(ctx['safe_pages'])} of {len(ctx['pages'])}; "
         f"the {len(ctx['hanging'])} others are in bench/hanging-pages.txt), trawl crawls both lists.", "",
         "| machine | |", "|---|---|",
         f"| cores (nproc) | {m['nproc']} |", f"| CPU | {m['cpu']} |", f"| RAM | {m['ram']} |", f"| kernel | {m['kernel']} |"]
    for k, val in v.items():
        L.append(f"| {k} | {val} |")
    L += ["", "## Crawl", "",
          "nginx 1 worker on 127.0.0.1, keep-alive, no access log, `charset utf-8`. CPU = user+sys of the runner's "
          "whole process tree (getrusage RUSAGE_CHILDREN after reaping every descendant); peak RSS = largest single "
          "process of the tree (ru_maxrss), max over rounds; nginx CPU = its master+worker during the run. "
          "trawl-cluster: wall = the submitter's; CPU = submitter + both workers + redis-server over the timed "
          "run; peak RSS = the largest of those processes (see *Cluster backend* below).", "",
          "| list | runner | URLs | wall s | pages/s | CPU s | CPU ms/page | peak RSS MB | nginx CPU s | errors | ok runs |",
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for (runner, lst), s in sorted(summary.items(), key=lambda kv: (kv[1]["size"], kv[0][1], -(kv[1].get("pps") or 0))):
        if "wall" in s:
            L.append(f"| {lst} | {runner} | {s['urls']:,} | {s['wall']:.2f} | {s['pps']:,.0f} | {s['cpu']:.2f} | "
                     f"{s['cpu'] / s['urls'] * 1000:.2f} | {s['rss']:.1f} | {s['nginx']:.2f} | {s['errors']} | {s['ok']}/{s['runs']} |")
        else:
            L.append(f"| {lst} | {runner} | {s['urls']:,} | FAILED: {s['failure']} | | | | | | | 0/{s['runs']} |")
    L += ["", "## Ratios (pages/s)", "", "| ratio | list | value |", "|---|---|---:|"]
    for label, lst, val in rows:
        L.append(f"| {label} | {lst} | {_fmt(val, '{:.2f}×')} |")
    L += _cluster_section(ctx, summary)
    ex = ctx["extract"]
    L += ["", "## Extraction micro-benchmark", "",
          "Both default patterns over the pages already in memory as UTF-8 text, one core.", "",
          "| extractor | pages | MB | MB/s |", "|---|---:|---:|---:|"]
    pym = ex["python"]
    if pym:
        L.append(f"| Python `re` | {len(ctx['safe_pages'])} (Python-safe) | {pym[0]['bytes'] / 1e6:.1f} | "
                 f"{statistics.median(x['mbps'] for x in pym):,.0f} |")
    for key, label, n in (("trawl_safe", "trawl extract", len(ctx["safe_pages"])), ("trawl_all", "trawl extract", len(ctx["pages"]))):
        if ex[key]:
            L.append(f"| {label} | {n}{' (Python-safe)' if key == 'trawl_safe' else ' (all)'} | {ex[key][0]['bytes'] / 1e6:.1f} | "
                     f"{statistics.median(x['mbps'] for x in ex[key]):,.0f} |")
    if ex["trawl_missing"]:
        L.append(f"| trawl extract | skipped: {ex['trawl_missing']} | | |")
    if pym and ex["trawl_safe"]:
        r = statistics.median(x["mbps"] for x in ex["trawl_safe"]) / statistics.median(x["mbps"] for x in pym)
        L += ["", f"trawl / Python `re` on the same pages: {r:.1f}×"]
    st = ctx["startup"]
    L += ["", "## Start-up", ""]
    if st is None:
        L.append("not measured (no trawl executable)")
    elif st["failure"]:
        L.append(f"FAILED: {st['failure']}")
    else:
        L.append(f"`trawl crawl --output FILE URL` of one loopback page: median {statistics.median(st['times']) * 1000:.1f} ms "
                 f"wall over {len(st['times'])} runs (min {min(st['times']) * 1000:.1f}, max {max(st['times']) * 1000:.1f}).")
    sp = ctx.get("startup_process")
    if sp is not None:
        if sp["failure"]:
            L += ["", f"`trawl crawl --backend process`: FAILED: {sp['failure']}"]
        else:
            L += ["", f"`trawl crawl --backend process --output FILE URL` of one loopback page (worker pool creation "
                  f"to first result included): median {statistics.median(sp['times']) * 1000:.1f} ms wall over "
                  f"{len(sp['times'])} runs (min {min(sp['times']) * 1000:.1f}, max {max(sp['times']) * 1000:.1f})."]
    L += ["", "## Targets (issues 4, 5, 6)", "", "| target | measured | result |", "|---|---:|---|"]
    for label, val, verdict in targets(ctx, summary, t):
        L.append(f"| {label} | {val} | {verdict} |")
    L += ["", "## Correctness", ""]
    if ctx["problems"]:
        L.append(f"**{len(ctx['problems'])} problem(s):**")
        L += [f"- {p}" for p in ctx["problems"][:30]]
    elif ctx["compared"] == 0:
        L.append(f"nothing compared: Python finished {ctx['python_pages']} pages, trawl {ctx['trawl_pages']}.")
    else:
        L.append(f"trawl's matches equal Python's on all {ctx['compared']} pages both finished "
                 f"(Python finished {ctx['python_pages']} pages, trawl {ctx['trawl_pages']}).")
        others = sorted({r["runner"] for r in ctx["runs"] if r["runner"].startswith("trawl-") and not r["failure"]})
        if others:
            L += ["", "Every run of " + ", ".join(others) + " and `trawl extract` gave the same matches as the "
                  "thread backend (the first trawl run) on every page, in every round."]
    if not args.smoke:
        L += real_web()
    return "\n".join(L) + "\n"


# The real-web benchmarks (issue 17) run apart from bench/run: each takes its own nginx set-up
# (echo_sleep, many addresses, TLS) and its own minutes. Their latest results are written by
# hand from their output into these files, and gathered here so that RESULTS.md holds them all.
REAL_WEB = ("RESULTS-realweb.md", "RESULTS-https.md")


def real_web():
    here = os.path.dirname(os.path.abspath(__file__))
    L = ["", "## The real web: latency, many hosts, HTTPS, input length", "",
         "Measured by `bench/realweb.py` and `bench/https.py` (not by this run: each starts its own nginx "
         "with `echo_sleep`, many loopback addresses or TLS), copied from the files named below. Memory per "
         "transfer in flight (`bench/transfer_memory.py`) and at any input length (`bench/input_scale.py`) "
         "are in bench/README.md."]
    for name in REAL_WEB:
        path = os.path.join(here, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            text = f.read().strip("\n").split("\n")
        L += ["", f"<!-- from bench/{name} -->"]
        # One heading level down: these are sections of this file.
        L += [("#" + line) if line.startswith("#") else line for line in text]
    return L
