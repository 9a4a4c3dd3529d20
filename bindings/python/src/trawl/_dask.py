# SPDX-License-Identifier: Apache-2.0
"""backend="dask": chunks of a batch as tasks on an existing Dask `distributed` cluster.

Dask is the engine: its scheduler places the tasks, reschedules a task whose worker died
(up to the scheduler's `distributed.scheduler.allowed-failures`, then KilledWorker), and
moves the shipped settings to each worker once, as a worker plugin (_dask_plugin.py), which
also reaches workers that join or restart mid-batch.
Imported only when a batch asks for dask: dask is an optional extra, never a dependency.
"""

import importlib.util
from typing import Any, List, Optional

from ._errors import BackendUnavailable
from ._remote import run_installed


def _unavailable(message: str) -> BackendUnavailable:
    return BackendUnavailable(message, code=8, name="backend_unavailable")


class DaskEngine:
    """One batch's view of a distributed.Client."""

    label = "Dask"

    def __init__(self, client: Optional[Any] = None):
        try:
            import distributed
        except ImportError:
            raise _unavailable("backend='dask' needs dask.distributed on this machine: "
                               "pip install 'trawl-crawler[dask]'") from None
        self._distributed = distributed
        if client is None:
            try:
                client = distributed.get_client()
            except ValueError:
                raise _unavailable(
                    "backend='dask' found no distributed.Client: pass client=, or create one "
                    "first (distributed.Client(address) or Client(LocalCluster()))") from None
        self.client = client

    def slots(self) -> int:
        """Every worker thread of the cluster: each runs one task of one lane at a time."""
        threads = self.client.nthreads()
        if not threads:
            raise _unavailable(f"backend='dask': the cluster of {self.client} has no workers")
        return sum(threads.values())

    def check_workers(self) -> None:
        """One BackendUnavailable naming the workers where `import trawl` cannot work, before
        any chunk is sent (stdlib's find_spec travels by reference, so it runs on a worker
        that has no trawl; trawl's own task function would not even unpickle there)."""
        found = self.client.run(importlib.util.find_spec, "trawl", on_error="return")
        missing = sorted(addr for addr, spec in found.items()
                         if spec is None or isinstance(spec, BaseException))
        if missing:
            raise _unavailable(
                f"backend='dask': the package trawl-crawler is not installed on the Dask "
                f"worker{'s' if len(missing) > 1 else ''} {', '.join(missing)} (`import trawl` "
                "fails there): pip install trawl-crawler on every worker")

    def share(self, value: Any) -> Any:
        from ._dask_plugin import ShippedSettings
        token = value["token"]
        self.client.register_plugin(ShippedSettings(value), name=f"trawl-{token}")
        return token

    def submit(self, shared: Any, urls: List[str]) -> Any:
        return self.client.submit(run_installed, shared, urls, pure=False)

    def wait(self, pending: List[Any], timeout: float) -> List[Any]:
        try:
            self._distributed.wait(pending, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        except self._distributed.client.FuturesCancelledError:
            pass  # dropped by the scheduler (see orphaned): collected as done below
        return [f for f in pending if f.done()]

    def result(self, future: Any) -> Any:
        return future.result()

    def lost(self, error: BaseException) -> bool:
        """A worker died running it (Dask gave up after its own reschedules)."""
        return isinstance(error, self._distributed.KilledWorker)

    def orphaned(self, error: BaseException) -> bool:
        """The scheduler dropped the task without running it to the end (a lost dependency, a
        cluster restart): to run again as it was, which blames no URL."""
        return isinstance(error, self._distributed.client.FutureCancelledError)

    def cancel(self, futures: List[Any]) -> None:
        if futures:
            self.client.cancel(futures)

    def release(self, shared: Any) -> None:
        try:
            self.client.unregister_worker_plugin(f"trawl-{shared}")
        except Exception:  # the client closed first: its workers forget the batch with it
            pass
