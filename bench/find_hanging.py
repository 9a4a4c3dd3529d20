#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Finds the corpus pages on which Python's re.findall does not finish one of the default
patterns within a time limit, and writes them to bench/hanging-pages.txt.

Each (page, pattern) pair runs in its own python3 process, killed after LIMIT seconds: the
regex engine does not return to the interpreter while it backtracks, so only a process
boundary bounds it. The page text is the UTF-8 decoding of the file, which is what
requests' .text gives for nginx's `Content-Type: text/html; charset=utf-8`.

Usage: find_hanging.py CORPUS_DIR OUT_FILE [LIMIT_SECONDS]
"""
import datetime
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from patterns import PATTERNS
import re
regex, flags = PATTERNS[sys.argv[3]]
text = open(sys.argv[2], 'rb').read().decode('utf-8', 'replace')
re.findall(regex, text, flags)
"""


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    pages = sorted(p for p in os.listdir(corpus) if p.endswith(".html"))
    hanging = {}
    for page in pages:
        for name in ("button", "link"):
            t0 = time.monotonic()
            try:
                subprocess.run([sys.executable, "-c", CHILD, HERE, os.path.join(corpus, page), name],
                               timeout=limit, check=True)
            except subprocess.TimeoutExpired:
                hanging.setdefault(page, []).append(name)
                print(f"  {page} {name}: no result after {limit:g} s", file=sys.stderr)
                continue
            dt = time.monotonic() - t0
            if dt > limit / 3:
                print(f"  {page} {name}: {dt:.2f} s (finished)", file=sys.stderr)
    pairs = sum(len(v) for v in hanging.values())
    with open(out, "w") as f:
        f.write("# Corpus pages on which Python's re.findall with a default trawl pattern does not\n")
        f.write(f"# finish within {limit:g} s (one python3 process per (page, pattern), killed at the\n")
        f.write("# limit). Made by `bench/run --refresh-hanging` (bench/find_hanging.py) on\n")
        f.write(f"# {datetime.date.today().isoformat()}: {pairs} of {2 * len(pages)} (page, pattern) pairs, "
                f"{len(hanging)} of {len(pages)} pages.\n")
        f.write("# The Python runners of the benchmark crawl every other page. Format: PAGE PATTERNS\n")
        for page in sorted(hanging):
            f.write(f"{page} {','.join(hanging[page])}\n")
    print(f"find_hanging: {pairs} pairs on {len(hanging)} pages -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
