"""Day-by-day figures of a person's practice: the streak, and what falls due tomorrow and on
each of the coming days. A session's summary, `drill due` and `drill stats` count them here.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from drills import scheduler as sched
from drills.clock import iso
from drills.days import bounds, drill_day
from drills.model import Question

if TYPE_CHECKING:
    from drills.store import Store


def streak(store: Store, settings: sched.Settings, now: dt.datetime) -> int:
    """Consecutive drill days with at least one review, ending today (or yesterday)."""

    def practised(day: dt.date) -> bool:
        return store.history.counts_between(bounds(day, 1, settings.rollover_hour))[0] > 0

    day = drill_day(now, settings.rollover_hour)
    if not practised(day):
        day -= dt.timedelta(days=1)
    n = 0
    while practised(day):
        n += 1
        day -= dt.timedelta(days=1)
    return n


def due_tomorrow(store: Store, questions: Mapping[str, Question], settings: sched.Settings, now: dt.datetime) -> int:
    """Reviews due by the end of tomorrow's drill day (today's left over included)."""
    return sum(n for _, n in forecast(store, questions, settings, now, 2))


def forecast(store: Store, questions: Mapping[str, Question], settings: sched.Settings, now: dt.datetime,
             days: int = 7) -> list[tuple[dt.date, int]]:
    """Reviews falling due on each of the next `days` drill days (today includes what is overdue).

    Days are counted between drill-day starts, not in steps of 24 hours: a day with a clock
    change is 23 or 25 hours long."""
    first = drill_day(now, settings.rollover_hour)
    starts = [dt.datetime.fromisoformat(b) for b in bounds(first, days, settings.rollover_hour)]
    suspended = store.history.suspended()
    counts = [0] * days
    for d, due in store.history.due_before(iso(starts[-1])):
        day = max(0, bisect.bisect_right(starts, dt.datetime.fromisoformat(due)) - 1)
        if d in questions and d not in suspended and day < days:  # due at the very end: the next day's
            counts[day] += 1
    return [(first + dt.timedelta(days=i), counts[i]) for i in range(days)]
