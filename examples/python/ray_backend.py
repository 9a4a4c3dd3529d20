# SPDX-License-Identifier: Apache-2.0
"""The blog's program on joblib's ray backend (ray.util.joblib), and trawl's ray backend,
both on the same local Ray."""

import contextlib
import os

import joblib
from joblib import Parallel, delayed

import trawl
from blog_crawl import crawl


@contextlib.contextmanager
def engine():
    import ray
    from ray.util.joblib import register_ray
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # Ray's workers import blog_crawl by name: they inherit this environment.
    here = os.path.dirname(os.path.abspath(__file__))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
    register_ray()
    try:
        yield
    finally:
        ray.shutdown()


def blog(urls):
    with joblib.parallel_config(backend="ray"):
        return Parallel(n_jobs=-1)(delayed(crawl)(url) for url in urls)


def with_trawl(urls):
    return trawl.crawl(urls, backend="ray", decode="requests")
