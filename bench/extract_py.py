#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Extraction micro-benchmark for Python `re`: both default patterns over pages in memory.

Usage: extract_py.py [--matches OUT_JSONL] FILE...   Prints one JSON object: bytes, seconds,
mbps (1 MB = 10^6 bytes of UTF-8 text). Loading and decoding are not timed; re's compile cache
is warmed first. --matches also writes {file: {"button": [...], "link": [...]}} per line, the
reference for trawl's extractor.
"""
import json
import re
import sys
import time

from patterns import BUTTON, LINK


def main():
    args = sys.argv[1:]
    matches_out = None
    if args[:1] == ["--matches"]:
        matches_out, args = args[1], args[2:]
    texts = [open(p, "rb").read().decode("utf-8", "replace") for p in args]
    size = sum(len(t.encode("utf-8")) for t in texts)
    re.findall(BUTTON, "", re.IGNORECASE)
    re.findall(LINK, "")
    t0 = time.perf_counter()
    matches = 0
    for text in texts:
        matches += len(re.findall(BUTTON, text, re.IGNORECASE))
        matches += len(re.findall(LINK, text))
    dt = time.perf_counter() - t0
    if matches_out:
        with open(matches_out, "w") as f:
            for path, text in zip(args, texts):
                f.write(json.dumps({path: {"button": re.findall(BUTTON, text, re.IGNORECASE),
                                           "link": re.findall(LINK, text)}}) + "\n")
    print(json.dumps({"bytes": size, "seconds": dt, "mbps": size / dt / 1e6, "matches": matches}))


if __name__ == "__main__":
    main()
