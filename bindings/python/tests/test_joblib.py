# SPDX-License-Identifier: Apache-2.0
"""trawl.crawl inside joblib: loky and threading backends, and the dask backend."""

import pytest

import joblib  # noqa: E402

import trawl  # noqa: E402


def chunks(seq, n):
    return [seq[i:i + n] for i in range(0, len(seq), n)]


@pytest.fixture(scope="module")
def expected(site_urls):
    return trawl.crawl(site_urls[:30], n_jobs=2)


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_joblib_backends(site_urls, expected, backend):
    parts = joblib.Parallel(n_jobs=2, backend=backend)(
        joblib.delayed(trawl.crawl)(c, n_jobs=1) for c in chunks(site_urls[:30], 7))
    assert [row for part in parts for row in part] == expected


def test_joblib_dask_backend(site_urls, expected):
    from dask import distributed
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with joblib.parallel_config(backend="dask"):
            parts = joblib.Parallel(n_jobs=2)(
                joblib.delayed(trawl.crawl)(c, n_jobs=1) for c in chunks(site_urls[:30], 7))
    assert [row for part in parts for row in part] == expected
