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


def test_a_generator_is_compared_with_the_journal_url_by_url(base_url, tmp_path):
    """A generator is not read whole with a journal: a journaled URL comes back without a
    request, and the first URL that differs from the journal's ends the input there with
    InputError naming both, after the results of the URLs before it."""
    tag = uuid.uuid4().hex[:8]
    urls = [f"{base_url}/counted/{tag}/{n:03d}.html" for n in range(1, 7)]
    journal = str(tmp_path / "j.jsonl")
    trawl.crawl_results(urls[:3], journal=journal)
    read = []

    def lazily(items):
        for u in items:
            read.append(u)
            yield u

    second = trawl.crawl_results(lazily(urls), journal=journal)
    assert [r.url for r in second] == urls
    assert served(base_url, tag) == 6
    other = urls[:2] + [f"{base_url}/counted/{tag}/other.html"] + urls[3:]
    read.clear()
    got = []
    with pytest.raises(trawl.InputError, match="is of another batch: its URL 3 is"):
        for r in trawl.Crawler(journal=journal).stream(lazily(other)):
            got.append(r)
    assert [r.url for r in got] == urls[:2]
    assert read == other[:3], "the generator was not read past the mismatch"
    assert served(base_url, tag) == 6
