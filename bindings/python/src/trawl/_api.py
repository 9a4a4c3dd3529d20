# SPDX-License-Identifier: Apache-2.0
"""The Pythonic API over the C handles: Crawler, crawl, crawl_results, extract."""

import ctypes
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from . import _lib
from ._errors import InvalidArgument, TrawlError, error_for

lib = _lib.lib

# How long one trawl_batch_next call may block. ctypes drops the GIL during the call; between
# calls Python runs its signal handlers, so Ctrl-C is seen within this many milliseconds.
_POLL_MS = 100

# The Python `re` flags trawl honours (re.U is the default for str patterns).
_FLAG_MASK = int(re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE | re.VERBOSE | re.ASCII)

_RETURN_AS = ("list", "generator", "generator_unordered")

# snake_case status name -> number, read from the library itself.
_CODES = {lib.trawl_status_name(c).decode(): c for c in range(64)}
_CODES.pop("unknown", None)

PatternLike = Union[str, "re.Pattern[str]", tuple]


@dataclass
class Result:
    """Everything trawl learnt about one URL (the C API's trawl_result)."""

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

    @property
    def ok(self) -> bool:
        """True when the URL was fetched and every pattern ran."""
        return self.error is None

    def as_baseline(self) -> Dict[str, Dict[str, list]]:
        """`{url: {"button": [...], "link": [...]}}`, the joblib idiom's shape."""
        return {self.url: self.matches}


def _check(status: int, message_source=None) -> None:
    if status == _lib.OK:
        return
    message = message_source() if message_source else lib.trawl_strerror(status).decode()
    raise error_for(status, lib.trawl_status_name(status).decode(), message)


def _result_from_handle(handle: ctypes.c_void_p) -> Result:
    """Reads a trawl_result through its JSON rendering: one foreign call per result."""
    n = ctypes.c_size_t()
    ptr = lib.trawl_result_json(handle, ctypes.byref(n))
    row = json.loads(ctypes.string_at(ptr, n.value))
    err = row["error"]
    error = None
    if err is not None:
        error = error_for(_CODES.get(err["code"], -1), err["code"], err["message"])
    matches = {name: [tuple(m) if isinstance(m, list) else m for m in found]
               for name, found in row["matches"].items()}
    return Result(index=lib.trawl_result_index(handle), url=row["url"], final_url=row["final_url"],
                  status=row["status"], content_type=row["content_type"], charset=row["charset"],
                  bytes=row["bytes"], elapsed=lib.trawl_result_elapsed(handle), error=error,
                  matches=matches)


def _pattern_source(name: str, pattern: PatternLike):
    if isinstance(pattern, re.Pattern):
        source, flags = pattern.pattern, int(pattern.flags)
    elif isinstance(pattern, tuple) and len(pattern) == 2:
        source, flags = pattern[0], int(pattern[1])
    else:
        source, flags = pattern, 0
    if not isinstance(source, str):
        raise TypeError(f"pattern {name!r}: expected a str regex or a compiled str pattern, "
                        f"got {type(source).__name__}")
    if flags & ~_FLAG_MASK:
        raise InvalidArgument(f"pattern {name!r}: flags 0x{flags & ~_FLAG_MASK:x} are not supported "
                              "(trawl honours re.I, re.M, re.S, re.X, re.A and re.U)",
                              code=1, name="invalid_argument")
    return source, flags


class Crawler:
    """Options and compiled patterns, reusable for any number of crawls and extractions.

    Thread-safe: several threads may crawl and extract with one Crawler at once. Options are
    the C API's option names (docs/c-api.md): `jobs`, `concurrency`, `timeout`,
    `connect_timeout`, `max_bytes`, `user_agent`, `header` (a str or a list), `decode`, ...
    """

    def __init__(self, *, patterns: Optional[Dict[str, PatternLike]] = None,
                 default_patterns: bool = True, **options: Any):
        self._kwargs = dict(options, patterns=patterns, default_patterns=default_patterns)
        self._handle = None
        opts = ctypes.c_void_p()
        _check(lib.trawl_options_new(ctypes.byref(opts)))
        try:
            self._configure(opts, patterns, default_patterns, options)
            handle = ctypes.c_void_p()
            status = lib.trawl_crawler_new(opts, ctypes.byref(handle))
            self._handle = handle if handle.value else None
            _check(status, lambda: lib.trawl_crawler_last_error(handle).decode())
        finally:
            lib.trawl_options_free(opts)

    @staticmethod
    def _configure(opts, patterns, default_patterns, options) -> None:
        def last_error():
            return lib.trawl_options_last_error(opts).decode()

        def set_one(key: str, value: Any) -> None:
            k = key.encode()
            if isinstance(value, (list, tuple)):
                for v in value:
                    set_one(key, v)
                return
            if value is None:
                return
            if isinstance(value, bool) or isinstance(value, int):
                status = lib.trawl_options_set_int(opts, k, int(value))
            elif isinstance(value, float):
                status = lib.trawl_options_set_double(opts, k, value)
            elif isinstance(value, str):
                status = lib.trawl_options_set_str(opts, k, value.encode())
            else:
                raise TypeError(f"option {key!r}: unsupported value type {type(value).__name__}")
            _check(status, last_error)

        set_one("default_patterns", bool(default_patterns))
        for key, value in options.items():
            set_one(key, value)
        for name, pattern in (patterns or {}).items():
            source, flags = _pattern_source(name, pattern)
            _check(lib.trawl_options_add_pattern(opts, name.encode(), source.encode(), flags),
                   last_error)

    def close(self) -> None:
        """Frees the compiled patterns now (running crawls keep what they need)."""
        handle, self._handle = self._handle, None
        if handle is not None:
            lib.trawl_crawler_free(handle)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __reduce__(self):
        # Crawlers cross process boundaries (joblib's loky, dask) as their settings.
        kwargs = dict(self._kwargs)
        return (_rebuild_crawler, (kwargs,))

    def _require(self):
        if self._handle is None:
            raise error_for(4, "invalid_state", "the crawler is closed")
        return self._handle

    def stream(self, urls: Iterable[str], *, ordered: bool = True) -> "BatchStream":
        """Starts a batch now and returns an iterator of Result (input order, or completion
        order with ordered=False). Closing the iterator, or dropping it, cancels the batch."""
        return BatchStream(self._require(), urls, ordered)

    def crawl_results(self, urls: Iterable[str], *, return_as: str = "list"):
        """Crawls `urls`; a list of Result in input order, or a generator (see crawl)."""
        return _shape(self, urls, return_as, lambda r: r)

    def crawl(self, urls: Iterable[str], *, return_as: str = "list"):
        """Crawls `urls`; `[{url: {pattern: [matches]}}]` in input order (see trawl.crawl)."""
        return _shape(self, urls, return_as, Result.as_baseline)

    def extract(self, text: str) -> Dict[str, list]:
        """Runs the patterns over `text`, with no network: `{pattern: [matches]}` as re.findall
        gives them. Raises RegexBudgetExceeded if a pattern ran out of budget."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        data = text.encode("utf-8", "surrogatepass")
        out = ctypes.c_void_p()
        _check(lib.trawl_extract(self._require(), data, len(data), ctypes.byref(out)))
        try:
            result = _result_from_handle(out)
        finally:
            lib.trawl_result_free(out)
        if result.error is not None:
            raise result.error
        return result.matches


def _rebuild_crawler(kwargs):
    return Crawler(**kwargs)


class BatchStream:
    """The results of one running batch, pulled with trawl_batch_next.

    The batch runs on trawl's threads without the GIL; this iterator waits for results in
    short slices so that KeyboardInterrupt arrives promptly, and then cancels the batch.
    """

    def __init__(self, crawler_handle, urls: Iterable[str], ordered: bool):
        self._batch = None
        if isinstance(urls, (str, bytes)):
            raise TypeError("urls must be an iterable of URLs, not a single string")
        encoded = []
        for u in urls:
            if not isinstance(u, str):
                raise TypeError(f"URLs must be str, got {type(u).__name__}")
            encoded.append(u.encode("utf-8"))
        self.total = len(encoded)
        self._ordered = ordered
        array = (ctypes.c_char_p * max(1, len(encoded)))(*encoded)
        batch = ctypes.c_void_p()
        _check(lib.trawl_batch_start(crawler_handle, array, len(encoded), ctypes.byref(batch)))
        self._batch = batch

    def __iter__(self) -> Iterator[Result]:
        return self

    def __next__(self) -> Result:
        if self._batch is None:
            raise StopIteration
        out = ctypes.c_void_p()
        try:
            while True:
                status = lib.trawl_batch_next(self._batch, ctypes.byref(out), _POLL_MS)
                if status == _lib.OK:
                    try:
                        return _result_from_handle(out)
                    finally:
                        lib.trawl_result_free(out)
                if status == _lib.DONE:
                    self.close()
                    raise StopIteration
                if status != _lib.TIMED_OUT:
                    _check(status)
        except StopIteration:
            raise
        except BaseException:
            # KeyboardInterrupt (or anything else) while waiting: stop the batch cleanly.
            self.close()
            raise

    def cancel(self) -> None:
        """Asks the batch to stop; the remaining URLs come back as Cancelled results."""
        if self._batch is not None:
            lib.trawl_batch_cancel(self._batch)

    def close(self) -> None:
        """Cancels the batch if it still runs and frees it."""
        batch, self._batch = self._batch, None
        if batch is not None:
            lib.trawl_batch_free(batch)

    __del__ = close


def _shape(crawler: Crawler, urls, return_as: str, convert):
    if return_as not in _RETURN_AS:
        raise ValueError(f"return_as must be one of {', '.join(_RETURN_AS)}, got {return_as!r}")
    # The batch starts here, before the caller iterates, as joblib's generators do.
    stream = crawler.stream(urls, ordered=return_as != "generator_unordered")
    if return_as == "list":
        try:
            return [convert(r) for r in stream]
        finally:
            stream.close()
    return _generate(stream, convert)


def _generate(stream: BatchStream, convert):
    try:
        for r in stream:
            yield convert(r)
    finally:
        stream.close()


def _crawler(backend, n_jobs, concurrency, patterns, default_patterns, timeout, verbose, order,
             options) -> Crawler:
    settings = dict(options)
    settings.update(backend=backend, concurrency=concurrency, timeout=timeout, verbose=verbose,
                    order=order)
    if n_jobs is not None:
        settings["jobs"] = n_jobs
    return Crawler(patterns=patterns, default_patterns=default_patterns, **settings)


def crawl(urls: Iterable[str], *, backend: str = "thread", n_jobs: Optional[int] = -1,
          concurrency: int = 64, patterns: Optional[Dict[str, PatternLike]] = None,
          default_patterns: bool = True, timeout: float = 30, verbose: int = 0,
          return_as: str = "list", **options: Any):
    """Crawls `urls` and returns, for return_as="list", `[{url: {name: [matches], ...}}, ...]`
    in input order: the shape of the joblib + requests + re.findall idiom, with the default
    "button" and "link" patterns unless default_patterns=False. A URL that failed maps to empty
    lists (crawl_results says why).

    backend: "thread" or "process"; n_jobs: joblib's meaning (-1 all cores, -2 all but one);
    concurrency: transfers in flight; patterns: name -> regex str, compiled re.Pattern (its
    flags are kept) or (regex, flags); timeout: seconds per URL; verbose: joblib-style progress
    on stderr; return_as: "list", "generator" (input order) or "generator_unordered"
    (completion order). Other keyword arguments are C API option names (docs/c-api.md).
    Raises InvalidRegex, InvalidArgument, UnknownOption or BackendUnavailable.
    """
    order = "completed" if return_as == "generator_unordered" else "input"
    c = _crawler(backend, n_jobs, concurrency, patterns, default_patterns, timeout, verbose, order,
                 options)
    try:
        return c.crawl(urls, return_as=return_as)
    finally:
        c.close()


def crawl_results(urls: Iterable[str], *, backend: str = "thread", n_jobs: Optional[int] = -1,
                  concurrency: int = 64, patterns: Optional[Dict[str, PatternLike]] = None,
                  default_patterns: bool = True, timeout: float = 30, verbose: int = 0,
                  return_as: str = "list", **options: Any):
    """As crawl, but every element is a Result (status, error, timings, matches)."""
    order = "completed" if return_as == "generator_unordered" else "input"
    c = _crawler(backend, n_jobs, concurrency, patterns, default_patterns, timeout, verbose, order,
                 options)
    try:
        return c.crawl_results(urls, return_as=return_as)
    finally:
        c.close()


def extract(text: str, *, patterns: Optional[Dict[str, PatternLike]] = None,
            default_patterns: bool = True, **options: Any) -> Dict[str, list]:
    """Runs the patterns over `text` (no network): `{name: re.findall(...)}` for each."""
    with Crawler(patterns=patterns, default_patterns=default_patterns, **options) as c:
        return c.extract(text)
