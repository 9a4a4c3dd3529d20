# SPDX-License-Identifier: Apache-2.0
"""Generators and other iterators are read lazily (trawl_batch_start_source), as joblib's
pre_dispatch does: results come out before the input is exhausted, a generator of any length
is never held whole, and one that raises ends the input with trawl.InputError once every URL
read before has its result."""

import threading

import pytest

import trawl
from test_cluster_follow import redis_url  # noqa: F401 (the fixture: redis-server and two workers)


@pytest.mark.parametrize("backend", ["thread", "process"])
def test_results_arrive_before_a_long_generator_is_read(pages_url, backend):
    pulled = []
    url = f"{pages_url}/empty"

    def urls():
        for i in range(100_000):
            pulled.append(i)
            yield f"{url}?{i}"

    with trawl.Crawler(concurrency=4, backend=backend, jobs=2) as c:
        stream = c.stream(urls(), ordered=False)
        first = next(iter(stream))
        assert first.status == 200
        # The batch reads a bounded window ahead (1,024 URLs at this concurrency), not the
        # whole generator.
        seen = len(pulled)
        stream.close()
    assert seen <= 1024 + 256 + 1, seen


def test_the_cluster_backend_reads_a_generator_as_it_has_room(pages_url, redis_url):  # noqa: F811
    pulled = []
    url = f"{pages_url}/empty"

    def urls():
        for i in range(100_000):
            pulled.append(i)
            yield f"{url}?{i}"

    with trawl.Crawler(concurrency=4, backend="cluster", redis_url=redis_url) as c:
        stream = c.stream(urls(), ordered=False)
        first = next(iter(stream))
        assert first.status == 200
        seen = len(pulled)
        stream.close()
    assert seen <= 1024 + 256 + 1, seen


def test_every_url_of_a_generator_gets_its_result_in_order(page_urls):
    urls = page_urls * 3
    with trawl.Crawler() as c:
        got = c.crawl((u for u in urls), return_as="generator")
        assert [next(iter(r)) for r in got] == urls
        results = c.crawl_results(iter(urls))
    assert [r.url for r in results] == urls
    assert [r.index for r in results] == list(range(len(urls)))
    assert c.stats()["results"] == len(urls)


def test_the_generator_runs_on_a_library_thread_only_as_it_is_needed(page_urls):
    threads = set()

    def urls():
        for u in page_urls:
            threads.add(threading.get_ident())
            yield u

    with trawl.Crawler() as c:
        assert len(c.crawl(urls())) == len(page_urls)
    assert threading.get_ident() not in threads, "the thread backend reads a generator on its intake thread"


def test_a_generator_that_raises_ends_the_input_and_loses_nothing(page_urls):
    def urls():
        yield page_urls[0]
        yield page_urls[1]
        raise OSError("disk on fire")

    got = []
    with trawl.Crawler() as c:
        with pytest.raises(trawl.InputError) as info:
            for r in c.crawl_results(urls(), return_as="generator_unordered"):
                got.append(r.url)
    assert sorted(got) == sorted(page_urls[:2])
    assert "disk on fire" in str(info.value)
    assert isinstance(info.value.__cause__, OSError)
    assert info.value.code == 38


def test_a_non_string_item_is_an_input_error_naming_its_type(page_urls):
    with trawl.Crawler() as c:
        with pytest.raises(trawl.InputError, match="URLs must be str, got int"):
            c.crawl(iter([page_urls[0], 7]))


def test_process_backend_keeps_a_generators_order(page_urls):
    with trawl.Crawler(backend="process", jobs=2) as c:
        results = c.crawl_results(u for u in page_urls)
    assert [r.url for r in results] == page_urls
    assert all(r.status == 200 for r in results)


def test_progress_of_a_generator_has_no_total(page_urls):
    calls = []
    with trawl.Crawler() as c:
        c.crawl(iter(page_urls), progress=lambda done, total, r: calls.append((done, total)))
    assert calls == [(i + 1, None) for i in range(len(page_urls))]


def test_lists_keep_their_total(page_urls):
    calls = []
    with trawl.Crawler() as c:
        c.crawl(page_urls, progress=lambda done, total, r: calls.append(total))
    assert set(calls) == {len(page_urls)}
