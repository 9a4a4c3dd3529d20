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
            s.update(wall=wall, pps=s["urls"] / wall, cpu=statistics.median(r["user"] + r["sys"] for r in ok),
                     rss=max(r["maxrss_kb"] for r in ok) / 1024, nginx=statistics.median(r["nginx_cpu"] for r in ok))
        out[key] = s
    return out


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
    label = (f"throughput on {big:,} within 10% of {sizes[0]:,} (trawl, full lists)" if len(sizes) > 1
             else "throughput on 10,400 within 10% of 1,040 (needs two lists)")
    rows.append((label, _fmt(v, "{:.2f}×"),
                 _verdict(v, v is not None and v >= SCALING)))
    st = ctx["startup"]
    v = statistics.median(st["times"]) * 1000 if st and not st["failure"] else None
    rows.append((f"start-up < {STARTUP_MS:g} ms (`trawl crawl` of one loopback URL)", _fmt(v, "{:.1f} ms"),
                 _verdict(v, v is not None and v < STARTUP_MS)))
    ok = not ctx["problems"] and ctx["compared"] > 0
    rows.append(("matches identical to Python's on every page both finish",
                 f"{ctx['compared']} pages compared, {len(ctx['problems'])} problems",
                 "**pass**" if ok else ("not measured" if ctx["compared"] == 0 else "**FAIL**")))
    return rows


def render(ctx):
    args = ctx["args"]
    summary = summarize(ctx["runs"])
    m, v = machine(), versions(ctx)
    rows, t = ratios(ctx, summary)
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    cmd = "bench/run" + (" --smoke" if args.smoke else "") + (f" --rounds {args.rounds}" if not args.smoke and args.rounds != 3 else "")
    if args.lists != ([130] if args.smoke else [1040, 10400]):
        cmd += " --lists " + ",".join(map(str, args.lists))
    L = [f"# trawl benchmark{' (smoke run: one round, not a measurement)' if args.smoke else ''}", "",
         f"Made by `{cmd}` on {now}. Median of {args.rounds} round(s); runners alternate within each round. "
         f"Python runners crawl the pages Python's `re` finishes ({len(ctx['safe_pages'])} of {len(ctx['pages'])}; "
         f"the {len(ctx['hanging'])} others are in bench/hanging-pages.txt), trawl crawls both lists.", "",
         "| machine | |", "|---|---|",
         f"| cores (nproc) | {m['nproc']} |", f"| CPU | {m['cpu']} |", f"| RAM | {m['ram']} |", f"| kernel | {m['kernel']} |"]
    for k, val in v.items():
        L.append(f"| {k} | {val} |")
    L += ["", "## Crawl", "",
          "nginx 1 worker on 127.0.0.1, keep-alive, no access log, `charset utf-8`. CPU = user+sys of the runner's "
          "whole process tree (getrusage RUSAGE_CHILDREN after reaping every descendant); peak RSS = largest single "
          "process of the tree (ru_maxrss), max over rounds; nginx CPU = its master+worker during the run.", "",
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
    ex = ctx["extract"]
    L += ["", "## Extraction micro-benchmark", "",
          "Both default patterns over corpus pages already in memory as UTF-8 text, one core.", "",
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
    L += ["", "## Targets (issue 6)", "", "| target | measured | result |", "|---|---:|---|"]
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
    return "\n".join(L) + "\n"
