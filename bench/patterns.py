# SPDX-License-Identifier: Apache-2.0
"""The two default patterns of trawl, as the Python baseline writes them (issue 2)."""
import re

BUTTON = r"""<button\s(?:.*?\s)*?id=['"](.*?)['"].*?>"""
LINK = r"""<a\s(?:.*?\s)*?href=['"](.*?)['"].*?>"""

# name -> (regex, flags), in the order trawl reports them.
PATTERNS = {"button": (BUTTON, re.IGNORECASE), "link": (LINK, 0)}


def extract(text):
    """What the baseline's crawl() computes from a page's text."""
    return {"button": re.findall(BUTTON, text, re.IGNORECASE), "link": re.findall(LINK, text)}
