# SPDX-License-Identifier: Apache-2.0
"""WARCResults: the results of a crawler's patterns over a WARC file, pulled with
trawl_warc_next (docs/resume-and-warc.md)."""

import ctypes
import os
from typing import Iterator, Optional, Union

from . import _lib
from ._result import Result, check, from_handle

lib = _lib.lib

PathLike = Union[str, bytes, os.PathLike]


class WARCResults:
    """An iterator of Result, one per response record of a WARC file, read from the file as
    it is iterated: the Result objects a crawl yields, with the crawl's matches.

    The file is opened at once: a missing file raises TrawlError (name "io") and one that is
    not a WARC file InputError, before any iteration. A truncated or damaged record ends the
    iteration with InputError (its message names the file, the byte offset and the records
    read) after every result before it. Closing the iterator (or dropping it, or leaving a
    ``with`` block) closes the file.
    """

    def __init__(self, crawler_handle, path: PathLike):
        self._reader: Optional[ctypes.c_void_p] = None
        self.path = os.fsdecode(path)
        reader = ctypes.c_void_p()
        # A failed open hands back no reader to hold its message: the library keeps it per thread.
        check(lib.trawl_warc_open(crawler_handle, os.fsencode(path), ctypes.byref(reader)),
              lambda: lib.trawl_last_error().decode(errors="replace"))
        self._reader = reader

    def __iter__(self) -> Iterator[Result]:
        return self

    def __next__(self) -> Result:
        reader = self._reader
        if reader is None:
            raise StopIteration
        out = ctypes.c_void_p()
        status = lib.trawl_warc_next(reader, ctypes.byref(out))
        if status == _lib.OK:
            try:
                return from_handle(out)
            finally:
                lib.trawl_result_free(out)
        try:
            if status != _lib.DONE:
                check(status, lambda: lib.trawl_warc_last_error(reader).decode(errors="replace"))
        finally:
            self.close()
        raise StopIteration

    def close(self) -> None:
        """Closes the file; results already yielded stay valid."""
        reader, self._reader = getattr(self, "_reader", None), None
        if reader is not None:
            lib.trawl_warc_close(reader)

    __del__ = close

    def __enter__(self) -> "WARCResults":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
