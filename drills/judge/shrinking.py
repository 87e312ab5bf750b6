"""Delta debugging (Zeller's ddmin): the smallest part of an input on which a test still fails.

Shared by the judges that show a smallest counterexample: the SQL judge tries one subset of
rows at a time in its worker; the pandas judge sends a batch of subsets to one sandboxed run,
because starting a run costs more than trying a subset.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def ddmin(items: Sequence[T], fails: Callable[[list[T]], bool], deadline: float) -> list[T]:
    """A subset of `items` on which `fails` holds and, time allowing, no single item can be removed.

    `fails(items)` must hold. At `deadline` (time.monotonic) it stops with the smallest
    failing subset found so far."""
    return ddmin_batched(items, lambda candidates: 0 if fails(candidates[0]) else None, deadline, batch=1)


def ddmin_batched(items: Sequence[T], first_failing: Callable[[list[list[T]]], int | None], deadline: float,
                  batch: int) -> list[T]:
    """ddmin trying up to `batch` candidates at once: `first_failing(candidates)` gives the
    position of the first candidate on which the test fails, or None.

    Chunk removal: try removing halves, then quarters, ... then single items, keeping every
    removal after which the test still fails; single items are tried again until none can go
    (1-minimal)."""
    items = list(items)
    size = max(1, len(items) // 2)
    while items and time.monotonic() < deadline:
        removed = False
        start = 0
        while start < len(items) and time.monotonic() < deadline:
            starts = range(start, len(items), size)[:batch]
            tried = [(s, items[:s] + items[s + size:]) for s in starts]
            tried = [(s, rest) for s, rest in tried if rest]
            hit = first_failing([rest for _, rest in tried]) if tried else None
            if hit is not None:
                start, items = tried[hit]
                removed = True
            else:
                start = starts[-1] + size
        if size > 1:
            size = max(1, size // 2)
        elif not removed:
            break
    return items
