# SPDX-License-Identifier: Apache-2.0
"""journal=PATH from Python: a second run of the same batch fetches nothing it already has."""

import urllib.request
import uuid

import pytest

import trawl


def served(base_url, tag):
    with urllib.request.urlopen(f"{base_url}/count/{tag}") as r:
        return int(r.read())


def test_a_second_run_with_the_journal_fetches_only_what_it_lacks(base_url, tmp_path):
    tag = uuid.uuid4().hex[:8]
    urls = [f"{base_url}/counted/{tag}/{n:03d}.html" for n in range(1, 6)]
    journal = str(tmp_path / "j.jsonl")
    first = trawl.crawl_results(urls[:3], journal=journal)
    assert served(base_url, tag) == 3
    # The same batch, grown by two URLs: only those two are fetched.
    second = trawl.crawl_results(urls, journal=journal)
    assert served(base_url, tag) == 5
    assert [r.url for r in second] == urls
    assert [r.matches for r in second[:3]] == [r.matches for r in first]
    assert [r.status for r in second] == [200] * 5
    with open(journal) as f:
        assert len(f.read().splitlines()) == 1 + 5


def test_a_journal_of_other_patterns_is_refused(base_url, tmp_path):
    journal = str(tmp_path / "j.jsonl")
    urls = [f"{base_url}/site/001.html"]
    trawl.crawl_results(urls, journal=journal)
    with pytest.raises(trawl.TrawlError, match="another batch"):
        trawl.crawl_results(urls, journal=journal, patterns={"t": "<title>"})
