# SPDX-License-Identifier: Apache-2.0
"""Follow mode from Python, on the test server's cyclic site /graph/TOKEN/SIZE/N (page N links
to N+1, 2N+1, 2N+2, N//2 and itself), the server counting the requests (/hits/TOKEN)."""

import json
import urllib.request
import uuid
from collections import deque

import pytest

import trawl


def links(n, size):
    return {(n + 1) % size, (2 * n + 1) % size, (2 * n + 2) % size, n // 2, n}


def distances(size):
    d = {0: 0}
    queue = deque([0])
    while queue:
        n = queue.popleft()
        for m in links(n, size):
            if m not in d:
                d[m] = d[n] + 1
                queue.append(m)
    return d


def hits(base_url, token):
    with urllib.request.urlopen(f"{base_url}/hits/{token}") as r:
        return json.loads(r.read())


@pytest.mark.parametrize("backend", ["thread", "process"])
def test_follow_every_page_once_with_depth_and_parent(base_url, backend):
    token, size = uuid.uuid4().hex, 300
    seed = f"{base_url}/graph/{token}/{size}/0"
    results = trawl.Crawler(follow="link", max_depth=1000, jobs=2, backend=backend).crawl_results([seed])
    assert len(results) == size
    page = {r.index: int(r.url.rsplit("/", 1)[1]) for r in results}
    assert sorted(page.values()) == list(range(size))
    by_index = {r.index: r for r in results}
    assert (results[0].depth, results[0].parent, results[0].parent_url) == (0, -1, None)
    for r in results[1:]:
        p = by_index[r.parent]
        assert r.parent < r.index and r.depth == p.depth + 1 and r.parent_url == p.url
        assert page[r.index] in links(page[p.index], size)
    counted = hits(base_url, token)
    assert len(counted) == size and set(counted.values()) == {1}


def test_max_depth_and_max_pages(base_url):
    token, size = uuid.uuid4().hex, 300
    seed = f"{base_url}/graph/{token}/{size}/0"
    # One transfer at a time: strictly breadth-first, exactly the pages within two links.
    results = trawl.Crawler(follow="link", max_depth=2, jobs=1, concurrency=1,
                            follow_scope="domain").crawl_results([seed])
    d = distances(size)
    assert sorted(int(r.url.rsplit("/", 1)[1]) for r in results) == sorted(n for n in d if d[n] <= 2)
    assert all(r.depth == d[int(r.url.rsplit("/", 1)[1])] for r in results)
    token = uuid.uuid4().hex
    seed = f"{base_url}/graph/{token}/{size}/0"
    assert len(trawl.Crawler(follow="link", max_depth=100, max_pages=25).crawl_results([seed])) == 25
    assert len(hits(base_url, token)) == 25


def test_results_without_follow_have_no_parent(base_url):
    r = trawl.crawl_results([f"{base_url}/graph/{uuid.uuid4().hex}/10/0"])[0]
    assert (r.depth, r.parent, r.parent_url) == (0, -1, None)


def test_bad_values():
    with pytest.raises(trawl.InvalidArgument, match="follow_scope"):
        trawl.Crawler(follow="link", follow_scope="planet")
    with pytest.raises(trawl.InvalidRegex, match="follow_deny"):
        trawl.Crawler(follow="link", follow_deny="([")
    with pytest.raises(trawl.InvalidArgument, match="nosuch"):
        trawl.Crawler(follow="nosuch")
    with pytest.raises(trawl.InvalidArgument, match="backends that do: thread, process, cluster"):
        trawl.Crawler(follow="link", backend="dask")
    with pytest.raises(trawl.InvalidArgument, match="max_depth"):
        trawl.Crawler(follow="link", max_depth=-1)
