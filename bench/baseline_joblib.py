#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Python baseline trawl replaces, written as a joblib user would.

Usage: baseline_joblib.py BACKEND URL_FILE OUT_JSONL [N_JOBS]   (BACKEND: threading, loky,
multiprocessing; N_JOBS: os.cpu_count(), the blog's setting, unless given)
"""
import json
import os
import re
import sys

import requests
from joblib import Parallel, delayed


def crawl(url):
    text = requests.get(url).text
    return {url: {
        "button": re.findall(r"""<button\s(?:.*?\s)*?id=['"](.*?)['"].*?>""", text, re.IGNORECASE),
        "link": re.findall(r"""<a\s(?:.*?\s)*?href=['"](.*?)['"].*?>""", text),
    }}


def main():
    backend, url_file, out = sys.argv[1:4]
    with open(url_file) as f:
        urls = [line.strip() for line in f if line.strip()]
    n_jobs = int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count()
    results = Parallel(n_jobs=n_jobs, backend=backend)(delayed(crawl)(url) for url in urls)
    with open(out, "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
