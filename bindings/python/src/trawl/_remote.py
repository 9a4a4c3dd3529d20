# SPDX-License-Identifier: Apache-2.0
"""What a Dask or Ray worker runs for one chunk of a batch: trawl's own thread backend over
the chunk's URLs, with the batch's settings shipped once per batch (a scattered Dask future or
a Ray object reference) and its Crawler (compiled patterns) built once per worker process.

This module is imported on the workers by the engines' pickling (by reference), so a worker
without trawl-crawler fails to load it; the client turns that into one BackendUnavailable.
"""

import os
import threading
import time
from collections import OrderedDict
from typing import Any, Dict, List, Tuple

# Crawlers of the last few batches, by batch token: a worker runs many chunks of one batch and
# compiles its patterns once. A few entries, so batches that run side by side share a worker.
_CACHE_SIZE = 4
_cache: "OrderedDict[str, Any]" = OrderedDict()
_lock = threading.Lock()
# Settings a Dask worker plugin installed on this worker, by batch token.
_installed: Dict[str, Dict[str, Any]] = {}


def _crawler_for(shipped: Dict[str, Any]):
    from . import Crawler, __version__
    from ._errors import BackendUnavailable
    if shipped["version"] != __version__:
        # Different libraries may extract differently; never mix them in one batch silently.
        raise BackendUnavailable(
            f"this worker has trawl-crawler {__version__} but the batch was started with "
            f"{shipped['version']}: install the same version on every worker", code=8,
            name="backend_unavailable")
    token = shipped["token"]
    with _lock:
        crawler = _cache.get(token)
        if crawler is None:
            crawler = Crawler(**shipped["kwargs"])
            _cache[token] = crawler
            while len(_cache) > _CACHE_SIZE:
                # A Crawler stays valid for batches still running on it (close frees lazily).
                _cache.popitem(last=False)
        else:
            _cache.move_to_end(token)
        return crawler


def run_chunk(shipped: Dict[str, Any],
              urls: List[str]) -> Tuple[float, List[Tuple[int, float, bytes]]]:
    """Crawls `urls` on this worker; returns (crawl seconds, [(index in `urls`, elapsed,
    the library's JSON of the result)]): bytes travel back, not Result objects, so the
    worker neither parses nor pickles matches. Raises only for the batch's own errors (a
    version mismatch), never for a failed URL, whose JSON carries its error."""
    start = time.monotonic()
    marker = shipped.get("crash_marker")
    if marker and any(marker in u for u in urls):
        # Test hook (TRAWL_TEST_CRASH_MARKER in the submitting process, as the debug library
        # has for the process backend): the worker dies as a crashing page would kill it.
        os._exit(70)
    crawler = _crawler_for(shipped)
    rows = list(crawler.stream(urls, ordered=False).raw_rows())
    return time.monotonic() - start, rows


def install(shipped: Dict[str, Any]) -> None:
    """Keeps a batch's settings on this worker (Dask's ShippedSettings plugin)."""
    _installed[shipped["token"]] = shipped


def uninstall(token: str) -> None:
    """Forgets a finished batch's settings and its Crawler."""
    _installed.pop(token, None)
    with _lock:
        _cache.pop(token, None)


def run_installed(token: str, urls: List[str]) -> Tuple[float, List[Tuple[int, float, bytes]]]:
    """run_chunk with the settings installed on this worker for batch `token`."""
    shipped = _installed.get(token)
    if shipped is None:
        from ._errors import InternalError
        raise InternalError(f"the settings of batch {token} never reached this worker (its "
                            "worker plugin did not run here)", code=7, name="internal")
    return run_chunk(shipped, urls)
