# SPDX-License-Identifier: Apache-2.0
"""trawl.extract_warc / Crawler.extract_warc: a crawl archived with warc= and read back from
Python gives the crawl's Result objects, matches and all, on every page."""

import glob
import gzip

import pytest
import trawl

TITLE = {"title": r"<title>(.*?)</title>"}


def fields(r):
    return (r.status, r.charset, r.bytes, r.content_type, r.error, r.matches, r.matches_raw, r.unresolved)


@pytest.fixture(scope="module")
def archived(site_urls, base_url, tmp_path_factory):
    """A crawl of site pages and compressed bodies with warc=, and its one file."""
    prefix = str(tmp_path_factory.mktemp("warc") / "crawl")
    urls = site_urls[:15] + [f"{base_url}/gzip", f"{base_url}/br", f"{base_url}/zstd"]
    results = trawl.crawl_results(urls, warc=prefix, patterns=TITLE, absolute_links="link")
    assert all(r.status == 200 for r in results)
    [file] = glob.glob(prefix + "-*.warc.gz")
    return results, file


def test_every_page_gives_the_crawls_result(archived, tmp_path):
    results, file = archived
    want = {r.final_url: fields(r) for r in results}
    with open(file, "rb") as f:
        plain = gzip.decompress(f.read())  # every member, as one stream
    (tmp_path / "plain.warc").write_bytes(plain)
    (tmp_path / "whole.warc.gz").write_bytes(gzip.compress(plain))
    for path in [file, tmp_path / "plain.warc", tmp_path / "whole.warc.gz"]:
        read = list(trawl.extract_warc(path, patterns=TITLE, absolute_links="link"))
        assert all(isinstance(r, trawl.Result) for r in read)
        assert [r.index for r in read] == list(range(len(results)))
        assert {r.url: fields(r) for r in read} == want, path
        assert all(r.url == r.final_url for r in read)


def test_new_patterns_on_an_old_crawl_give_what_a_new_crawl_gives(archived, site_urls):
    _, file = archived
    meta = {"meta": r'<meta\s+(name|property)="([^"]*)"'}
    with trawl.Crawler(patterns=meta, default_patterns=False) as c:
        fresh = {r.final_url: r.matches for r in c.crawl_results(site_urls[:15])}
        again = {r.url: r.matches for r in c.extract_warc(file) if r.url in fresh}
    assert again == fresh
    assert any(m["meta"] for m in fresh.values())


def test_a_truncated_file_keeps_the_results_before_the_cut(archived, tmp_path):
    results, file = archived
    with open(file, "rb") as f:
        plain = gzip.decompress(f.read())
    cut = tmp_path / "cut.warc"
    cut.write_bytes(plain[: len(plain) // 2])
    got = []
    with pytest.raises(trawl.InputError, match="is truncated") as e:
        for r in trawl.extract_warc(cut, patterns=TITLE, absolute_links="link"):
            got.append(r)
    assert 0 < len(got) < len(results)
    assert str(cut) in e.value.message
    want = {r.final_url: fields(r) for r in results}
    assert all(want[r.url] == fields(r) for r in got)


def test_wrong_files_are_refused_at_once(tmp_path):
    page = tmp_path / "page.warc"
    page.write_text("<html><title>not an archive</title></html>\n")
    with pytest.raises(trawl.InputError, match="is not a WARC file"):
        trawl.extract_warc(page)
    with pytest.raises(trawl.TrawlError, match="cannot read") as e:
        trawl.extract_warc(tmp_path / "missing.warc.gz")
    assert e.value.name == "io"
    c = trawl.Crawler()
    c.close()
    with pytest.raises(trawl.InvalidState):
        c.extract_warc(page)
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert list(trawl.extract_warc(empty)) == []


def test_closing_the_iterator_closes_the_file(archived):
    _, file = archived
    with trawl.extract_warc(file) as it:
        first = next(it)
        assert first.index == 0
    assert list(it) == []
