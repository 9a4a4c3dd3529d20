#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates default_patterns.json: Python's re.findall with trawl's two default patterns
on every corpus page, the oracle for TrawlExtractTests.

Each (page, pattern) runs in its own subprocess with a time limit (3 s by default): the
default patterns backtrack exponentially on some pages. For a pair that does not finish,
the fixture records "timeout" and the result of Python running the proven-equivalent
rewrite (docs/extraction.md, "Default patterns"), in which the lazy loop (?:.*?\\s)*?
becomes (?:\\S*+\\s)*?; that one runs with a generous limit and must finish.

Usage: make_fixture.py [CORPUS_DIR] [OUT_JSON] [--limit SECONDS]
"""
import json
import multiprocessing
import os
import re
import sys

PATTERNS = {
    "button": (r"""<button\s(?:.*?\s)*?id=['"](.*?)['"].*?>""", re.IGNORECASE),
    "link": (r"""<a\s(?:.*?\s)*?href=['"](.*?)['"].*?>""", 0),
}
LAZY_LOOP = r"(?:.*?\s)*?"
LINEAR_LOOP = r"(?:\S*+\s)*?"


def _findall(source, flags, path, queue):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    queue.put(re.findall(source, text, flags))


def run(source, flags, path, limit):
    """re.findall in a child process; None when it does not finish within `limit` s."""
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_findall, args=(source, flags, path, queue))
    proc.start()
    try:
        result = queue.get(timeout=limit)
    except Exception:  # queue.Empty: the child is still backtracking
        result = None
    proc.kill()
    proc.join()
    return result


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    limit = 3.0
    if "--limit" in sys.argv:
        limit = float(sys.argv[sys.argv.index("--limit") + 1])
        args = [a for a in args if a != sys.argv[sys.argv.index("--limit") + 1]]
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = args[0] if args else os.path.join(here, "..", "..", "..", "..", "shared", "corpus", "readability")
    out = args[1] if len(args) > 1 else os.path.join(here, "default_patterns.json")
    pages = {}
    timeouts = 0
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".html"):
            continue
        path = os.path.join(corpus, name)
        entry = {}
        for pname, (source, flags) in PATTERNS.items():
            result = run(source, flags, path, limit)
            if result is not None:
                entry[pname] = {"finished": True, "matches": result}
                continue
            timeouts += 1
            rewrite = source.replace(LAZY_LOOP, LINEAR_LOOP)
            equivalent = run(rewrite, flags, path, 600)
            if equivalent is None:
                sys.exit(f"{name} {pname}: the rewrite did not finish either")
            entry[pname] = {"finished": False, "rewrite": rewrite, "matches": equivalent}
            print(f"{name} {pname}: timeout after {limit} s; rewrite gives {len(equivalent)} matches",
                  file=sys.stderr)
        pages[name] = entry
    fixture = {
        "python": sys.version.split()[0],
        "limit_seconds": limit,
        "patterns": {k: {"source": v[0], "flags": v[1]} for k, v in PATTERNS.items()},
        "timeouts": timeouts,
        "pages": pages,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=0, sort_keys=True)
        f.write("\n")
    print(f"{len(pages)} pages, {timeouts} (page, pattern) pairs timed out", file=sys.stderr)


if __name__ == "__main__":
    main()
