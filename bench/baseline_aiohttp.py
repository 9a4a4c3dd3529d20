#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The best plain-Python peer: asyncio + aiohttp with 64 requests in flight, same regexes.

Usage: baseline_aiohttp.py URL_FILE OUT_JSONL [IN_FLIGHT]
"""
import asyncio
import json
import re
import sys

import aiohttp

IN_FLIGHT = 64
BUTTON = re.compile(r"""<button\s(?:.*?\s)*?id=['"](.*?)['"].*?>""", re.IGNORECASE)
LINK = re.compile(r"""<a\s(?:.*?\s)*?href=['"](.*?)['"].*?>""")


async def crawl(session, gate, url):
    async with gate:
        async with session.get(url) as resp:
            text = await resp.text()
    return {url: {"button": BUTTON.findall(text), "link": LINK.findall(text)}}


async def crawl_all(urls, in_flight=IN_FLIGHT):
    gate = asyncio.Semaphore(in_flight)
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:
        return await asyncio.gather(*(crawl(session, gate, u) for u in urls))


def main():
    url_file, out = sys.argv[1:3]
    with open(url_file) as f:
        urls = [line.strip() for line in f if line.strip()]
    in_flight = int(sys.argv[3]) if len(sys.argv) > 3 else IN_FLIGHT
    results = asyncio.run(crawl_all(urls, in_flight))
    with open(out, "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
