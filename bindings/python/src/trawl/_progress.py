# SPDX-License-Identifier: Apache-2.0
"""What a crawl tells its user as results arrive, on the thread that iterates: joblib's
`verbose` lines through sys.stderr / sys.stdout (so Jupyter shows them and
contextlib.redirect_stderr captures them), a `progress=` callback, or a tqdm bar."""

import inspect
import os
import sys
import time
from typing import Any, Callable, Dict, Optional, Union

ProgressArg = Union[None, str, Callable[[int, int, Any], Any]]


def effective_jobs(n_jobs: int) -> int:
    """joblib's effective_n_jobs, as libtrawl resolves `jobs` (-1 all cores, -2 all but one)."""
    cores = os.cpu_count() or 1
    return max(1, cores + 1 + n_jobs if n_jobs < 0 else n_jobs)


def _short_time(t: float) -> str:
    """joblib's short_format_time."""
    return f"{t / 60:4.1f}min" if t > 60 else f"{t:5.1f}s"


def _filtered(index: int, verbose: int) -> bool:
    """joblib's _verbosity_filter: True hides the line of result `index` (0-based)."""
    if verbose > 10 or index == 0:
        return False
    v = 0.5 * (11 - verbose) ** 2
    return int((index / v) ** 0.5) == int(((index + 1) / v) ** 0.5)


def _tqdm_bar(total: int):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress='tqdm' needs the tqdm package (pip install tqdm)") from None
    return tqdm(total=total, unit="url")


class Reporter:
    """One batch's progress: `step` after each result the iterator receives."""

    def __init__(self, *, verbose: int, progress: ProgressArg, total: Optional[int], n_jobs: int,
                 backend: str):
        if not isinstance(verbose, int) or isinstance(verbose, bool) or verbose < 0:
            raise TypeError(f"option 'verbose' takes an int >= 0, got {verbose!r}")
        if progress is not None and progress != "tqdm" and not callable(progress):
            raise TypeError("progress must be a callable(done, total, result) or 'tqdm', "
                            f"got {progress!r}")
        self.verbose, self.total, self.done = verbose, total, 0
        self._callback = progress if callable(progress) else None
        # A callback with a `concurrency` parameter (or **kwargs) also gets the batch's
        # transfers in flight and their limit, read as the result arrives.
        self._wants_flight = self._callback is not None and _takes_concurrency(self._callback)
        self._bar = _tqdm_bar(total) if progress == "tqdm" else None
        # Set by the stream once its batch runs: () -> {"limit", "running", "adaptive"}.
        self.flight: Optional[Callable[[], Dict[str, Any]]] = None
        # total is None for a lazily read iterable: known only once it ends.
        self._jobs = effective_jobs(n_jobs) if total is None else min(effective_jobs(n_jobs), max(1, total))
        self._start = time.monotonic()
        self._print(f"Using backend {backend.capitalize()}Backend with {self._jobs} "
                    "concurrent workers.")

    def _print(self, message: str) -> None:
        if not self.verbose:
            return
        # Looked up on each line, so that redirect_stderr / redirect_stdout are honoured.
        out = sys.stdout if self.verbose >= 50 else sys.stderr
        out.write(f"[trawl(n_jobs={self._jobs})]: {message}\n")
        out.flush()

    def step(self, result: Any) -> None:
        self.done += 1
        flight = self.flight() if self.flight is not None and (self._wants_flight or self._bar is not None) else None
        if self._bar is not None:
            if flight is not None:
                self._bar.set_postfix(in_flight=flight["running"], limit=flight["limit"], refresh=False)
            self._bar.update(1)
        if self._callback is not None:
            if self._wants_flight:
                self._callback(self.done, self.total, result, concurrency=flight)
            else:
                self._callback(self.done, self.total, result)
        if self.total is None:
            # joblib's lines for a generator of unknown length.
            if self.verbose and not _filtered(self.done - 1, self.verbose):
                self._print(f"Done {self.done:4d} tasks      | elapsed: "
                            f"{_short_time(time.monotonic() - self._start)}")
            return
        if not self.verbose or (self.done < self.total and _filtered(self.done - 1, self.verbose)):
            return
        elapsed = time.monotonic() - self._start
        line = f"Done {self.done:3d} out of {self.total:3d} | elapsed: {_short_time(elapsed)}"
        if self.done == self.total:
            line += " finished"
        else:
            line += f" remaining: {_short_time(elapsed / self.done * (self.total - self.done))}"
        self._print(line)

    def close(self) -> None:
        bar, self._bar = self._bar, None
        if bar is not None:
            bar.close()


def _takes_concurrency(callback: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return False  # a builtin without a signature: called with three arguments
    return any(p.name == "concurrency" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               or p.kind == p.VAR_KEYWORD for p in params)


def quiet(total: Optional[int]) -> Reporter:
    return Reporter(verbose=0, progress=None, total=total, n_jobs=1, backend="thread")


ReporterFactory = Optional[Callable[[int], Reporter]]
