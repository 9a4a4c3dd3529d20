# SPDX-License-Identifier: Apache-2.0
"""The binding as requests and joblib users expect it: headers and timeout forms, verbose
lines through sys.stderr, progress callbacks, errors= policies, options(), result order;
and the same matches as the C API on the shared binding pages."""

import contextlib
import io
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
import warnings

import pytest

import trawl

REPO = pathlib.Path(__file__).resolve().parents[3]
PATTERNS = REPO / "Tests" / "bindings" / "patterns.tsv"
C_CRAWL = os.environ.get("TRAWL_C_CRAWL_JSON") or str(REPO / ".build" / "ctest" / "crawl_json")


def shared_patterns():
    rows = [line.split("\t") for line in PATTERNS.read_text().splitlines()
            if line and not line.startswith("#")]
    return [(name, int(flags), regex) for name, flags, regex in rows]


def test_matches_equal_the_c_api_json_on_every_page(page_urls):
    pats = shared_patterns()
    args = [C_CRAWL, "-n"]
    for name, flags, regex in pats:
        args += ["-p", name, str(flags), regex]
    out = subprocess.run(args + ["--"] + page_urls, capture_output=True, text=True, check=True)
    expected = [json.loads(line) for line in out.stdout.splitlines()]
    got = trawl.crawl_results(page_urls, default_patterns=False,
                              patterns={name: (regex, flags) for name, flags, regex in pats})
    assert len(got) == len(expected) == len(page_urls) == 4
    for r, e in zip(got, expected):
        assert r.url == e["url"] and r.error is None and e["error"] is None
        as_json = {k: [list(m) if isinstance(m, tuple) else m for m in v] for k, v in r.matches.items()}
        assert as_json == e["matches"]
    assert any(r.matches["kv"] for r in got) and any(r.matches["title"] for r in got)


# MARK: order (issue 10's defect: generator_unordered used to yield input order)

# The slow URL second: a host's first transfer runs alone (per_host_connections), so a slow
# first one would hold the others back until it ended.

def test_generator_unordered_yields_completion_order(page_urls, pages_url):
    slow = f"{pages_url}/slow?seconds=2"
    urls = page_urls[:1] + [slow] + page_urls[1:]
    with trawl.Crawler() as c:
        got = [next(iter(r)) for r in c.crawl(urls, return_as="generator_unordered")]
    assert sorted(got) == sorted(urls)
    assert got[:2] != urls[:2], "the slow URL must not come in its place"
    assert got[-1] == slow


def test_generator_keeps_input_order_on_a_completed_order_crawler(page_urls, pages_url):
    slow = f"{pages_url}/slow?seconds=1"
    urls = page_urls[:1] + [slow] + page_urls[1:]
    with trawl.Crawler(order="completed") as c:
        assert [next(iter(r)) for r in c.crawl(urls, return_as="generator")] == urls
        assert [r.url for r in c.stream(urls)][-1] == slow


# MARK: headers and timeout

def test_headers_dict_alongside_header_lines(pages_url):
    echo = {"echo": r'"(x-[a-z]+)": "([^"]*)"'}
    r = trawl.crawl([f"{pages_url}/headers"], headers={"X-One": "1", "X-Two": "two"},
                    header=["X-Three: 3"], patterns=echo, default_patterns=False)
    assert sorted(r[0][f"{pages_url}/headers"]["echo"]) == [
        ("x-one", "1"), ("x-three", "3"), ("x-two", "two")]
    with pytest.raises(ValueError, match="x-one"):
        trawl.crawl([], headers={"X-One": "1"}, header="x-one: 2")
    with pytest.raises(TypeError, match="headers"):
        trawl.crawl([], headers=["X-One: 1"])
    with pytest.raises(TypeError, match="headers"):
        trawl.crawl([], headers={"X-One": 1})


def test_timeout_tuple_is_connect_and_read_as_in_requests(pages_url):
    # 8 bytes, one every 0.3 s: no silence comes near 2 s, the whole takes ~2.4 s.
    drip = f"{pages_url}/drip?bytes=8&interval=0.3"
    res = trawl.crawl_results([drip], timeout=(5, 2))
    assert res[0].error is None and res[0].bytes == 8
    assert isinstance(trawl.crawl_results([drip], timeout=1.5)[0].error, trawl.Timeout)
    # A 4 s silence exceeds the read limit of 1 s (the tuple lifts the total limit: only the
    # read limit can end it).
    res = trawl.crawl_results([f"{pages_url}/drip?bytes=2&interval=4"], timeout=(5, 1))
    assert isinstance(res[0].error, trawl.Timeout) and res[0].bytes < 2
    with pytest.raises(ValueError, match="connect_timeout"):
        trawl.crawl([], timeout=(1, 2), connect_timeout=3)
    with pytest.raises(TypeError, match="timeout"):
        trawl.crawl([], timeout=(1, 2, 3))
    with pytest.raises(TypeError, match="timeout"):
        trawl.crawl([], timeout=("1", 2))


# MARK: verbose, progress

def test_verbose_lines_go_through_sys_stderr(page_urls):
    buf = io.StringIO()
    with contextlib.redirect_stderr(buf):
        trawl.crawl(page_urls, n_jobs=2, verbose=10)
    lines = buf.getvalue().splitlines()
    assert lines[0] == "[trawl(n_jobs=2)]: Using backend ThreadBackend with 2 concurrent workers."
    assert lines[-1].startswith("[trawl(n_jobs=2)]: Done   4 out of   4 | elapsed:")
    assert lines[-1].endswith(" finished")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        trawl.crawl(page_urls[:1], n_jobs=1, verbose=50)
    assert "Using backend ThreadBackend with 1 concurrent workers." in out.getvalue()
    assert err.getvalue() == ""


def test_progress_callback_runs_on_the_iterating_thread(page_urls):
    calls = []
    me = threading.get_ident()

    def progress(done, total, result):
        calls.append((done, total, result.url, threading.get_ident()))

    trawl.crawl(page_urls, progress=progress)
    assert [c[:2] for c in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(c[2] for c in calls) == sorted(page_urls)
    assert {c[3] for c in calls} == {me}
    gen_calls = []
    gen = trawl.crawl_results(page_urls, return_as="generator",
                              progress=lambda d, t, r: gen_calls.append(d))
    assert gen_calls == [], "nothing is reported before the caller iterates"
    assert len(list(gen)) == 4 and gen_calls == [1, 2, 3, 4]
    with pytest.raises(TypeError, match="progress"):
        trawl.crawl([], progress=3)


def test_progress_tqdm_when_installed(page_urls):
    import tqdm  # noqa: F401  (make python-test installs it: this test must run)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        trawl.crawl(page_urls, progress="tqdm")
    assert "4/4" in err.getvalue()


def test_progress_tqdm_without_tqdm_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match="pip install tqdm"):
        trawl.crawl(["http://127.0.0.1:9/"], progress="tqdm")


# MARK: errors=

def test_errors_warn_is_one_warning_naming_count_and_codes(page_urls):
    urls = page_urls[:2] + ["not a url", "ftp://127.0.0.1/x", "also not"]
    with pytest.warns(trawl.TrawlWarning) as caught:
        out = trawl.crawl(urls)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "3 of 5 URLs failed" in message
    assert "invalid_url: 2" in message and "unsupported_protocol: 1" in message
    assert caught[0].filename == __file__
    assert out[2] == {"not a url": {"button": [], "link": []}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert trawl.crawl(urls, errors="ignore") == out
        assert trawl.crawl(page_urls) == trawl.crawl(page_urls, errors="ignore")


def test_errors_raise_cancels_and_raises_the_first_failure(pages_url):
    slow = f"{pages_url}/slow?seconds=30"
    start = time.monotonic()
    with pytest.raises(trawl.InvalidURL) as info:
        trawl.crawl([slow, slow, "not a url", slow], errors="raise", timeout=60)
    assert time.monotonic() - start < 20, "the slow URLs were cancelled, not awaited"
    assert info.value.code == 20 and info.value.name == "invalid_url"
    assert isinstance(info.value, trawl.URLError) and isinstance(info.value, ValueError)
    gen = trawl.crawl(["ftp://127.0.0.1/x"], return_as="generator", errors="raise")
    with pytest.raises(trawl.UnsupportedProtocol):
        next(gen)
    with pytest.raises(ValueError, match="errors"):
        trawl.crawl([], errors="explode")


def test_errors_return_puts_the_error_in_place(page_urls):
    out = trawl.crawl([page_urls[0], "not a url"], errors="return")
    assert list(out[0][page_urls[0]]) == ["button", "link"]
    assert isinstance(out[1]["not a url"], trawl.InvalidURL)


# MARK: options()

def test_options_come_from_the_library():
    opts = trawl.options()
    assert {"jobs", "timeout", "header", "user_agent", "read_timeout"} <= set(opts)
    assert opts["timeout"].type == "double" and opts["timeout"].default == 30
    assert opts["header"].repeatable and opts["header"].type == "list"
    assert all(o.doc for o in opts.values())
    assert all(o.type in {"int", "double", "string", "bool", "choice", "list"} for o in opts.values())
    for name in opts:
        assert name in trawl.Crawler.__doc__, name


def options_table():
    """The package README's option table, as trawl.options() describes the options."""
    rows = ["| option | type | default | what it does |", "|---|---|---|---|"]
    for o in trawl.options().values():
        doc = o.doc.replace("|", "\\|")
        rows.append(f"| `{o.name}` | {o.type} | `{o.default!r}` | {doc} |")
    return "\n".join(rows)


def test_package_readme_lists_every_option_as_the_library_describes_it():
    readme = (REPO / "bindings" / "python" / "README.md").read_text()
    begin, end = "<!-- options: begin -->\n", "\n<!-- options: end -->"
    table = readme[readme.index(begin) + len(begin):readme.index(end)]
    assert table == options_table(), "regenerate it with tests/test_pythonic.py's options_table()"


def test_wrong_option_types_are_type_errors_naming_the_option():
    for kwargs, name in [({"concurrency": "8"}, "concurrency"), ({"user_agent": 3}, "user_agent"),
                         ({"verify_tls": "yes"}, "verify_tls"), ({"max_bytes": 1.5}, "max_bytes")]:
        with pytest.raises(TypeError, match=name):
            trawl.Crawler(**kwargs)
    with pytest.raises(trawl.UnknownOption, match="no_such"):
        trawl.Crawler(no_such=1)


# MARK: error paths, empty batch, memory

def test_bad_regex_reports_its_offset():
    with pytest.raises(trawl.InvalidRegex) as info:
        trawl.Crawler(patterns={"bad": "ab(c"})
    assert "bad" in info.value.message and "offset 2" in info.value.message


def test_empty_batch():
    assert trawl.crawl([]) == []
    assert list(trawl.crawl([], return_as="generator_unordered")) == []
    assert trawl.crawl_results([], progress=lambda *a: 1 / 0) == []


def _rss_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_memory_stays_flat_over_a_thousand_cycles(page_urls):
    def cycle():
        with trawl.Crawler(patterns={"t": r"<title>(.*?)</title>"}, jobs=1) as c:
            assert len(c.crawl_results(page_urls[:1])) == 1

    for _ in range(100):
        cycle()
    before = _rss_kib()
    for _ in range(1000):
        cycle()
    after = _rss_kib()
    assert after <= before * 1.05, f"RSS grew from {before} KiB to {after} KiB"


def test_progress_callback_can_take_the_in_flight_limit(page_urls):
    seen = []

    def progress(done, total, result, concurrency):
        seen.append(concurrency)

    trawl.crawl(page_urls, progress=progress)
    assert len(seen) == 4
    assert all(c["adaptive"] is True and c["limit"] >= 4 and 0 <= c["running"] <= c["limit"] for c in seen), seen
    pinned = []
    with trawl.Crawler(concurrency=16) as c:
        c.crawl(page_urls, progress=lambda d, t, r, **kw: pinned.append(kw["concurrency"]))
    assert len(pinned) == 4 and all(p["limit"] == 16 and p["adaptive"] is False for p in pinned)
    plain = []
    trawl.crawl(page_urls, progress=lambda d, t, r: plain.append(d))
    assert plain == [1, 2, 3, 4], "a three-argument callback is called as before"


def test_stream_reports_the_process_workers_limit(page_urls):
    with trawl.Crawler(backend="process", jobs=2) as c:
        stream = c.stream(page_urls)
        first = stream.concurrency()
        assert first["adaptive"] is True and first["limit"] == 64
        assert len(list(stream)) == 4
        after = stream.concurrency()
        assert after == {"limit": after["limit"], "running": 0, "adaptive": True} and after["limit"] >= 8
    with trawl.Crawler(backend="process", jobs=2, concurrency=10) as c:
        stream = c.stream(page_urls)
        assert stream.concurrency() == {"limit": 10, "running": 0, "adaptive": False}
        assert len(list(stream)) == 4
