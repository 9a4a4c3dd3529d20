# SPDX-License-Identifier: Apache-2.0
"""The settings one Dask or Ray task crawls with: the batch's budgets divided among the tasks
that run at once, so a cluster of N task slots does not hit a host N times harder, and the
batch-wide features that cannot hold across tasks refused instead of silently weakened."""

from typing import Any, Dict, Tuple

from ._errors import InvalidArgument

# Options whose meaning is a whole batch's and that no task could honour alone: a journal or
# WARC path would be written by every task on its own machine, and follow mode would need a
# seen-set and frontier shared by the tasks. (Names of options that the library may not have
# yet: they are refused here only when given.)
_BATCH_ONLY = {
    "follow": "follow mode needs one frontier and seen-set for the batch",
    "journal": "every task would write its own journal on its own worker",
    "warc": "every task would write its own WARC files on its own worker",
}


_MAX_DELAY = 86_400.0


def _refuse(backend: str, key: str, why: str) -> InvalidArgument:
    return InvalidArgument(f"option {key!r} is not supported with backend={backend!r}: {why}; "
                           "use the thread, process or cluster backend for it", code=1,
                           name="invalid_argument")


def task_kwargs(kwargs: Dict[str, Any], backend: str, tasks: int) -> Tuple[Dict[str, Any], int]:
    """(the Crawler keyword arguments of every task, how many tasks may run at once).

    `kwargs` are the batch's Crawler arguments; `tasks` the slots the cluster offers (already
    capped by n_jobs). Each task is one lane of trawl's thread backend. Divided among the
    running tasks: `concurrency` (transfers in flight), `per_host_connections`, `host_rate`
    (requests per second per host) and, multiplied, `host_delay`. A per-host connection budget
    smaller than the slots runs that many tasks at once, each with one connection per host.
    """
    for key, why in _BATCH_ONLY.items():
        if kwargs.get(key) not in (None, False, "", []):
            raise _refuse(backend, key, why)
    out = dict(kwargs, backend="thread", jobs=1, verbose=0, order="completed")
    per_host = kwargs.get("per_host_connections") or 0
    if per_host:
        tasks = min(tasks, per_host)
        out["per_host_connections"] = max(1, per_host // tasks)
    concurrency = kwargs.get("concurrency")
    # "auto" (or 0) stays as it is: each task's limit then adapts on its own.
    if isinstance(concurrency, int) and concurrency > 0:
        tasks = min(tasks, concurrency)
        out["concurrency"] = max(1, concurrency // tasks)
    if kwargs.get("host_rate"):
        out["host_rate"] = float(kwargs["host_rate"]) / tasks
    if kwargs.get("host_delay"):
        # The library's longest delay (a day) bounds the product: far beyond any real use.
        out["host_delay"] = min(float(kwargs["host_delay"]) * tasks, _MAX_DELAY)
    return out, tasks


def strict(kwargs: Dict[str, Any]) -> bool:
    """Whether a per-host budget is set: then no task is queued beyond the running ones, so
    that a cluster growing mid-batch cannot run more tasks than the budget was divided by."""
    return any(kwargs.get(k) for k in ("per_host_connections", "host_rate", "host_delay"))
