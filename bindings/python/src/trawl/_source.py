# SPDX-License-Identifier: Apache-2.0
"""LazySource: a Python iterator as the batch's URL source (trawl_batch_start_source).

The library calls the source on its intake thread only as the batch has room for more URLs
(at most 4 x concurrency, and at least 1,024, ahead of the results taken), so a generator of
any length is read as the crawl goes, as joblib's pre_dispatch does, and never held whole.
"""

import ctypes
import threading
from typing import Iterator, Optional

from . import _lib

# Sources whose callback the library may still call: a cancelled batch does not wait for a
# call blocked in the iterator, so the callback must outlive its BatchStream until that call
# returns.
_live = set()
_live_lock = threading.Lock()


class LazySource:
    """Wraps `iterator` as a trawl_url_source_fn; `error` holds what stopped it early."""

    def __init__(self, iterator: Iterator):
        self._iterator = iterator
        self._current: Optional[bytes] = None
        self._in_call = False
        self._released = False
        self.read = 0
        self.error: Optional[BaseException] = None
        self.callback = _lib.URL_SOURCE_FN(self._next)
        with _live_lock:
            # Sources released while the library was inside their callback are dropped now,
            # never from inside the callback itself (ctypes must not free a running thunk).
            for old in [s for s in _live if s._released and not s._in_call]:
                _live.discard(old)
            _live.add(self)

    def _next(self, _user_data, url_out) -> int:
        with _live_lock:
            self._in_call = True
        try:
            try:
                u = next(self._iterator)
            except StopIteration:
                self._end()
                return 0
            if not isinstance(u, str):
                raise TypeError(f"URLs must be str, got {type(u).__name__}")
            # Kept alive until the next call: the library copies it before asking again.
            self._current = u.encode("utf-8", "surrogatepass")
            url_out[0] = self._current
            self.read += 1
            return 1
        except BaseException as e:  # noqa: BLE001 - any failure of the caller's iterator ends the input
            self.error = e
            self._current = f"{type(e).__name__}: {e}".encode("utf-8", "replace")
            url_out[0] = self._current
            self._end()
            return -1
        finally:
            with _live_lock:
                self._in_call = False

    def _end(self) -> None:
        self._iterator = iter(())

    def release(self) -> None:
        """The batch was freed: drop the callback unless the library is inside it now."""
        with _live_lock:
            self._released = True
            if not self._in_call:
                _live.discard(self)
