# SPDX-License-Identifier: Apache-2.0
"""The Pythonic API over the C handles: Crawler, crawl, crawl_results, extract."""

import ctypes
import os
import re
import sys
import warnings
from collections import Counter
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sized, Tuple, Union

from . import _lib
from ._engines import ENGINE_KWARGS, ENGINES, EngineBackend
from ._errors import InvalidArgument, InvalidRegex, OptionTypeError, TrawlWarning, error_for
from ._options import settings
from ._progress import ProgressArg, Reporter
from ._result import Result, check, from_handle
from ._source import LazySource
from ._stream import BatchStream
from ._warc import PathLike, WARCResults

lib = _lib.lib

# The Python `re` flags trawl honours (re.U is the default for str patterns).
_FLAG_MASK = int(re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE | re.VERBOSE | re.ASCII)

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

_RETURN_AS = ("list", "generator", "generator_unordered")
_ERRORS = ("warn", "ignore", "raise", "return")
_ORDERS = {"input": True, "completed": False, 0: True, 1: False}

PatternLike = Union[str, re.Pattern, Tuple[str, int]]
# What crawl and crawl_results return: a list, or a generator for return_as="generator..."
# (real types, not strings, so that help() shows them).
Baseline = Dict[str, Any]
Baselines = Union[List[Baseline], Iterator[Baseline]]
Results = Union[List[Result], Iterator[Result]]
Timeout = Union[float, Tuple[Optional[float], Optional[float]]]


def _pattern_source(name: str, pattern: PatternLike) -> Tuple[str, int]:
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

    Thread-safe: several threads may crawl and extract with one Crawler at once.

    Args:
        patterns: name -> regex str, compiled ``re.Pattern`` (its flags are kept) or
            ``(regex, flags)``; run after the default "button" and "link" patterns.
        default_patterns: False leaves the default patterns out.
        order: "input" (default) or "completed": the order ``stream`` yields results in.
        verbose: joblib's verbosity: progress lines on ``sys.stderr`` (``sys.stdout`` from 50).
        headers: extra request headers as a dict, as requests and httpx take them (kept
            alongside ``header=``, the library's "Name: value" lines).
        timeout: seconds for each URL as a whole, or a ``(connect, read)`` tuple with
            requests' meaning: a connect limit and the longest silence between received bytes
            (whole seconds, libcurl's low-speed limit), with no limit on the whole transfer.
        **options: every option of ``trawl.options()`` by name (the list below).

    Raises:
        TypeError: an option value of the wrong type (the message names the option).
        UnknownOption, InvalidArgument, InvalidRegex, BackendUnavailable: from the library.
    """

    def __init__(self, *, patterns: Optional[Dict[str, PatternLike]] = None,
                 default_patterns: bool = True, order: Union[str, int] = "input",
                 verbose: int = 0, **options: Any):
        self._handle = None
        self._last_stats: Optional[Dict[str, Any]] = None
        if order not in _ORDERS:
            raise InvalidArgument(f"option 'order' must be one of input, completed, got {order!r}",
                                  code=1, name="invalid_argument")
        if not isinstance(verbose, int) or isinstance(verbose, bool):
            raise OptionTypeError(f"option 'verbose' takes an int, got {type(verbose).__name__}",
                                  code=1, name="invalid_argument")
        if not 0 <= verbose <= 1000:
            raise InvalidArgument(f"option 'verbose' must be between 0 and 1000, got {verbose}",
                                  code=1, name="invalid_argument")
        self._ordered = _ORDERS[order]
        self._verbose = verbose
        self._backend = str(options.get("backend") or "thread")
        jobs = options.get("jobs", -1)
        self._jobs = jobs if isinstance(jobs, int) and not isinstance(jobs, bool) else -1
        engine_args = {k: options.pop(k) for k in ENGINE_KWARGS if k in options}
        self._kwargs = dict(options, patterns=patterns, default_patterns=default_patterns,
                            order=order, verbose=verbose)
        self._engine: Optional[EngineBackend] = None
        if self._backend in ENGINES and options.get("follow"):
            # Each remote chunk would follow on its own, with a seen-set of its own.
            raise InvalidArgument(f"follow: the {self._backend} backend does not follow links "
                                  "(backends that do: thread, process, cluster)", code=1, name="invalid_argument")
        if self._backend in ENGINES:
            # The batches run on the cluster; the library here checks options and patterns
            # now (errors at construction, as for every backend) and serves extract().
            self._engine = EngineBackend(self._backend, dict(self._kwargs), self._jobs,
                                         verbose, **engine_args)
            options = dict(options, backend="thread")
        elif engine_args:
            raise InvalidArgument(f"{', '.join(engine_args)}: only for backend='dask' or 'ray'",
                                  code=1, name="invalid_argument")
        pairs = settings(options)
        opts = ctypes.c_void_p()
        check(lib.trawl_options_new(ctypes.byref(opts)))
        try:
            self._configure(opts, patterns, default_patterns, pairs)
            handle = ctypes.c_void_p()
            status = lib.trawl_crawler_new(opts, ctypes.byref(handle))
            self._handle = handle if handle.value else None
            try:
                check(status, lambda: lib.trawl_crawler_last_error(handle).decode())
            except InvalidRegex as e:
                e.pos = lib.trawl_crawler_error_offset(handle)  # as re.error.pos: code points
                raise
        finally:
            lib.trawl_options_free(opts)

    @staticmethod
    def _configure(opts, patterns, default_patterns, pairs: List[Tuple[str, Any]]) -> None:
        def last_error() -> str:
            return lib.trawl_options_last_error(opts).decode()

        def set_one(key: str, value: Any) -> None:
            k = key.encode()
            if isinstance(value, bool) or isinstance(value, int):
                status = lib.trawl_options_set_int(opts, k, int(value))
            elif isinstance(value, float):
                status = lib.trawl_options_set_double(opts, k, value)
            elif isinstance(value, str):
                status = lib.trawl_options_set_str(opts, k, value.encode())
            else:
                raise TypeError(f"option {key!r}: unsupported value type {type(value).__name__}")
            check(status, last_error)

        set_one("default_patterns", bool(default_patterns))
        # The library always hands results out as they complete; BatchStream restores input
        # order where asked, so one crawler serves ordered and unordered iteration alike, and
        # progress counts completions.
        set_one("order", "completed")
        for key, value in pairs:
            set_one(key, value)
        for name, pattern in (patterns or {}).items():
            source, flags = _pattern_source(name, pattern)
            check(lib.trawl_options_add_pattern(opts, name.encode(), source.encode(), flags),
                  last_error)

    def close(self) -> None:
        """Frees the compiled patterns now (running crawls keep what they need)."""
        handle, self._handle = self._handle, None
        if handle is not None:
            lib.trawl_crawler_free(handle)

    __del__ = close

    def __enter__(self) -> "Crawler":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __reduce__(self):
        # Crawlers cross process boundaries (joblib's loky, dask) as their settings.
        return (_rebuild_crawler, (dict(self._kwargs),))

    def _require(self):
        if self._handle is None:
            raise error_for(4, "invalid_state", "the crawler is closed")
        return self._handle

    def stream(self, urls: Iterable[str], *, ordered: Optional[bool] = None,
               progress: ProgressArg = None) -> BatchStream:
        """Starts a batch now and returns an iterator of Result, in input order or (with
        ordered=False) as they complete; ordered defaults to the crawler's `order`. `progress`
        is a callable(done, total, result) or "tqdm", called as results arrive on the thread
        that iterates. Closing the iterator, or dropping it, cancels the batch."""
        if isinstance(urls, (str, bytes)):
            raise TypeError("urls must be an iterable of URLs, not a single string")
        ordered = self._ordered if ordered is None else ordered
        if self._engine is None and not isinstance(urls, Sized):
            # A generator or other iterator is read lazily, as the batch has room for more.
            if not isinstance(urls, Iterable):
                raise TypeError(f"urls must be an iterable of URLs, got {type(urls).__name__}")
            reporter = Reporter(verbose=self._verbose, progress=progress, total=None,
                                n_jobs=self._jobs, backend=self._backend)
            return BatchStream(self._require(), LazySource(iter(urls)), ordered, reporter,
                               on_close=self._keep_stats)
        urls = list(urls)
        if self._engine is not None:
            self._require()
            for u in urls:
                if not isinstance(u, str):
                    raise TypeError(f"URLs must be str, got {type(u).__name__}")
            return self._engine.stream(urls, ordered, progress, self._empty_matches())
        reporter = Reporter(verbose=self._verbose, progress=progress, total=len(urls),
                            n_jobs=self._jobs, backend=self._backend)
        return BatchStream(self._require(), urls, ordered, reporter, on_close=self._keep_stats)

    def _empty_matches(self) -> Dict[str, list]:
        """Every pattern with no match: what a URL the cluster lost maps to."""
        return {name: [] for name in self.extract("")}

    def _keep_stats(self, stats: Dict[str, Any]) -> None:
        self._last_stats = stats

    def stats(self) -> Optional[Dict[str, Any]]:
        """The statistics of this crawler's last finished batch (crawl, crawl_results, write or
        a closed stream) as a dict: "results", "pages", "pages_per_second", "bytes",
        "statuses", "errors" by code, "attempts", "retries", "robots_refusals", "seconds"
        (fetch, decode, extract), "top_hosts"; None before the first (and for batches run by a
        Python engine rather than the library). A running stream has its own stats()."""
        return self._last_stats

    def write(self, urls: Iterable[str], file, *, format: str = "jsonl") -> None:
        """Crawls `urls` and writes every result to `file` (a path, an open descriptor, or an
        object with fileno()) as JSON lines or, with format="json", one JSON array, each as
        soon as it completes (completion order, as return_as="generator_unordered"; every
        object has its "url"). The library writes (trawl_batch_write), so no Result objects
        are made; the call returns when the batch is done."""
        if format not in ("jsonl", "json"):
            raise ValueError(f"format must be 'jsonl' or 'json', got {format!r}")
        if self._engine is not None:
            raise InvalidArgument(f"write() is not available with backend={self._backend!r} "
                                  "(the library writes from its own batch): iterate "
                                  "stream() or crawl_results() instead", code=1,
                                  name="invalid_argument")
        if isinstance(file, (str, os.PathLike)):
            with open(file, "wb") as f:
                self.stream(urls).write(f.fileno(), format)
            return
        fd = file if isinstance(file, int) else file.fileno()
        if hasattr(file, "flush"):
            file.flush()
        self.stream(urls).write(fd, format)

    def crawl_results(self, urls: Iterable[str], *, return_as: str = "list",
                      progress: ProgressArg = None) -> Results:
        """Crawls `urls`; a list of Result in input order, or a generator (see crawl)."""
        return _shape(self, urls, return_as, progress, "return", lambda r: r)

    def crawl(self, urls: Iterable[str], *, return_as: str = "list", progress: ProgressArg = None,
              errors: str = "warn") -> Baselines:
        """Crawls `urls`; `[{url: {pattern: [matches]}}]` in input order (see trawl.crawl)."""
        return _shape(self, urls, return_as, progress, errors, _baseline(errors))

    def extract(self, text: str) -> Dict[str, list]:
        """Runs the patterns over `text`, with no network: `{pattern: [matches]}` as re.findall
        gives them. Raises RegexBudgetExceeded if a pattern ran out of budget."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        data = text.encode("utf-8", "surrogatepass")
        out = ctypes.c_void_p()
        check(lib.trawl_extract(self._require(), data, len(data), ctypes.byref(out)))
        try:
            result = from_handle(out)
        finally:
            lib.trawl_result_free(out)
        if result.error is not None:
            raise result.error
        return result.matches


    def extract_warc(self, path: PathLike) -> WARCResults:
        """Runs the patterns over every response record of the WARC file at `path` (as
        warc= writes them, a whole-file .warc.gz or a plain .warc), with no network: an
        iterator of Result, each processed as the crawl processed the page (content decoding,
        charset, patterns, absolute_links), so its matches are what a crawl with these
        patterns gives. `url` and `final_url` are the record's WARC-Target-URI; `index`
        counts from 0. Opening raises TrawlError (name "io") for a file that cannot be read
        and InputError for one that is not WARC; a truncated record ends the iteration with
        InputError after the results before it (see WARCResults)."""
        if self._engine is not None:
            raise InvalidArgument(f"extract_warc() runs here, not on backend={self._backend!r}: "
                                  "use a crawler without it", code=1, name="invalid_argument")
        return WARCResults(self._require(), path)


def _rebuild_crawler(kwargs: Dict[str, Any]) -> Crawler:
    return Crawler(**kwargs)


def _baseline(errors: str) -> Callable[[Result], Dict[str, Any]]:
    if errors == "return":
        return lambda r: {r.url: r.error if r.error is not None else r.matches}
    return Result.as_baseline


class _Failures:
    """The `errors=` policy, applied to each result as the caller receives it."""

    def __init__(self, errors: str, stream: BatchStream):
        if errors not in _ERRORS:
            stream.close()
            raise ValueError(f"errors must be one of {', '.join(_ERRORS)}, got {errors!r}")
        self.errors, self.stream, self.codes, self.seen = errors, stream, Counter(), 0

    def see(self, r: Result) -> None:
        self.seen += 1
        if r.error is None:
            return
        self.codes[r.error.name] += 1
        if self.errors == "raise":
            # As joblib does with the first failed task: stop the rest, then raise.
            self.stream.close()
            raise r.error

    def finish(self) -> None:
        if self.errors == "warn" and self.codes:
            n = sum(self.codes.values())
            codes = ", ".join(f"{name}: {count}" for name, count in self.codes.most_common())
            total = self.seen if self.stream.total is None else self.stream.total
            warnings.warn(f"{n} of {total} URLs failed ({codes}); their matches are "
                          "empty lists. errors='return' or crawl_results() say why, "
                          "errors='ignore' silences this.", TrawlWarning,
                          stacklevel=_caller_level())


def _caller_level() -> int:
    """The warnings.warn stacklevel of the first frame outside this package."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        level, frame = level + 1, frame.f_back
    return level


def _shape(crawler: Crawler, urls, return_as: str, progress: ProgressArg, errors: str, convert):
    if return_as not in _RETURN_AS:
        raise ValueError(f"return_as must be one of {', '.join(_RETURN_AS)}, got {return_as!r}")
    # The batch starts here, before the caller iterates, as joblib's generators do. A list
    # is gathered as results complete (so errors="raise" fails fast, as joblib does).
    stream = crawler.stream(urls, ordered=return_as == "generator", progress=progress)
    failures = _Failures(errors, stream)
    if return_as == "list":
        try:
            by_index: Dict[int, Result] = {}
            for r in stream:
                failures.see(r)
                by_index[r.index] = r
        finally:
            stream.close()
        failures.finish()
        return [convert(by_index[i]) for i in range(len(by_index))]
    return _generate(stream, failures, convert)


def _generate(stream: BatchStream, failures: _Failures, convert) -> Iterator[Any]:
    try:
        for r in stream:
            failures.see(r)
            yield convert(r)
    finally:
        stream.close()
    failures.finish()


_COMMON_DOC = """
    backend: "thread", "process", "cluster", or "dask" / "ray" (tasks on an existing Dask or Ray
    cluster: client= a distributed.Client, else get_client(); chunk_size= URLs per task, else
    sized to last chunk_seconds=2.0; docs/dask-ray.md); n_jobs: joblib's meaning (-1 all
    cores, or all the cluster's slots; -2 all but one);
    concurrency: transfers in flight, "auto" (the default) adapting up to max_concurrency, or a
    number that pins it (docs/concurrency.md); patterns: name -> regex str, compiled re.Pattern (its
    flags are kept) or (regex, flags); timeout: seconds per URL, or a (connect, read) tuple
    with requests' meaning (see Crawler); headers: a dict of request headers; verbose:
    joblib-style lines on sys.stderr (sys.stdout from 50), starting with "Using backend ...";
    progress: a callable(done, total, result), called on the iterating thread as each result
    arrives (with a `concurrency` parameter it also gets the transfers in flight and their
    limit, {"limit", "running", "adaptive"}), or "tqdm" for a tqdm bar (when tqdm is
    installed; it shows them too); return_as: "list",
    "generator" (input order) or "generator_unordered" (completion order). Other keyword
    arguments are the library's options (trawl.options() lists them; so does help(Crawler)).
"""


def _crawler(backend: str, n_jobs: Optional[int], concurrency: Union[int, str],
             patterns: Optional[Dict[str, PatternLike]], default_patterns: bool, timeout: Timeout,
             verbose: int, options: Dict[str, Any]) -> Crawler:
    settings_ = dict(options, backend=backend, concurrency=concurrency, timeout=timeout)
    if n_jobs is not None:
        settings_["jobs"] = n_jobs
    return Crawler(patterns=patterns, default_patterns=default_patterns, verbose=verbose,
                   **settings_)


def crawl(urls: Iterable[str], *, backend: str = "thread", n_jobs: Optional[int] = -1,
          concurrency: Union[int, str] = "auto", patterns: Optional[Dict[str, PatternLike]] = None,
          default_patterns: bool = True, timeout: Timeout = 30, verbose: int = 0,
          return_as: str = "list", progress: ProgressArg = None, errors: str = "warn",
          **options: Any) -> Baselines:
    c = _crawler(backend, n_jobs, concurrency, patterns, default_patterns, timeout, verbose,
                 options)
    try:
        return c.crawl(urls, return_as=return_as, progress=progress, errors=errors)
    finally:
        c.close()


crawl.__doc__ = """Crawls `urls` and returns, for return_as="list", `[{url: {name: [matches], ...}}, ...]`
    in input order: the shape of the joblib + requests + re.findall idiom, with the default
    "button" and "link" patterns unless default_patterns=False.

    errors: what a failed URL does. "warn" (default): its patterns map to empty lists and one
    TrawlWarning at the end names how many URLs failed and with which codes; "ignore": the
    same without the warning; "raise": the first failure cancels the batch and its error
    (a URLError subclass, e.g. InvalidURL, Timeout) is raised, as joblib raises a failed task's
    exception; "return": the error object stands in place of the URL's match dict.
""" + _COMMON_DOC + """
    Raises InvalidRegex, InvalidArgument, UnknownOption, BackendUnavailable, TypeError.
"""


def crawl_results(urls: Iterable[str], *, backend: str = "thread", n_jobs: Optional[int] = -1,
                  concurrency: Union[int, str] = "auto", patterns: Optional[Dict[str, PatternLike]] = None,
                  default_patterns: bool = True, timeout: Timeout = 30, verbose: int = 0,
                  return_as: str = "list", progress: ProgressArg = None,
                  **options: Any) -> Results:
    c = _crawler(backend, n_jobs, concurrency, patterns, default_patterns, timeout, verbose,
                 options)
    try:
        return c.crawl_results(urls, return_as=return_as, progress=progress)
    finally:
        c.close()


crawl_results.__doc__ = """As crawl, but every element is a Result (status, error, timings,
    matches); a failed URL is a Result whose `error` says why.
""" + _COMMON_DOC


def extract_warc(path: PathLike, *, patterns: Optional[Dict[str, PatternLike]] = None,
                 default_patterns: bool = True, **options: Any) -> WARCResults:
    """Runs the patterns over every response record of a WARC file written by a crawl with
    warc= (no network): an iterator of Result with that crawl's matches, or those of new
    patterns, as a new crawl would find them. Options as for crawl_results (those that shape
    a result: patterns, absolute_links, decode, max_bytes). See Crawler.extract_warc."""
    with Crawler(patterns=patterns, default_patterns=default_patterns, **options) as c:
        # The reader keeps what it needs of the crawler, which is freed here.
        return c.extract_warc(path)


def extract(text: str, *, patterns: Optional[Dict[str, PatternLike]] = None,
            default_patterns: bool = True, **options: Any) -> Dict[str, list]:
    """Runs the patterns over `text` (no network): `{name: re.findall(...)}` for each."""
    with Crawler(patterns=patterns, default_patterns=default_patterns, **options) as c:
        return c.extract(text)
