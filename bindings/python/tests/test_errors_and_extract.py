# SPDX-License-Identifier: Apache-2.0
"""Errors as exceptions, and extraction alone, compared with Python's re.findall."""

import pickle
import re

import pytest

import trawl

TEXT = ('<html><BUTTON class="a" id="go">x</BUTTON><a href="/one">1</a>\n'
        '<A HREF="/two">2</A> k1=v1 k2=v2 Straße STRASSE café CAFÉ\n<title>\n T \n</title>')


def test_bad_regex_reports_pcre2_message_and_offset():
    with pytest.raises(trawl.InvalidRegex) as info:
        trawl.extract("x", patterns={"broken": "ab(cd"})
    e = info.value
    assert e.code == 3 and e.name == "invalid_regex"
    assert "broken" in e.message and "offset" in e.message
    assert isinstance(e, ValueError)


def test_bad_regex_pos_is_re_errors_pos():
    for source in ["ab(cd", "x{2,1}", "é+(?P<1>a)", "[b-a]"]:
        with pytest.raises(re.error) as want:
            re.compile(source)
        with pytest.raises(trawl.InvalidRegex) as got:
            trawl.extract("x", patterns={"p": source})
        assert got.value.pos == want.value.pos, source
        assert pickle.loads(pickle.dumps(got.value)).pos == want.value.pos


def test_a_failed_batch_start_says_why():
    # Nothing listens on port 1: the cluster backend cannot reach Redis when the batch starts.
    with trawl.Crawler(backend="cluster", redis_url="redis://127.0.0.1:1/0") as crawler:
        with pytest.raises(trawl.BackendUnavailable) as info:
            crawler.crawl(["http://127.0.0.1:1/"])
    assert "127.0.0.1:1" in info.value.message, info.value.message


def test_option_errors():
    with pytest.raises(trawl.UnknownOption) as info:
        trawl.crawl([], no_such_option=1)
    assert "no_such_option" in info.value.message and isinstance(info.value, TypeError)
    with pytest.raises(trawl.InvalidArgument):
        trawl.crawl([], concurrency=-1)
    with pytest.raises(trawl.InvalidArgument):
        trawl.crawl([], concurrency="lots")
    with pytest.raises(trawl.InvalidArgument):
        trawl.crawl([], max_concurrency=0)
    with pytest.raises(trawl.InvalidArgument):
        trawl.crawl([], timeout=-1.0)
    with pytest.raises(trawl.InvalidArgument):
        trawl.crawl([], backend="pigeon")
    with pytest.raises(trawl.BackendUnavailable):
        trawl.crawl([], backend="cluster")
    with pytest.raises(trawl.InvalidArgument):
        trawl.extract("x", patterns={"link": "y"})  # clashes with a default pattern
    with pytest.raises(trawl.InvalidArgument):
        trawl.extract("x", patterns={"p": ("y", 4)})  # re.LOCALE is not supported
    with pytest.raises(TypeError):
        trawl.extract("x", patterns={"p": re.compile(b"y")})
    with pytest.raises(TypeError):
        trawl.crawl("http://one.url/")
    with pytest.raises(TypeError):
        trawl.crawl([b"http://bytes/"])


def test_errors_pickle_with_their_code():
    e = trawl._errors.error_for(3, "invalid_regex", "pattern 'x': ... at offset 2")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is trawl.InvalidRegex and back.code == 3 and back.message == e.message


def test_input_error_has_its_class():
    e = trawl._errors.error_for(38, "input_error", "reading urls.txt: Is a directory")
    assert type(e) is trawl.InputError and isinstance(e, trawl.URLError) and e.code == 38


def test_bad_response_has_its_class():
    e = trawl._errors.error_for(37, "bad_response", "Received HTTP/0.9 when not allowed")
    assert type(e) is trawl.BadResponse and isinstance(e, trawl.URLError) and e.code == 37
    assert trawl.BadResponse.__name__ in trawl.__all__


def test_robots_and_guard_codes_have_their_classes():
    for code, name, cls in [(35, "robots_disallowed", trawl.RobotsDisallowed),
                            (36, "blocked_address", trawl.BlockedAddress)]:
        e = trawl._errors.error_for(code, name, "connection to 127.0.0.1 refused")
        assert type(e) is cls and isinstance(e, trawl.URLError) and e.code == code
        assert cls.__name__ in trawl.__all__


def test_extract_defaults_match_re_findall():
    got = trawl.extract(TEXT)
    button = re.compile(r"""<button\s(?:.*?\s)*?id=['"](.*?)['"].*?>""", re.I)
    link = re.compile(r"""<a\s(?:.*?\s)*?href=['"](.*?)['"].*?>""")
    assert got == {"button": button.findall(TEXT), "link": link.findall(TEXT)}
    assert got["link"] == ["/one"]


@pytest.mark.parametrize("pattern", [
    re.compile(r"(\w+)=(\w+)"),
    re.compile(r"stra(ss|ß)e", re.I),
    re.compile(r"CAF.", re.I),
    re.compile(r"<title>(.*?)</title>", re.S),
    re.compile(r"<title>(.*?)</title>"),
    re.compile(r"^\s*(\w)\s*$", re.M),
    re.compile(r"""  k (\d)   # a key
                     = (v\d)  # its value""", re.X),
    re.compile(r"\w+é", re.A),
    re.compile(r"(a)|(b)"),
    re.compile(r""),
])
def test_extract_with_flags_equals_re_findall(pattern):
    got = trawl.extract(TEXT, patterns={"p": pattern}, default_patterns=False)
    assert got == {"p": pattern.findall(TEXT)}


def test_crawler_is_reusable_and_picklable():
    c = trawl.Crawler(patterns={"kv": r"(\w+)=(\w+)"}, default_patterns=False)
    assert c.extract("a=1 b=2") == {"kv": [("a", "1"), ("b", "2")]}
    again = pickle.loads(pickle.dumps(c))
    assert again.extract("c=3") == {"kv": [("c", "3")]}
    c.close()
    with pytest.raises(trawl.InvalidState):
        c.extract("x")
