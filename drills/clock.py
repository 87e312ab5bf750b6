"""Time as drill reads it and keeps it: now in UTC, and the sortable UTC text the store holds.

Core code takes a `Clock` rather than reading the time itself, so tests run at fixed instants;
the local drill day is days.py's decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(when: dt.datetime) -> str:
    """A moment as the store keeps it, sortable as text: UTC, ISO 8601 with microseconds
    (2026-01-01T00:10:00.000000+00:00)."""
    return when.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def utc_text(value: str) -> str:
    """Text from outside (a card's due date, an export) in the store's form; a naive datetime
    is taken as UTC."""
    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return iso(when)
