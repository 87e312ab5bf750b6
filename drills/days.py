"""The drill day and the interval cap: the one place that decides both, for every path.

A drill day is the computer's local day turning at the rollover hour (4 means a review at
3 am still counts for the day before). With an interview date, no interval may end on or
after it: `today`, a changed rating, a mock round (all through `scheduler.review`), an
imported card (`cap_card`) and the simulations of `drill plan` and `drill optimize`
(`cap_on`) all ask here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from drills.clock import iso

MAX_INTERVAL_DAYS = 36500


def drill_day(now: dt.datetime, rollover_hour: int) -> dt.date:
    """The day a moment belongs to for the schedule: local time, turning at the rollover hour."""
    return (now.astimezone() - dt.timedelta(hours=rollover_hour)).date()


def day_numbers(texts: Iterable[str], rollover_hour: int) -> list[int]:
    """`drill_day` of many stored UTC timestamps as day counts (0 is 1970-01-01), without a
    datetime in the local zone for each: the fit reads 100,000 of these. Zone offsets and their
    changes fall on quarter hours, so one look-up per quarter hour is exact."""
    offsets: dict[int, int] = {}
    out = []
    for text in texts:
        seconds = int(dt.datetime.fromisoformat(text).timestamp())
        quarter = seconds // 900
        offset = offsets.get(quarter)
        if offset is None:
            offset = offsets[quarter] = time.localtime(quarter * 900).tm_gmtoff
        out.append((seconds + offset - rollover_hour * 3600) // 86400)
    return out


def day_start(now: dt.datetime, rollover_hour: int) -> dt.datetime:
    """Start of the drill day holding `now`, in UTC: local midnight shifted to the rollover hour."""
    return start_of(drill_day(now, rollover_hour), rollover_hour)


def start_of(day: dt.date, rollover_hour: int) -> dt.datetime:
    """When drill day `day` starts, in UTC."""
    return dt.datetime.combine(day, dt.time(rollover_hour)).astimezone().astimezone(dt.timezone.utc)


def bounds(first: dt.date, count: int, rollover_hour: int) -> list[str]:
    """The starts of `count` drill days from `first`, and the end of the last, as stored UTC text:
    reviews are counted per day between these, so SQL never needs a day rule of its own."""
    return [iso(start_of(first + dt.timedelta(days=i), rollover_hour)) for i in range(count + 1)]


def cap_on(day: dt.date, interview: dt.date | None) -> int:
    """The longest interval in days a review on drill day `day` may give: with an interview
    date, the drill comes back no later than the day before it."""
    return MAX_INTERVAL_DAYS if interview is None else cap_for(days_left=(interview - day).days)


def cap_for(days_left: int) -> int:
    """`cap_on` for a review `days_left` days before the interview."""
    return max(1, days_left - 1)


def interval_cap(now: dt.datetime, rollover_hour: int, interview: dt.date | None) -> int:
    return cap_on(drill_day(now, rollover_hour), interview)


def cap_card(card: dict, now: dt.datetime, rollover_hour: int, interview: dt.date | None) -> dict:
    """A card from outside (an import) with its due date pulled in to the cap, counted from its
    last review, or from `now` for a card never reviewed here."""
    if interview is None:
        return card
    due = dt.datetime.fromisoformat(card["due"])
    since = dt.datetime.fromisoformat(card["last_review"]) if card.get("last_review") else now
    latest = since + dt.timedelta(days=cap_on(drill_day(since, rollover_hour), interview))
    return card if due <= latest else {**card, "due": latest.isoformat()}
