# SPDX-License-Identifier: Apache-2.0
"""The Dask worker plugin that carries one batch's shipped settings to every worker: sent
once per worker when the batch starts, and by the scheduler to every worker that joins or
is restarted by its nanny later (scattered data would die with the workers holding it).
Imported only on machines with dask.distributed."""

from typing import Any, Dict

from distributed.diagnostics.plugin import WorkerPlugin

from . import _remote


class ShippedSettings(WorkerPlugin):
    """Installs a batch's settings on a worker (setup) and removes them (teardown)."""

    def __init__(self, shipped: Dict[str, Any]):
        self.shipped = shipped

    def setup(self, worker: Any) -> None:
        _remote.install(self.shipped)

    def teardown(self, worker: Any) -> None:
        _remote.uninstall(self.shipped["token"])
