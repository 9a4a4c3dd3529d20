# SPDX-License-Identifier: Apache-2.0
"""The blog's program on joblib's dask backend, and trawl's dask backend, both on the same
distributed cluster (here a LocalCluster of two worker processes)."""

import contextlib

import joblib
from distributed import Client, LocalCluster
from joblib import Parallel, delayed

import trawl
from blog_crawl import crawl


@contextlib.contextmanager
def engine():
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster):
        yield


def blog(urls):
    with joblib.parallel_config(backend="dask"):
        return Parallel(n_jobs=-1)(delayed(crawl)(url) for url in urls)


def with_trawl(urls):
    # The Client above, found with get_client().
    return trawl.crawl(urls, backend="dask", decode="requests")
