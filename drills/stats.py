"""`drill stats`: what the progress store says about a person's practice, as typed figures."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from drills import days
from drills import scheduler as sched
from drills.clock import iso
from drills.daily import forecast, streak
from drills.model import Question
from drills.scheduler import drill_day
from drills.store import Store

if TYPE_CHECKING:
    from drills.forecast import Calibration

HEATMAP_WEEKS = 26
MATURE_DAYS = 21
MIN_RETENTION_REVIEWS = 20  # fewer reviews of known drills than this make a retention figure noise
NO_REVIEWS = {"empty": True, "reviews": 0}  # the JSON of a store with nothing to count yet


@dataclass(frozen=True, slots=True, kw_only=True)
class HeatmapDay:
    date: dt.date
    reviews: int
    level: int  # 0 for none, then 1 to 4 by the share of the busiest day


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthLabel:
    week: int  # the week (column) of the heatmap the month's label starts at
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Retention:
    """Share of reviews of known drills (not cram) passed in the last 30 days."""

    true: float | None  # "true retention", as Anki calls it; None below `needed` reviews
    reviews: int
    desired: float
    needed: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DueDay:
    date: dt.date
    due: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DrillCounts:
    in_bank: int
    seen: int
    mature: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupRow:
    """One topic or tag: its reviews, accuracy and times."""

    name: str
    reviews: int
    accuracy: float
    median_seconds: float
    median_target: float
    drills_seen: int
    mature: int
    drills_in_bank: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Leech:
    id: str
    failures: int
    title: str | None  # None: the drill is no longer in the bank


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicRecall:
    name: str
    drills: int
    seen: int
    recall: float
    recall_if_stopped: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """Recall on the interview day, from `forecast.plan`, rounded for showing."""

    interview: dt.date
    days_left: int
    desired: float
    recall: float
    recall_if_stopped: float
    minutes_per_day: float
    topics: list[TopicRecall]


@dataclass(frozen=True, slots=True, kw_only=True)
class StatsFigures:
    """Every figure `drill stats` shows, for the terminal, --json and --html alike."""

    reviews: int
    today: dt.date
    streak: int
    heatmap: list[HeatmapDay]
    heatmap_months: list[MonthLabel]
    retention_30d: Retention
    forecast: list[DueDay]  # reviews due on each of the next 14 days
    drills: DrillCounts
    topics: list[GroupRow]
    tags: list[GroupRow]
    leeches: list[Leech]
    readiness: Readiness | None  # None without an interview date to come
    calibration: Calibration | None  # None before a judged mock round

    def to_dict(self) -> dict[str, Any]:
        """The JSON form `drill stats --json` prints: dates as ISO text."""
        return {"empty": False, **asdict(self, dict_factory=_iso_dates)}


def _iso_dates(items: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in items}


def compute(questions: Mapping[str, Question], store: Store, settings: sched.Settings,
            now: dt.datetime) -> StatsFigures | None:
    """Every figure `drill stats` shows, or None before the first review."""
    total = store.history.count()
    if total == 0:
        return None
    today = drill_day(now, settings.rollover_hour)
    first = today - dt.timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    span = (today - first).days + 1
    counts = store.history.counts_between(days.bounds(first, span, settings.rollover_hour))
    top = max(counts) or 1
    heatmap = [HeatmapDay(date=first + dt.timedelta(days=i), reviews=counts[i],
                          level=0 if counts[i] == 0 else 1 + min(3, int(4 * counts[i] / (top + 1))))
               for i in range(span)]
    months = [MonthLabel(week=w, label=(first + dt.timedelta(weeks=w)).strftime("%b"))
              for w in range(HEATMAP_WEEKS)
              if w == 0 or (first + dt.timedelta(weeks=w)).month != (first + dt.timedelta(weeks=w - 1)).month]

    month_ago = iso(now - dt.timedelta(days=30))
    kept, asked = store.history.retention_since(month_ago)

    cards = store.history.cards()
    mature = {d for d, c in cards.items() if c.get("state") == 2 and sched.interval_days(c) >= MATURE_DAYS}
    by_drill: dict[str, list] = defaultdict(lambda: [0, 0, []])
    for drill_id, ok, elapsed in store.history.outcomes():
        entry = by_drill[drill_id]
        entry[0] += ok
        entry[1] += 1
        entry[2].append(elapsed / 1000)
    groups: dict[str, dict[str, dict]] = {"topic": {}, "tag": {}}
    for drill_id, (ok, n, times) in by_drill.items():
        q = questions.get(drill_id)
        if q is None:
            continue
        for kind, names in (("topic", [q.topic]), ("tag", q.tags)):
            for name in names:
                g = groups[kind].setdefault(name, {"correct": 0, "reviews": 0, "times": [], "targets": [],
                                                   "drills": set()})
                g["correct"] += ok
                g["reviews"] += n
                g["times"] += times
                g["targets"].append(q.time_target)
                g["drills"].add(drill_id)
    tables = {}
    for kind, named in groups.items():
        rows = []
        for name, g in named.items():
            rows.append(GroupRow(
                name=name, reviews=g["reviews"], accuracy=round(g["correct"] / g["reviews"], 3),
                median_seconds=round(statistics.median(g["times"]), 1),
                median_target=statistics.median(g["targets"]),
                drills_seen=len(g["drills"]), mature=len(g["drills"] & mature),
                drills_in_bank=sum(1 for q in questions.values()
                                   if (q.topic == name if kind == "topic" else name in q.tags)),
            ))
        tables[kind] = sorted(rows, key=lambda r: (-r.reviews, r.name))
    failures = store.history.failures()
    leeches = [Leech(id=d, failures=n, title=questions[d].title if d in questions else None)
               for d, n in sorted(failures.items(), key=lambda x: -x[1]) if n >= sched.LEECH_THRESHOLD]
    return StatsFigures(
        reviews=total,
        today=today,
        streak=streak(store, settings, now),
        heatmap=heatmap,
        heatmap_months=months,
        retention_30d=Retention(true=round(kept / asked, 3) if asked >= MIN_RETENTION_REVIEWS else None,
                                reviews=asked, desired=settings.desired_retention, needed=MIN_RETENTION_REVIEWS),
        forecast=[DueDay(date=d, due=n) for d, n in forecast(store, questions, settings, now, 14)],
        drills=DrillCounts(in_bank=len(questions), seen=len([d for d in cards if d in questions]),
                           mature=len([d for d in mature if d in questions])),
        topics=tables["topic"],
        tags=tables["tag"],
        leeches=leeches,
        readiness=readiness(questions, store, settings, now),
        calibration=calibration(store),
    )


def readiness(questions: Mapping[str, Question], store: Store, settings: sched.Settings,
              now: dt.datetime) -> Readiness | None:
    """The forecast for the interview day per topic, or None without an interview date to come."""
    from drills import forecast
    from drills.errors import DrillError

    try:
        p = forecast.plan(questions, store, settings, now)
    except DrillError:
        return None
    return Readiness(interview=p.interview, days_left=p.days_left, desired=p.desired,
                     recall=round(p.recall, 3), recall_if_stopped=round(p.recall_if_stopped, 3),
                     minutes_per_day=round(p.minutes_per_day, 1),
                     topics=[TopicRecall(name=g.name, drills=g.drills, seen=g.seen, recall=round(g.recall, 3),
                                         recall_if_stopped=round(g.recall_if_stopped, 3)) for g in p.topics])


def calibration(store: Store) -> Calibration | None:
    """How the recall forecast for mock-round drills has matched their verdicts."""
    from drills.forecast import calibration as measure

    return measure(store.fits.predictions())


def to_json(figures: StatsFigures | None) -> str:
    return json.dumps(figures.to_dict() if figures is not None else NO_REVIEWS, indent=2)
