# SPDX-License-Identifier: Apache-2.0
"""trawl: crawl batches of URLs in parallel and extract data with Python-compatible regexes.

    import trawl
    results = trawl.crawl(urls)            # [{url: {"button": [...], "link": [...]}}, ...]
    rich = trawl.crawl_results(urls)       # [Result(url, status, error, elapsed, matches...)]
    trawl.extract(html, patterns={"title": r"<title>(.*?)</title>"})

A binding over libtrawl.so (ctypes); see the repository's docs/c-api.md.
"""

from ._lib import HEADER_VERSION_NUM, LibraryNotFound
from ._lib import lib as _clib
from ._errors import (BackendUnavailable, Cancelled, InternalError, InvalidArgument,
                      InvalidRegex, InvalidState, RegexBudgetExceeded, TrawlError, UnknownOption,
                      URLError)
from ._api import BatchStream, Crawler, Result, crawl, crawl_results, extract

__version__ = _clib.trawl_version().decode()


def shutdown_workers() -> None:
    """Ends the idle worker processes that backend="process" keeps between calls, and waits
    for them. Not needed before exiting: workers exit when their host process goes away."""
    _clib.trawl_pool_shutdown()


version_num = _clib.trawl_version_num()

__all__ = [
    "crawl", "crawl_results", "extract", "shutdown_workers", "Crawler", "Result", "BatchStream",
    "TrawlError", "InvalidArgument", "UnknownOption", "InvalidRegex", "InvalidState",
    "BackendUnavailable", "InternalError", "URLError", "RegexBudgetExceeded", "Cancelled",
    "LibraryNotFound", "HEADER_VERSION_NUM", "__version__", "version_num",
]
