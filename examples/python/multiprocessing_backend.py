# SPDX-License-Identifier: Apache-2.0
"""The blog's program on joblib's multiprocessing backend, and trawl's process backend."""

from joblib import Parallel, delayed

import trawl
from blog_crawl import crawl


def blog(urls):
    return Parallel(n_jobs=-1, backend="multiprocessing")(delayed(crawl)(url) for url in urls)


def with_trawl(urls):
    return trawl.crawl(urls, backend="process", decode="requests")
