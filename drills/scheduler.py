"""Scheduling: the only module that imports fsrs. Ratings come from what happened.

Cards travel as the plain dicts of fsrs's own `Card.to_dict()`, so the store and the
session never touch fsrs objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from fsrs.card import CardDict  # cards travel as the plain JSON dicts the store keeps

from drills.days import MAX_INTERVAL_DAYS, day_start, drill_day  # noqa: F401  (days.py decides the drill day)
from drills.days import interval_cap as _cap

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
RATING_BY_NAME = {v: k for k, v in RATING_NAMES.items()}
LEECH_THRESHOLD = 8
MAX_NEW_PER_DAY = 60


@dataclass(frozen=True)
class Settings:
    """What `drill config` can change; defaults from the field, tuned for drills."""

    desired_retention: float = 0.9
    learning_steps: tuple[int, ...] = (60, 600)       # seconds
    relearning_steps: tuple[int, ...] = (600,)
    new_per_day: int = 10
    reviews_per_day: int = 200
    rollover_hour: int = 4
    interview_date: dt.date | None = None
    topics: tuple[str, ...] = ()                      # the topics a person drills; () is all
    backups: int = 7                                  # daily copies of the progress store kept
    fuzz: bool = True
    parameters: tuple[float, ...] | None = None       # fitted by `drill optimize`; None: fsrs's defaults
    fitted_at: str | None = None

    KEYS = ("desired-retention", "learning-steps", "relearning-steps", "new-per-day", "reviews-per-day",
            "rollover-hour", "interview-date", "topics", "backups")

    @classmethod
    def from_store(cls, raw: dict[str, str], fit: dict | None = None) -> Settings:
        """From the settings table and the fit in use (`store.fits.current()`)."""
        from drills.errors import DrillError

        kwargs: dict = {}
        if fit is not None:
            kwargs["parameters"] = tuple(float(w) for w in fit["parameters"])
            kwargs["fitted_at"] = fit["fitted_at"]
        try:
            if "desired-retention" in raw:
                kwargs["desired_retention"] = float(raw["desired-retention"])
            for key in ("learning-steps", "relearning-steps"):
                if key in raw:
                    kwargs[key.replace("-", "_")] = tuple(parse_duration(s) for s in raw[key].split())
            for key in ("new-per-day", "reviews-per-day", "rollover-hour", "backups"):
                if key in raw:
                    kwargs[key.replace("-", "_")] = int(raw[key])
            if raw.get("interview-date"):
                kwargs["interview_date"] = dt.date.fromisoformat(raw["interview-date"])
            if raw.get("topics"):
                kwargs["topics"] = tuple(raw["topics"].split())
        except ValueError as exc:
            raise DrillError(f"a setting is not valid ({exc}); fix it with `drill config KEY VALUE`") from None
        return cls(**kwargs)


HOW = {
    "desired-retention": "use a share such as 0.9 or 90%, from 70% to 99%",
    "learning-steps": "use durations such as '1m 10m' (s, m, h or d), at least one",
    "relearning-steps": "use durations such as '10m' (s, m, h or d), or 'none'",
    "new-per-day": "use a whole number from 0 to 9999",
    "reviews-per-day": "use a whole number from 0 to 9999",
    "rollover-hour": "use an hour from 0 to 23 (4 means 4 am)",
    "interview-date": "use YYYY-MM-DD, such as 2026-12-15",
    "topics": "use topic names such as 'sql probability statistics'",
    "backups": "use a whole number of daily backups to keep, from 1 to 365",
}


def check_setting(key: str, value: str, today: dt.date | None = None) -> str:
    """Normalise a `drill config KEY VALUE` pair, or raise DrillError saying what is allowed.
    With `today`, an interview date in the past is refused."""
    from drills.errors import DrillError

    if key not in HOW:
        raise DrillError(f"unknown setting '{key}'; settings: {', '.join(Settings.KEYS)}")
    text = value.strip()
    try:
        if key == "desired-retention":
            x = float(text[:-1]) / 100 if text.endswith("%") else float(text)
            if not 0.7 <= x <= 0.99:
                raise ValueError
            return f"{x:g}"
        if key in ("learning-steps", "relearning-steps"):
            parts = [] if key == "relearning-steps" and text.lower() == "none" else text.replace(",", " ").split()
            steps = [parse_duration(s) for s in parts]
            if not steps and (key == "learning-steps" or text.lower() != "none"):
                raise ValueError
            return " ".join(f"{s}s" for s in steps)
        if key in ("new-per-day", "reviews-per-day", "rollover-hour"):
            n = int(text)
            if not 0 <= n <= (23 if key == "rollover-hour" else 9999):
                raise ValueError
            return str(n)
        if key == "backups":
            n = int(text)
            if not 1 <= n <= 365:
                raise ValueError
            return str(n)
        if key == "interview-date":
            day = dt.date.fromisoformat(text)
            if today is not None and day < today:
                raise DrillError(f"{day} is in the past; give the date of an interview still to come "
                                 "(or `drill config interview-date --unset`)")
            return day.isoformat()
        names = text.replace(",", " ").split()
        if not names or not all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", n) for n in names):
            raise ValueError
        return " ".join(dict.fromkeys(names))
    except (ValueError, OverflowError):
        raise DrillError(f"'{value}' is not a valid {key}: {HOW[key]}") from None


def show_setting(key: str, settings: Settings) -> str:
    """A setting as a person reads it: 90%, 1m 10m, 4 (4 am), all topics."""
    value = getattr(settings, key.replace("-", "_"))
    if key == "desired-retention":
        return f"{value:.0%}"
    if key in ("learning-steps", "relearning-steps"):
        return " ".join(_duration(s) for s in value) or "none"
    if key == "rollover-hour":
        return f"{value} ({value % 12 or 12} {'am' if value < 12 else 'pm'})"
    if key == "topics":
        return " ".join(value) or "all"
    return "-" if value is None else str(value)


def show_parameters(settings: Settings) -> str:
    """Which FSRS parameters are in use and since when, with the values."""
    if settings.parameters is None:
        return "FSRS defaults (`drill optimize` fits them to your reviews)"
    values = " ".join(f"{w:g}" for w in settings.parameters)
    return f"fitted {settings.fitted_at[:10] if settings.fitted_at else '?'} by `drill optimize`: {values}"


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def interview_plan(settings: Settings, unseen: int, started: int, today: dt.date) -> list[str]:
    """What an interview date changes, in words: the interval cap and the new drills a day."""
    from drills.render import plural

    days = (settings.interview_date - today).days if settings.interview_date else 0
    cap = interval_cap(settings, dt.datetime.combine(today, dt.time(12)).astimezone())
    drills = f"the {plural(started, 'drill')} you have started" if started else "every drill you start"
    lines = [f"The interview is in {plural(days, 'day')}: intervals stop at {plural(cap, 'day')}, so {drills} "
             "will come back before it."]
    quota, note = new_quota(settings, unseen, today)
    if note and quota == MAX_NEW_PER_DAY:
        lines.append(note[0].upper() + note[1:] + ".")
    elif quota > settings.new_per_day:
        lines.append(f"New drills a day: {settings.new_per_day} → {quota}, to see all {plural(unseen, 'unseen drill')} "
                     "by then.")
    elif unseen:
        verb = "covers" if settings.new_per_day == 1 else "cover"
        lines.append(f"{plural(settings.new_per_day, 'new drill')} a day already {verb} the "
                     f"{plural(unseen, 'unseen drill')} in time.")
    return lines


def parse_duration(text: str) -> int:
    """'90s', '1m', '10m', '1h', '1d' or plain seconds -> seconds."""
    text = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text and text[-1] in units:
        value = float(text[:-1]) * units[text[-1]]
    else:
        value = float(text)
    if value <= 0:
        raise ValueError(f"'{text}' is not a positive duration")
    return int(value)


def rating_for(outcome: str, elapsed_s: float, time_target: float, helped: int = 0) -> int:
    """Wrong, timeout, error, reveal or give-up: Again. Correct: Hard after help (a hint, or an
    answer sent back because it did not run) or past the target, Easy within half of it, else
    Good."""
    if outcome != "correct":
        return AGAIN
    if helped or elapsed_s > time_target:
        return HARD
    if elapsed_s <= time_target / 2:
        return EASY
    return GOOD


def interval_cap(settings: Settings, now: dt.datetime) -> int:
    """The longest interval in days a review at `now` may give (days.py decides)."""
    return _cap(now, settings.rollover_hour, settings.interview_date)


def _scheduler(settings: Settings, maximum: int = 0):
    from fsrs import Scheduler
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return Scheduler(
        parameters=settings.parameters or DEFAULT_PARAMETERS,
        desired_retention=settings.desired_retention,
        learning_steps=tuple(dt.timedelta(seconds=s) for s in settings.learning_steps),
        relearning_steps=tuple(dt.timedelta(seconds=s) for s in settings.relearning_steps),
        maximum_interval=maximum or MAX_INTERVAL_DAYS,
        enable_fuzzing=settings.fuzz,
    )


def default_parameters() -> tuple[float, ...]:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return tuple(DEFAULT_PARAMETERS)


def within_bounds(values: list[float] | tuple[float, ...]) -> tuple[float, ...]:
    """Parameters brought inside the bounds the scheduler accepts (a fit may land a hair outside)."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return tuple(min(max(float(w), low), high)
                 for w, low, high in zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))


def check_parameters(values: object) -> str | None:
    """What is wrong with parameters read from outside (an import), or None."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    if (not isinstance(values, list) or len(values) != len(DEFAULT_PARAMETERS)
            or not all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in values)):
        return f"must be a list of {len(DEFAULT_PARAMETERS)} numbers"
    if within_bounds(values) != tuple(float(w) for w in values):
        return "are outside the bounds the scheduler accepts"
    return None


def parameters_in_use(settings: Settings) -> tuple[float, ...]:
    return settings.parameters or default_parameters()


def card_id(drill_id: str) -> int:
    """A stable card id from the drill id (fsrs's default sleeps to make ids unique)."""
    return int.from_bytes(hashlib.sha256(drill_id.encode()).digest()[:6], "big")


def new_card(drill_id: str, now: dt.datetime) -> dict:
    from fsrs import Card

    return dict(Card(card_id=card_id(drill_id), due=now).to_dict())


def review(card: dict | None, drill_id: str, rating: int, now: dt.datetime, settings: Settings) -> dict:
    """The card after a review at `now` rated `rating` (a new card when `card` is None).

    Every path that schedules (a session, a changed rating, a self-rated card, a mock round)
    comes here, so the interview-date cap holds for all of them."""
    from fsrs import Card, Rating

    current = Card.from_dict(cast("CardDict", card or new_card(drill_id, now)))
    after, _ = _scheduler(settings, interval_cap(settings, now)).review_card(current, Rating(rating), now)
    return dict(after.to_dict())


def retrievabilities(cards: dict[str, dict], now: dt.datetime, settings: Settings) -> dict[str, float]:
    """Many at once: one Scheduler, one import."""
    from fsrs import Card

    sched = _scheduler(settings)
    return {d: sched.get_card_retrievability(Card.from_dict(cast("CardDict", c)), now) for d, c in cards.items()}


def due_of(card: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(card["due"])


def interval_days(card: dict) -> float:
    last = card.get("last_review")
    if not last:
        return 0.0
    return (due_of(card) - dt.datetime.fromisoformat(last)).total_seconds() / 86400


def check_card(card: object) -> str | None:
    """What is wrong with a card read from outside (an import), or None when the scheduler and
    the queue can use it."""
    from fsrs import Card

    if not isinstance(card, dict):
        return "must be a mapping"
    try:
        due = due_of(card)
        if due.tzinfo is None:
            return "'due' needs a time zone"
        if card.get("state") not in (1, 2, 3):
            return "'state' must be 1, 2 or 3"
        step = card.get("step")
        if step is not None and (type(step) is not int or not 0 <= step <= 100):
            return "'step' must be null or a whole number from 0 to 100"
        if type(card.get("card_id")) is not int:
            return "'card_id' must be a whole number"
        for key, low, high in (("stability", 0, 1e9), ("difficulty", 1, 10)):
            value = card.get(key)
            if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool)
                                      or not low <= value <= high):
                return f"'{key}' must be a number from {low:g} to {high:g}"
        last = card.get("last_review")
        if last is not None and dt.datetime.fromisoformat(last).tzinfo is None:
            return "'last_review' needs a time zone"
        Card.from_dict(cast("CardDict", card))
        retrievabilities({"card": card}, due, Settings())
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        return f"is not a card this drill can schedule ({type(exc).__name__}: {exc})"
    return None


def in_learning(card: dict) -> bool:
    return card.get("state") in (1, 3)  # Learning, Relearning


def new_quota(settings: Settings, unseen: int, today: dt.date) -> tuple[int, str | None]:
    """New drills allowed today, and a note when an interview date changes or limits it."""
    base = settings.new_per_day
    if not settings.interview_date:
        return base, None
    days = (settings.interview_date - today).days
    if days <= 0:
        return base, "the interview date has passed or is today; set a new one with `drill config interview-date`"
    needed = math.ceil(unseen / days)
    if needed <= base:
        return base, None
    if needed > MAX_NEW_PER_DAY:
        missed = unseen - MAX_NEW_PER_DAY * days
        from drills.render import plural

        return MAX_NEW_PER_DAY, (f"{plural(unseen, 'drill')} are still new and the interview is in "
                                 f"{plural(days, 'day')}: covering them all needs {needed} a day; at the "
                                 f"cap of {MAX_NEW_PER_DAY}, {missed} will not be seen before it")
    return needed, f"{needed} new drills a day to cover the bank before the interview on {settings.interview_date}"


def describe_wait(delta: dt.timedelta) -> str:
    """'in 10 minutes', 'in 4 days': when a drill comes back."""
    seconds = delta.total_seconds()
    if seconds < 90:
        return "in 1 minute" if seconds > 0 else "now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size * (1.5 if unit != "minute" else 1):
            n = round(seconds / size)
            return f"in {n} {unit}{'s' if n != 1 else ''}"
    return "now"
