# SPDX-License-Identifier: Apache-2.0
"""absolute_links and repeated URLs from Python, checked against urllib.parse.urljoin."""

import html
import json
import os
import re
import urllib.parse
import urllib.request

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
