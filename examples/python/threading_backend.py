# SPDX-License-Identifier: Apache-2.0
"""The blog's program on joblib's threading backend, and trawl's thread backend."""

from joblib import Parallel, delayed

import trawl
from blog_crawl import crawl


def blog(urls):
    return Parallel(n_jobs=-1, backend="threading")(delayed(crawl)(url) for url in urls)


def with_trawl(urls):
    return trawl.crawl(urls, backend="thread", decode="requests")
