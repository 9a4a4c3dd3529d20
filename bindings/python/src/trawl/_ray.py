# SPDX-License-Identifier: Apache-2.0
"""backend="ray": chunks of a batch as Ray tasks.

Ray is the engine: `ray.init()` (the user's, or trawl's with Ray's usual defaults when none
ran yet) decides the cluster; each task asks for one CPU and runs one lane; a task whose
worker process died is retried by Ray itself (`max_retries`); the shipped settings go to the
object store once (`ray.put`). Imported only when a batch asks for ray: an optional extra.
"""

import importlib.util
from typing import Any, List

from ._errors import BackendUnavailable
from ._remote import run_chunk

# CPUs (and so lanes) of one task: a task is one lane, as a Dask task is one worker thread.
TASK_CPUS = 1

_remote_fn = {}
# Ray sessions (job ids) whose workers were probed: a probe may start a worker process.
_probed = set()


def _unavailable(message: str) -> BackendUnavailable:
    return BackendUnavailable(message, code=8, name="backend_unavailable")


class RayEngine:
    """One batch's view of the Ray cluster this process is connected to."""

    label = "Ray"

    def __init__(self, retries: int):
        try:
            import ray
        except ImportError:
            raise _unavailable("backend='ray' needs ray on this machine: "
                               "pip install 'trawl-crawler[ray]'") from None
        self._ray = ray
        if not ray.is_initialized():
            ray.init()
        key = retries
        if key not in _remote_fn:
            # Ray retries a task whose worker died (not one that raised: a failed URL is a
            # result, and the batch's own errors must not run again).
            _remote_fn[key] = ray.remote(num_cpus=TASK_CPUS, max_retries=retries,
                                         retry_exceptions=False)(run_chunk)
        self._fn = _remote_fn[key]

    def slots(self) -> int:
        cpus = int(self._ray.cluster_resources().get("CPU", 0))
        if cpus < TASK_CPUS:
            raise _unavailable("backend='ray': the Ray cluster has no CPU to run a task on")
        return cpus // TASK_CPUS

    def check_workers(self) -> None:
        """Ray workers run this machine's interpreter unless a runtime_env says otherwise;
        one probe task per session shows whether `import trawl` works where tasks run."""
        job = self._ray.get_runtime_context().get_job_id()
        if job in _probed:
            return
        probe = self._ray.remote(num_cpus=0)(importlib.util.find_spec)
        try:
            spec = self._ray.get(probe.remote("trawl"), timeout=60)
        except self._ray.exceptions.GetTimeoutError:
            return  # a busy cluster: the chunks themselves will say what is wrong
        if spec is None:
            raise _unavailable("backend='ray': the package trawl-crawler is not installed "
                               "where Ray runs tasks (`import trawl` fails on a worker): pip "
                               "install trawl-crawler on every node or in the runtime_env")
        _probed.add(job)

    def share(self, value: Any) -> Any:
        return self._ray.put(value)

    def submit(self, shared: Any, urls: List[str]) -> Any:
        return self._fn.remote(shared, urls)

    def wait(self, pending: List[Any], timeout: float) -> List[Any]:
        ready, rest = self._ray.wait(pending, num_returns=1, timeout=timeout)
        if ready and rest:
            more, _ = self._ray.wait(rest, num_returns=len(rest), timeout=0)
            ready += more
        return ready

    def result(self, ref: Any) -> Any:
        try:
            return self._ray.get(ref)
        except self._ray.exceptions.RayTaskError as e:
            # The task's own exception (e.g. trawl's BackendUnavailable), not Ray's wrapper.
            cause = e.as_instanceof_cause()
            raise (e.cause if isinstance(getattr(e, "cause", None), BaseException)
                   else cause) from None

    def lost(self, error: BaseException) -> bool:
        """Ray gave up on a task whose worker or node died (after its own retries)."""
        x = self._ray.exceptions
        kinds = tuple(getattr(x, n) for n in ("WorkerCrashedError", "NodeDiedError",
                                              "ObjectLostError", "LocalRayletDiedError",
                                              "OutOfMemoryError") if hasattr(x, n))
        return isinstance(error, kinds)

    def orphaned(self, error: BaseException) -> bool:
        """Ray recomputes or reports lost objects itself (lost() covers what it gives up)."""
        return False

    def cancel(self, refs: List[Any]) -> None:
        for ref in refs:
            try:
                # Not force: the task sees KeyboardInterrupt and cancels its trawl batch.
                self._ray.cancel(ref)
            except Exception:  # already finished or gone: nothing to stop
                pass

    def release(self, shared: Any) -> None:
        del shared  # the object store frees it when no reference is left
