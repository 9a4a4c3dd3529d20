# SPDX-License-Identifier: Apache-2.0
"""BatchStream: the results of one running batch, pulled with trawl_batch_next."""

import ctypes
import json
from typing import Any, Callable, Dict, Iterable, Iterator, Optional, Tuple

from . import _lib
from ._progress import Reporter, quiet
from ._errors import error_for
from ._result import Result, check, from_handle, raw_from_handle
from ._source import LazySource

lib = _lib.lib

# How long one trawl_batch_next call may block. ctypes drops the GIL during the call; between
# calls Python runs its signal handlers, so Ctrl-C is seen within this many milliseconds.
_POLL_MS = 100


class BatchStream:
    """The results of one running batch, as an iterator of Result.

    The batch runs on trawl's threads without the GIL and hands results out as they complete;
    with `ordered` this iterator holds early ones back and yields input order. It waits in
    short slices so that KeyboardInterrupt arrives promptly, and then cancels the batch.
    Every result is reported to `reporter` as it arrives, on the iterating thread.
    """

    def __init__(self, crawler_handle, urls: Iterable[str], ordered: bool,
                 reporter: Optional[Reporter] = None,
                 on_close: Optional[Callable[[Dict[str, Any]], None]] = None):
        self._batch = None
        self._stats: Optional[Dict[str, Any]] = None
        self._on_close = on_close
        self._source: Optional[LazySource] = None
        self._input_error_raised = False
        if isinstance(urls, LazySource):
            # Read by the library as it has room (trawl_batch_start_source): the total is
            # known only once the input ends.
            self._source = urls
            self.total: Optional[int] = None
            self.ordered: bool = ordered
            self._reporter = reporter or quiet(None)
            self._held: Dict[int, Result] = {}
            self._next_index = 0
            batch = ctypes.c_void_p()
            try:
                check(lib.trawl_batch_start_source(crawler_handle, urls.callback, None, ctypes.byref(batch)),
                      lambda: lib.trawl_last_error().decode())
            except BaseException:
                self._reporter.close()
                urls.release()
                raise
            self._batch = batch
            self._reporter.flight = self.concurrency
            return
        if isinstance(urls, (str, bytes)):
            raise TypeError("urls must be an iterable of URLs, not a single string")
        encoded = []
        for u in urls:
            if not isinstance(u, str):
                raise TypeError(f"URLs must be str, got {type(u).__name__}")
            encoded.append(u.encode("utf-8"))
        self.total = len(encoded)
        self.ordered = ordered
        self._reporter = reporter or quiet(self.total)
        self._held = {}
        self._next_index = 0
        array = (ctypes.c_char_p * max(1, len(encoded)))(*encoded)
        batch = ctypes.c_void_p()
        try:
            # A failed start hands back no batch to hold its message: the library keeps it per thread.
            check(lib.trawl_batch_start(crawler_handle, array, len(encoded), ctypes.byref(batch)),
                  lambda: lib.trawl_last_error().decode())
        except BaseException:
            self._reporter.close()
            raise
        self._batch = batch
        self._reporter.flight = self.concurrency

    def __iter__(self) -> Iterator[Result]:
        return self

    def __next__(self) -> Result:
        try:
            if not self.ordered:
                r = self._pull()
                if r is None:
                    raise StopIteration
                return r
            while self._next_index not in self._held:
                r = self._pull()
                if r is None:
                    raise StopIteration
                self._held[r.index] = r
            self._next_index += 1
            return self._held.pop(self._next_index - 1)
        except StopIteration:
            self.close()
            raise
        except BaseException:
            # KeyboardInterrupt (or anything else) while waiting: stop the batch cleanly.
            self.close()
            raise

    def _pull(self) -> Optional[Result]:
        """The next result to complete, or None when the batch has handed out every one."""
        r = self._take(from_handle)
        if r is not None:
            self._reporter.step(r)
        return r

    def raw_rows(self) -> Iterator[Tuple[int, float, bytes]]:
        """Every result as (index, elapsed, JSON bytes) in completion order, with no Result
        made and no progress reported: what a Dask or Ray task sends back (from_raw parses
        it on the caller's side). Closes the batch at the end or when dropped."""
        try:
            while True:
                row = self._take(raw_from_handle)
                if row is None:
                    return
                yield row
        finally:
            self.close()

    def _take(self, convert: Callable[[ctypes.c_void_p], Any]) -> Any:
        """convert(handle) of the next result to complete (freed after), or None at the end."""
        if self._batch is None:
            return None
        out = ctypes.c_void_p()
        while True:
            status = lib.trawl_batch_next(self._batch, ctypes.byref(out), _POLL_MS)
            if status == _lib.OK:
                try:
                    return convert(out)
                finally:
                    lib.trawl_result_free(out)
            if status == _lib.DONE:
                self._raise_input_error()
                return None
            if status != _lib.TIMED_OUT:
                check(status)

    def _raise_input_error(self) -> None:
        """After the last result: the input ended early, because the caller's iterator
        failed or because the library stopped reading it (a URL other than the journal's).
        Raised once."""
        source = self._source
        if source is None or self._batch is None or self._input_error_raised:
            return
        why = lib.trawl_batch_input_error(self._batch)
        error, source.error = source.error, None
        if error is None and why is None:
            return
        self._input_error_raised = True
        raise error_for(38, "input_error", (why or b"").decode(errors="replace")
                        or f"the URL iterable raised {type(error).__name__}") from error

    def write(self, fd: int, format: str = "jsonl") -> None:
        """Writes every result not yet taken to the open descriptor `fd`, as JSON lines or one
        JSON array, in the batch's order, and returns when the batch is done: the library
        writes (trawl_batch_write), no Result objects are made."""
        if self._batch is None:
            raise ValueError("the batch is closed")
        try:
            check(lib.trawl_batch_write(self._batch, fd, format.encode("ascii")))
            self._raise_input_error()
        finally:
            self.close()

    def cancel(self) -> None:
        """Asks the batch to stop; the remaining URLs come back as Cancelled results."""
        if self._batch is not None:
            lib.trawl_batch_cancel(self._batch)

    def stats(self) -> Dict[str, Any]:
        """What the batch did (so far, while it runs; all of it once done): the JSON object of
        trawl_batch_stats_json as a dict ("pages_per_second", "bytes", "statuses", "errors",
        "retries", "robots_refusals", "seconds", "top_hosts", ...; docs/politeness.md)."""
        if self._batch is None:
            return dict(self._stats or {})
        n = ctypes.c_size_t()
        ptr = lib.trawl_batch_stats_json(self._batch, ctypes.byref(n))
        return json.loads(ctypes.string_at(ptr, n.value)) if ptr else {}

    def concurrency(self) -> Dict[str, Any]:
        """Transfers in flight now and their limit, from any thread: {"limit", "running",
        "adaptive"} (trawl_batch_concurrency; with concurrency="auto" the limit moves,
        docs/concurrency.md). Once the batch is closed, the limit it ended with and 0 running."""
        if self._batch is None:
            c = (self._stats or {}).get("concurrency") or {}
            return {"limit": c.get("limit", 0), "running": 0, "adaptive": c.get("mode") == "auto"}
        limit, running, adaptive = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_int()
        check(lib.trawl_batch_concurrency(self._batch, ctypes.byref(limit), ctypes.byref(running),
                                          ctypes.byref(adaptive)))
        return {"limit": limit.value, "running": running.value, "adaptive": bool(adaptive.value)}

    def close(self) -> None:
        """Cancels the batch if it still runs and frees it (its stats are kept)."""
        if self._batch is not None:
            self._stats = self.stats()
        batch, self._batch = self._batch, None
        if batch is not None:
            lib.trawl_batch_free(batch)
            if self._source is not None:
                self._source.release()
            self._reporter.close()
            if self._on_close is not None and self._stats is not None:
                self._on_close(self._stats)

    __del__ = close
