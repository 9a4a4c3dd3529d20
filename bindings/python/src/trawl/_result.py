# SPDX-License-Identifier: Apache-2.0
"""Result, the Python view of a trawl_result, and the mapping of C statuses to exceptions."""

import ctypes
import json
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from . import _lib
from ._errors import TrawlError, error_for

lib = _lib.lib

# snake_case status name -> number, read from the library itself.
_CODES = {lib.trawl_status_name(c).decode(): c for c in range(64)}
_CODES.pop("unknown", None)


@dataclass
class Result:
    """Everything trawl learnt about one URL (the C API's trawl_result).

    `index` is the URL's position in the batch; `status` the HTTP status (None when no
    response arrived); `elapsed` seconds; `attempts` the HTTP attempts made (1 without
    retries, 0 when the URL never reached a fetch lane); `error` None or the URLError saying why the URL
    failed; `matches` `{pattern: re.findall-style list}`, with every pattern present. With
    the `absolute_links` option, the patterns it names hold absolute URLs in `matches`, their
    matches as written in `matches_raw`, and in `unresolved` the indexes of those that could
    not be resolved (kept as written); both are empty dicts without it. With the `follow`
    option, `depth` is the number of links followed from a seed to reach the page (0 for a
    seed), `parent` the index of the result of the page it was found on and `parent_url`
    that page's URL (-1 and None for a seed, and without follow).
    """

    index: int
    url: str
    final_url: Optional[str]
    status: Optional[int]
    content_type: Optional[str]
    charset: Optional[str]
    bytes: int
    elapsed: float
    error: Optional[TrawlError]
    matches: Dict[str, list] = field(default_factory=dict)
    attempts: int = 1
    matches_raw: Dict[str, list] = field(default_factory=dict)
    unresolved: Dict[str, List[int]] = field(default_factory=dict)
    depth: int = 0
    parent: int = -1
    parent_url: Optional[str] = None

    @property
    def ok(self) -> bool:
        """True when the URL was fetched and every pattern ran."""
        return self.error is None

    def as_baseline(self) -> Dict[str, Dict[str, list]]:
        """`{url: {"button": [...], "link": [...]}}`, the joblib idiom's shape."""
        return {self.url: self.matches}


def check(status: int, message_source: Optional[Callable[[], str]] = None) -> None:
    """Raises the exception for a failed C call (`message_source` gives its message)."""
    if status == _lib.OK:
        return
    message = message_source() if message_source else lib.trawl_strerror(status).decode()
    raise error_for(status, lib.trawl_status_name(status).decode(), message)


def raw_from_handle(handle: ctypes.c_void_p) -> Tuple[int, float, bytes]:
    """(index, elapsed, JSON bytes) of a trawl_result: what a Dask or Ray task sends back,
    parsed by from_raw on the caller's side only (no Result objects to pickle)."""
    n = ctypes.c_size_t()
    ptr = lib.trawl_result_json(handle, ctypes.byref(n))
    return (lib.trawl_result_index(handle), lib.trawl_result_elapsed(handle),
            ctypes.string_at(ptr, n.value))


def from_raw(index: int, elapsed: float, raw: bytes) -> Result:
    """The Result of a trawl_result's JSON rendering."""
    row = json.loads(raw)
    err = row["error"]
    error = None
    if err is not None:
        error = error_for(_CODES.get(err["code"], -1), err["code"], err["message"])
    matches = {name: [tuple(m) if isinstance(m, list) else m for m in found]
               for name, found in row["matches"].items()}
    return Result(index=index, url=row["url"], final_url=row["final_url"],
                  status=row["status"], content_type=row["content_type"], charset=row["charset"],
                  bytes=row["bytes"], elapsed=elapsed, error=error,
                  matches=matches, attempts=row.get("attempts", 1),
                  matches_raw=row.get("matches_raw", {}), unresolved=row.get("unresolved", {}),
                  depth=row.get("depth", 0), parent=row.get("parent", -1),
                  parent_url=row.get("parent_url"))


def from_handle(handle: ctypes.c_void_p) -> Result:
    """Reads a trawl_result through its JSON rendering: one foreign call per result."""
    return from_raw(*raw_from_handle(handle))
