# SPDX-License-Identifier: Apache-2.0
"""TaskStream: the results of one batch that runs as chunks on a Dask or Ray cluster.

The engine (DaskEngine, RayEngine) places the tasks and retries those whose worker died;
this stream cuts the batch into chunks (ChunkSizer), keeps a bounded number of them in
flight, and turns task outcomes into exactly one Result per URL:
- a finished chunk's results are handed out (duplicates from a chunk that ran twice are
  dropped by index);
- a chunk the engine gave up on because its workers kept dying is split (each part a new
  task), down to single URLs, which then run one at a time with nothing else of the batch
  in flight; a URL lost while alone ends as worker_crashed, as on the process backend, and
  no neighbour that shared a dying worker with it is blamed;
- any other task error (trawl missing or of another version on a worker) ends the batch
  with that error, as joblib re-raises a failed task's exception.
Waiting happens in short slices so that KeyboardInterrupt arrives promptly; it, close(),
and errors="raise" cancel the tasks still queued or running.
"""

from collections import deque
from dataclasses import dataclass
from typing import Any, Deque, Dict, List, Optional

from ._chunks import ChunkSizer
from ._errors import BackendUnavailable, Cancelled, WorkerCrashed
from ._progress import Reporter, quiet
from ._result import Result, from_raw

_POLL_S = 0.1
# A lost chunk is split into at most this many parts: few enough that a large chunk does not
# become thousands of tasks, so a chunk of n URLs reaches its guilty URL in log8(n) rounds.
_SPLIT = 8
# A chunk whose input the engine lost runs again unchanged at most this often, then counts as
# lost (a cluster that keeps losing every worker).
_RESUBMITS = 10


@dataclass
class _Chunk:
    indices: List[int]
    losses: int = 0  # how many times the engine gave up on this chunk's URLs
    resubmits: int = 0  # how many times it ran again as it was (its input was lost)
    # Runs with nothing else in flight, so that a death is pinned on its one URL and not on
    # a neighbour that shared the dying worker (as the process backend retries alone).
    isolated: bool = False


class TaskStream:
    """An iterator of Result over a batch run as engine tasks (see the module doc)."""

    def __init__(self, engine: Any, shipped: Dict[str, Any], urls: List[str], ordered: bool,
                 sizer: ChunkSizer, in_flight: int, empty_matches: Dict[str, list],
                 reporter: Optional[Reporter] = None):
        self.total: int = len(urls)
        self.ordered: bool = ordered
        self._engine = engine
        self._urls = urls
        self._sizer = sizer
        self._in_flight = max(1, in_flight)
        self._empty = empty_matches
        self._reporter = reporter or quiet(self.total)
        self._pending: Dict[Any, _Chunk] = {}
        self._retry: Deque[_Chunk] = deque()
        self._next_url = 0  # the first URL not yet in any chunk
        self._done = bytearray(self.total)
        self._delivered = 0
        self._ready: Deque[Result] = deque()
        self._held: Dict[int, Result] = {}
        self._next_index = 0
        self._closed = False
        #: Task outcomes, for measurements and tests: chunks sent, chunks lost and split.
        self.chunks_sent = 0
        self.chunks_lost = 0
        self._shared = engine.share(shipped) if urls else None

    def __iter__(self):
        return self

    def __next__(self) -> Result:
        try:
            while True:
                if self.ordered:
                    if self._next_index in self._held:
                        self._next_index += 1
                        return self._held.pop(self._next_index - 1)
                elif self._ready:
                    return self._ready.popleft()
                if self._delivered == self.total or self._closed:
                    raise StopIteration
                self._step()
        except BaseException:
            # The end, KeyboardInterrupt while waiting, a batch error: the cluster's work for
            # this batch stops, and the shipped settings are let go.
            self.close()
            raise

    # MARK: Scheduling

    def _step(self) -> None:
        self._fill()
        if not self._pending:
            return
        for future in self._engine.wait(list(self._pending), _POLL_S):
            chunk = self._pending.pop(future, None)
            if chunk is not None:
                self._collect(future, chunk)

    def _fill(self) -> None:
        while len(self._pending) < self._in_flight:
            if any(c.isolated for c in self._pending.values()):
                return
            if self._retry:
                if self._retry[0].isolated and self._pending:
                    return  # it waits until the cluster runs nothing else of this batch
                chunk = self._retry.popleft()
            elif self._next_url < self.total:
                n = self._sizer.next_size(self.total - self._next_url)
                chunk = _Chunk(list(range(self._next_url, self._next_url + n)))
                self._next_url += n
            else:
                return
            future = self._engine.submit(self._shared, [self._urls[i] for i in chunk.indices])
            self._pending[future] = chunk
            self.chunks_sent += 1
            if chunk.isolated:
                return

    def _collect(self, future: Any, chunk: _Chunk) -> None:
        try:
            seconds, rows = self._engine.result(future)
        except Exception as e:
            if self._engine.orphaned(e) and chunk.resubmits < _RESUBMITS:
                chunk.resubmits += 1
                self._retry.append(chunk)
                return
            if isinstance(e, ImportError) and "trawl" in str(e):
                # A worker that joined without the package: the probe at the start saw none.
                raise BackendUnavailable(
                    f"a {self._engine.label} worker cannot import trawl ({e}): pip install "
                    "trawl-crawler on every worker", code=8, name="backend_unavailable") from e
            if not self._engine.lost(e) and not self._engine.orphaned(e):
                raise
            self._lost(chunk, e)
            return
        self._sizer.observe(len(chunk.indices), seconds)
        for index, elapsed, raw in rows:
            i = chunk.indices[index]
            if not self._done[i]:
                self._deliver(from_raw(i, elapsed, raw))

    def _lost(self, chunk: _Chunk, error: BaseException) -> None:
        self.chunks_lost += 1
        losses = chunk.losses + 1
        todo = [i for i in chunk.indices if not self._done[i]]
        if not todo:
            return
        if len(todo) == 1 and chunk.isolated:
            # Alone on the cluster, and the engine gave up on it after its own retries: this
            # URL takes workers down with it.
            i = todo[0]
            self._deliver(self._failed(i, WorkerCrashed(
                f"the {self._engine.label} workers running this URL died ({losses} times the "
                f"engine gave up on it after its own retries; last: {error})",
                code=32, name="worker_crashed")))
            return
        size = -(-len(todo) // _SPLIT)
        for k in range(0, len(todo), size):
            self._retry.append(_Chunk(todo[k:k + size], losses, isolated=size == 1))

    # MARK: Results

    def _failed(self, index: int, error: Exception) -> Result:
        return Result(index=index, url=self._urls[index], final_url=None, status=None,
                      content_type=None, charset=None, bytes=0, elapsed=0.0, error=error,
                      matches={name: [] for name in self._empty})

    def _deliver(self, r: Result) -> None:
        if self._done[r.index]:
            return  # a chunk that ran twice (a worker thought dead that answered after all)
        self._done[r.index] = 1
        self._delivered += 1
        self._reporter.step(r)
        if self.ordered:
            self._held[r.index] = r
        else:
            self._ready.append(r)

    def cancel(self) -> None:
        """Stops the batch: tasks are cancelled, and every URL without a result yet comes
        back as a Cancelled result."""
        if self._closed:
            return
        self._engine.cancel(list(self._pending))
        self._pending.clear()
        self._retry.clear()
        self._next_url = self.total
        for i in range(self.total):
            if not self._done[i]:
                self._deliver(self._failed(i, Cancelled("the batch was cancelled",
                                                        code=31, name="cancelled")))

    def close(self) -> None:
        """Cancels the tasks still queued or running and lets go of the shipped settings."""
        if self._closed:
            return
        self._closed = True
        pending, self._pending = list(self._pending), {}
        try:
            self._engine.cancel(pending)
            if self._shared is not None:
                self._engine.release(self._shared)
        finally:
            self._shared = None
            self._reporter.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the engine may be gone already
            pass
