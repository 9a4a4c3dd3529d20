# SPDX-License-Identifier: Apache-2.0
"""backend="dask" and backend="ray": what a Crawler keeps for them, and how one of its batches
starts on the engine (engine adapters in _dask.py / _ray.py, the batch in _task_stream.py)."""

import os
import uuid
from typing import Any, Dict, List, Optional

from ._budgets import strict, task_kwargs
from ._chunks import ChunkSizer
from ._errors import InvalidArgument
from ._progress import ProgressArg, Reporter
from ._task_stream import TaskStream

ENGINES = ("dask", "ray")
# The Python-only keyword arguments of these backends (the library never sees them).
ENGINE_KWARGS = ("client", "chunk_size", "chunk_seconds")


def _invalid(message: str) -> InvalidArgument:
    return InvalidArgument(message, code=1, name="invalid_argument")


class EngineBackend:
    """A Crawler's dask or ray backend: its settings, and where its batches run."""

    def __init__(self, backend: str, kwargs: Dict[str, Any], jobs: int, verbose: int,
                 client: Any = None, chunk_size: Optional[int] = None,
                 chunk_seconds: float = 2.0):
        if client is not None and backend != "dask":
            raise _invalid("client= is for backend='dask' (ray uses its ray.init() session)")
        if chunk_size is not None and (not isinstance(chunk_size, int)
                                       or isinstance(chunk_size, bool) or chunk_size < 1):
            raise _invalid(f"chunk_size must be an int >= 1 or None, got {chunk_size!r}")
        if (isinstance(chunk_seconds, bool) or not isinstance(chunk_seconds, (int, float))
                or not 0 < chunk_seconds <= 3600):
            raise _invalid(f"chunk_seconds must be seconds in (0, 3600], got {chunk_seconds!r}")
        self.backend = backend
        self._kwargs = kwargs
        self._jobs = jobs
        self._verbose = verbose
        self._client = client
        self._chunk_size = chunk_size
        self._chunk_seconds = float(chunk_seconds)
        # Refused now, not at the first batch: options no task could honour.
        task_kwargs(kwargs, backend, 1)

    def _engine(self):
        if self.backend == "dask":
            from ._dask import DaskEngine
            return DaskEngine(self._client)
        from ._ray import RayEngine
        attempts = self._kwargs.get("max_attempts") or 2
        return RayEngine(retries=attempts)

    def _slots(self, cluster: int) -> int:
        n = self._jobs
        if n < 0:
            return max(1, cluster + 1 + n)
        return max(1, min(n, cluster))

    def stream(self, urls: List[str], ordered: bool, progress: ProgressArg,
               empty_matches: Dict[str, list]) -> TaskStream:
        engine = self._engine()
        cluster = engine.slots()
        kwargs, tasks = task_kwargs(self._kwargs, self.backend, self._slots(cluster))
        engine.check_workers()
        from . import __version__
        shipped = {"token": uuid.uuid4().hex, "version": __version__, "kwargs": kwargs,
                   "crash_marker": os.environ.get("TRAWL_TEST_CRASH_MARKER")}
        # Two chunks per slot keep workers busy across the round trip; exactly one when a
        # budget was divided by the number of tasks running, or n_jobs leaves slots free.
        in_flight = tasks if strict(self._kwargs) or tasks < cluster else 2 * tasks
        reporter = Reporter(verbose=self._verbose, progress=progress, total=len(urls),
                            n_jobs=tasks, backend=self.backend)
        try:
            return TaskStream(engine, shipped, urls, ordered,
                              ChunkSizer(tasks, self._chunk_seconds, self._chunk_size),
                              in_flight, empty_matches, reporter)
        except BaseException:
            reporter.close()
            raise
