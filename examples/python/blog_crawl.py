# SPDX-License-Identifier: Apache-2.0
"""The blog's per-URL function, as its five programs share it: requests + re.findall for the
two patterns trawl runs by default ("button" ids and "link" hrefs)."""

import re

import requests

BUTTON = re.compile(r"""<button\s(?:.*?\s)*?id=['"](.*?)['"].*?>""", re.IGNORECASE)
LINK = re.compile(r"""<a\s(?:.*?\s)*?href=['"](.*?)['"].*?>""")


def crawl(url):
    text = requests.get(url).text
    return {url: {"button": BUTTON.findall(text), "link": LINK.findall(text)}}
