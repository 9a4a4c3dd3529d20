# SPDX-License-Identifier: Apache-2.0
"""absolute_links and repeated URLs from Python, checked against urllib.parse.urljoin."""

import html
import json
import os
import re
import urllib.parse
import urllib.request
from pathlib import Path

import trawl

# Links whose resolution urljoin and the WHATWG parser must agree on: printable ASCII without
# the characters the standard percent-encodes or rewrites (spaces, backslashes, quotes,
# angle brackets, braces, backticks, %), with no dot segment and no upper-case scheme or host.
PLAIN = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*$")


def plain(raw, joined):
    if not PLAIN.match(raw) or "/." in "/" + raw.split("?")[0].split("#")[0]:
        return False
    parts = urllib.parse.urlsplit(joined)
    return parts.scheme in ("http", "https") and parts.netloc == parts.netloc.lower() \
        and parts.path.startswith("/") and ":" not in parts.netloc.replace(":" + str(parts.port), "", 1)


def test_links_agree_with_urljoin_on_plain_links(site_urls):
    results = trawl.Crawler(absolute_links="link", jobs=2).crawl_results(site_urls)
    compared = 0
    for r in results:
        resolved, raw = r.matches["link"], r.matches_raw["link"]
        assert len(resolved) == len(raw)
        for i, (absolute, written) in enumerate(zip(resolved, raw)):
            if i in r.unresolved["link"]:
                assert absolute == written
                continue
            decoded = html.unescape(written).strip()
            joined = urllib.parse.urljoin(r.final_url, decoded)
            if plain(decoded, joined):
                assert absolute == joined, (r.url, written)
                compared += 1
    assert compared > 100, compared


def test_repeated_urls_are_fetched_once(base_url, site_pages):
    token = "py-links-" + str(os.getpid())
    urls = [f"{base_url}/counted/{token}/{site_pages[i % 10].name}" for i in range(1000)]
    results = trawl.Crawler(jobs=2).crawl_results(urls)
    assert [r.index for r in results] == list(range(1000))
    assert all(r.url == u and r.status == 200 for r, u in zip(results, urls))
    hits = json.loads(urllib.request.urlopen(f"{base_url}/hits/{token}").read())
    assert len(hits) == 10 and set(hits.values()) == {1}, hits
    trawl.Crawler(jobs=2, dedupe=False).crawl_results(urls[:20])
    hits = json.loads(urllib.request.urlopen(f"{base_url}/hits/{token}").read())
    assert sum(hits.values()) == 30, hits


def _why_differs(raw, decoded, absolute, joined):
    """The known reason the WHATWG parser and urljoin disagree on a link, or None."""
    j, a = urllib.parse.urlsplit(joined), urllib.parse.urlsplit(absolute)
    if decoded != decoded.strip() or "\t" in decoded or "\n" in decoded:
        return "whitespace stripped"
    if "\\" in decoded:
        return "backslash read as /"
    if "&sect" in raw and "&sect;" not in raw:
        # HTML leaves "&sectionId=" alone in an attribute; html.unescape makes it "§ionId=".
        return "html.unescape decodes &sect in an attribute"
    if j.netloc != j.netloc.lower():
        return "host lowercased"
    if re.search(r"[^\x21-\x7e]|[ \"<>`{}|^]", decoded):
        return "percent-encoded"
    if absolute.endswith("#") and absolute[:-1] == joined:
        return "empty fragment kept"
    if a.path == "/" and j.path == "" or absolute.replace("/?", "?", 1) == joined \
            or absolute.replace("/#", "#", 1) == joined:
        return "empty path is /"
    if "/." in decoded.split("?")[0]:
        return "dot segments removed"
    if re.sub(r"//+", "/", a.path) == j.path or absolute.rstrip("?") == joined:
        return "urljoin drops // and an empty query"
    return None


def test_corpus_links_against_urljoin(base_url, corpus_names):
    """Every link of the real corpus: equal to urljoin(base, html.unescape(raw)), or differing
    for a known reason of the WHATWG standard (or of urljoin); the counts are printed."""
    urls = [f"{base_url}/corpus/{n}" for n in corpus_names]
    results = trawl.Crawler(absolute_links="link", jobs=2).crawl_results(urls)
    counts = {"links": 0, "equal": 0, "unresolved": 0}
    unexplained = []
    for r, name in zip(results, corpus_names):
        text = (_corpus_dir() / name).read_bytes().decode("utf-8", "replace")
        m = re.search(r"<base[^>]*?href=[\"']([^\"']*)", text, re.I)
        base = urllib.parse.urljoin(r.final_url, html.unescape(m.group(1).strip())) if m else r.final_url
        for i, (absolute, raw) in enumerate(zip(r.matches["link"], r.matches_raw["link"])):
            counts["links"] += 1
            if i in r.unresolved["link"]:
                counts["unresolved"] += 1
                assert absolute == raw
                continue
            decoded = html.unescape(raw)
            joined = urllib.parse.urljoin(base, decoded)
            if absolute == joined:
                counts["equal"] += 1
                continue
            why = _why_differs(raw, decoded, absolute, joined)
            if why is None:
                unexplained.append((name, raw, absolute, joined))
            counts[why] = counts.get(why, 0) + 1
    print("corpus links vs urljoin:", counts)
    assert not unexplained, unexplained[:5]
    assert counts["equal"] > 0.9 * counts["links"], counts


def _corpus_dir():
    return Path(os.environ.get("TRAWL_CORPUS") or Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
                / "readability")
