# SPDX-License-Identifier: Apache-2.0
"""How many URLs go into the next task of a Dask or Ray batch: joblib's auto-batching
(AutoBatchingMixin), sized by measured task duration instead of guessed.

A task costs the cluster a fixed overhead (scheduling, serialisation, a round trip: a few
milliseconds) whatever its size, so tiny chunks waste the cluster; huge chunks leave workers
idle at the end of a batch and lose much work when a worker dies. The sizer aims each task at
`target` seconds of crawling from the rate the finished tasks measured, and never makes a
chunk so large that the rest of the batch could not keep every slot busy twice over.
"""

import math
from typing import Optional

# The first chunks are crawled before anything is measured: small enough that a batch of a
# few hundred URLs still spreads over every slot, large enough to measure a rate.
FIRST_CHUNK = 16
# joblib grows a batch size at most this fast per measurement, so one lucky fast task does
# not make the next one enormous.
MAX_GROWTH = 8.0


class ChunkSizer:
    """Chunk sizes for one batch over `slots` parallel tasks.

    `fixed` (the `chunk_size=` argument) pins the size; otherwise `observe` feeds in each
    finished task's URL count and crawl seconds (measured on the worker, so queueing time on
    the cluster does not count) and `next_size` follows `target` seconds per task.
    """

    def __init__(self, slots: int, target: float = 2.0, fixed: Optional[int] = None):
        self.slots = max(1, slots)
        self.target = target
        self.fixed = fixed
        self.size = fixed or FIRST_CHUNK
        self._rate: Optional[float] = None  # URLs per second per task, smoothed

    def observe(self, urls: int, seconds: float) -> None:
        if self.fixed or urls <= 0:
            return
        rate = urls / max(seconds, 1e-3)
        # Exponential smoothing: one slow page (a timeout) must not halve the next chunks.
        self._rate = rate if self._rate is None else 0.7 * self._rate + 0.3 * rate
        ideal = self._rate * self.target
        self.size = max(1, int(min(ideal, self.size * MAX_GROWTH)))

    def next_size(self, remaining: int) -> int:
        """The size of the next chunk when `remaining` URLs are not yet in any chunk."""
        if self.fixed:
            return max(1, min(self.fixed, remaining))
        # The tail: what is left spread over every slot, so the last chunks end together;
        # never below the first chunks' size, since every task costs the cluster tens of ms.
        balanced = max(math.ceil(remaining / self.slots), FIRST_CHUNK)
        return max(1, min(self.size, balanced, remaining))
