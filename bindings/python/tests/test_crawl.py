# SPDX-License-Identifier: Apache-2.0
"""trawl.crawl / crawl_results against the loopback server, compared with the CLI."""

import json
import re
import os
import subprocess
import threading
import time
import types
import _thread

import pytest

import trawl


def test_version_matches_the_header():
    assert trawl.__version__ == "0.1.0"
    assert trawl.version_num >> 16 == trawl.HEADER_VERSION_NUM >> 16
    assert trawl.version_num >= trawl.HEADER_VERSION_NUM


def test_list_has_the_baseline_shape_in_input_order(site_urls):
    urls = site_urls[:5] + site_urls[:2]
    out = trawl.crawl(urls, n_jobs=2)
    assert isinstance(out, list) and len(out) == len(urls)
    for url, row in zip(urls, out):
        assert list(row) == [url]
        assert list(row[url]) == ["button", "link"]
        assert all(isinstance(m, str) for m in row[url]["link"])
    assert sum(len(r[u]["link"]) for r, u in zip(out, urls)) > 0
    assert out[5] == out[0]


def test_same_matches_as_the_cli(site_urls, cli, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(site_urls) + "\n")
    proc = subprocess.run([cli, "crawl", "--jobs", "2", str(listing)], capture_output=True,
                          text=True, check=True)
    expected = [json.loads(line) for line in proc.stdout.splitlines()]
    results = trawl.crawl_results(site_urls, n_jobs=2)
    assert len(results) == len(expected) == len(site_urls)
    for r, e in zip(results, expected):
        assert r.url == e["url"]
        assert r.status == e["status"] == 200
        assert r.final_url == e["final_url"]
        assert r.charset == e["charset"]
        assert r.bytes == e["bytes"]
        assert r.error is None and e["error"] is None
        assert r.matches == e["matches"]
        assert r.elapsed > 0
    baseline = trawl.crawl(site_urls, n_jobs=2)
    assert baseline == [{e["url"]: e["matches"]} for e in expected]


def test_failed_urls_are_results(base_url):
    urls = ["not a url", f"{base_url}/status/404", "ftp://127.0.0.1/x"]
    res = trawl.crawl_results(urls)
    assert [r.url for r in res] == urls
    assert isinstance(res[0].error, trawl.URLError)
    assert res[0].error.name == "invalid_url" and res[0].error.code == 20
    assert res[0].status is None and not res[0].ok
    assert res[1].status == 404 and res[1].error is None
    assert res[2].error.name == "unsupported_protocol"
    with pytest.warns(trawl.TrawlWarning, match="1 of 1 URLs failed"):
        assert trawl.crawl(urls[:1]) == [{"not a url": {"button": [], "link": []}}]


def test_user_patterns_with_flags(site_urls):

    pats = {"title": re.compile(r"<TITLE>(.*?)</title>", re.I | re.S),
            "meta": (r'<meta\s+(\w+)="([^"]*)"', re.I),
            "doctype": r"<!DOCTYPE \w+"}
    res = trawl.crawl_results(site_urls[:10], patterns=pats, default_patterns=False)
    for r in res:
        assert list(r.matches) == ["title", "meta", "doctype"]
        # tuples for multi-group patterns, as re.findall gives them
        assert all(isinstance(m, tuple) and len(m) == 2 for m in r.matches["meta"])
    assert any(r.matches["title"] for r in res)


def test_generators(site_urls):
    urls = site_urls[:12]
    listed = trawl.crawl(urls, n_jobs=2)
    gen = trawl.crawl(urls, n_jobs=2, return_as="generator")
    assert isinstance(gen, types.GeneratorType)
    assert list(gen) == listed
    unordered = list(trawl.crawl(urls, n_jobs=2, return_as="generator_unordered"))
    key = lambda d: next(iter(d))  # noqa: E731
    assert sorted(unordered, key=key) == sorted(listed, key=key)
    # Leaving a generator early cancels its batch; the next crawl is unaffected.
    gen = trawl.crawl_results(urls, return_as="generator")
    first = next(gen)
    assert first.url == urls[0]
    gen.close()
    assert trawl.crawl(urls[:2]) == listed[:2]
    with pytest.raises(ValueError):
        trawl.crawl(urls, return_as="tuple")


def test_cancel_a_stream(base_url):
    slow = f"{base_url}/slow?seconds=60"
    with trawl.Crawler(timeout=120) as c:
        stream = c.stream([slow] * 4)
        stream.cancel()
        results = list(stream)
    assert len(results) == 4
    assert all(isinstance(r.error, trawl.Cancelled) for r in results)


def test_ctrl_c_cancels_the_batch(base_url):
    slow = f"{base_url}/slow?seconds=60"
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        trawl.crawl([slow] * 3, timeout=120)
    timer.cancel()
    # The batch was cancelled, not waited for: far less than the 60 s the pages take.
    assert time.monotonic() - start < 30
    assert trawl.crawl(["not a url"], errors="ignore") == [{"not a url": {"button": [], "link": []}}]


def test_verbose_prints_joblib_progress(site_urls, capfd):
    trawl.crawl(site_urls[:4], n_jobs=1, verbose=10)
    err = capfd.readouterr().err
    # joblib's format: "[...]: Done   4 out of   4 | elapsed:    0.0s finished"
    assert re.search(r"\]: Done +4 out of +4 \| elapsed: .*finished", err), err


def _worker_children():
    """Live child processes of this interpreter that are trawl workers (from /proc)."""
    me, found = os.getpid(), set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[1]) == me and "(trawl" in stat:
            found.add(int(entry))
    return found


def test_process_backend_gives_the_same_results(site_urls):
    urls = site_urls[:8]
    assert trawl.crawl(urls, backend="process", n_jobs=2) == trawl.crawl(urls, n_jobs=2)
    assert len(_worker_children()) >= 2, "the workers stay pooled for the next call"
    trawl.shutdown_workers()
    assert _worker_children() == set(), "shutdown_workers ends them"


def test_write_sends_the_librarys_json_lines_to_a_file(site_urls, tmp_path):
    urls = site_urls[:4] + ["not a url"]
    with trawl.Crawler(jobs=2) as c:
        c.write(urls, tmp_path / "out.jsonl")
        lines = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text().splitlines()]
        assert sorted(l["url"] for l in lines) == sorted(urls)
        by_url = {l["url"]: l for l in lines}
        assert by_url["not a url"]["error"]["code"] == "invalid_url"
        assert by_url[urls[0]]["matches"] == c.crawl_results(urls[:1])[0].matches
        with open(tmp_path / "out.json", "w") as f:
            c.write(urls, f, format="json")
        assert sorted(r["url"] for r in json.loads((tmp_path / "out.json").read_text())) == sorted(urls)
        with pytest.raises(ValueError):
            c.write(urls, tmp_path / "x", format="csv")


# MARK: retries and stats (issue 14)

def test_stats_add_up_to_the_batch(base_url, site_urls):
    urls = site_urls[:3] + [base_url + "/status/404", base_url + "/status/503", "not a url"]
    with trawl.Crawler(max_retries=1, retry_base=0.01) as c:
        assert c.stats() is None
        results = c.crawl_results(urls)
        stats = c.stats()
    assert [r.attempts for r in results[:4]] == [1, 1, 1, 1]
    assert results[4].status == 503 and results[4].attempts == 2
    assert stats["results"] == len(urls)
    assert stats["pages"] == 5 and sum(stats["statuses"].values()) == 5
    assert stats["statuses"]["404"] == 1 and stats["statuses"]["503"] == 1
    assert stats["errors"] == {"invalid_url": 1}
    assert stats["retries"] == 1 and stats["attempts"] == sum(r.attempts for r in results)
    assert stats["bytes"] == sum(r.bytes for r in results)
    assert stats["robots_refusals"] == 0
    assert stats["top_hosts"][0]["results"] == 5
    assert set(stats["seconds"]) == {"fetch", "decode", "extract"}


def test_host_unavailable_is_its_own_url_error():
    assert issubclass(trawl.HostUnavailable, trawl.URLError)
    from trawl._errors import _URL_CLASSES
    assert _URL_CLASSES[34] is trawl.HostUnavailable
