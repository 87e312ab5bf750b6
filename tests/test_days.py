"""The drill day and the interval cap, with fixed UTC datetimes and literal expected days."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from drills import days
from drills import scheduler as sched

UTC = dt.timezone.utc
pytestmark = pytest.mark.usefixtures("utc_local_time")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_the_drill_day_turns_at_the_rollover_hour():
    assert days.drill_day(at(2026, 3, 2, 3, 59), 4) == dt.date(2026, 3, 1)
    assert days.drill_day(at(2026, 3, 2, 4, 0), 4) == dt.date(2026, 3, 2)
    assert days.drill_day(at(2026, 3, 2, 23, 0), 0) == dt.date(2026, 3, 2)
    assert days.day_start(at(2026, 3, 2, 3, 0), 4) == at(2026, 3, 1, 4)


def test_the_cap_ends_the_day_before_the_interview():
    interview = dt.date(2026, 3, 12)
    assert days.cap_on(dt.date(2026, 3, 2), interview) == 9
    assert days.cap_on(dt.date(2026, 3, 11), interview) == 1  # the day before: still one day, never zero
    assert days.cap_on(dt.date(2026, 3, 2), None) == days.MAX_INTERVAL_DAYS
    # 3 am on the 3rd is still the 2nd's drill day
    assert days.interval_cap(at(2026, 3, 3, 3, 0), 4, interview) == 9


def test_scheduling_with_fixed_datetimes_gives_literal_intervals():
    settings = sched.Settings(fuzz=False)
    now = at(2026, 3, 2, 12)
    card = sched.review(None, "sql/a", sched.GOOD, now, settings)
    assert sched.due_of(card) == now + dt.timedelta(minutes=10)  # the second learning step
    card = sched.review(card, "sql/a", sched.GOOD, now + dt.timedelta(minutes=10), settings)
    assert sched.due_of(card) == now + dt.timedelta(minutes=10, days=2)
    easy = sched.review(None, "sql/a", sched.EASY, now, settings)
    assert sched.due_of(easy) == now + dt.timedelta(days=8)
    capped = sched.review(None, "sql/a", sched.EASY, now, sched.Settings(fuzz=False,
                                                                        interview_date=dt.date(2026, 3, 7)))
    assert sched.due_of(capped) == now + dt.timedelta(days=4)  # back on the 6th, before the 7th


def test_an_imported_card_due_after_the_interview_is_pulled_in():
    card = {"due": "2026-04-30T12:00:00+00:00", "last_review": "2026-03-01T12:00:00+00:00", "state": 2}
    capped = days.cap_card(card, at(2026, 3, 5, 9), 4, dt.date(2026, 3, 20))
    assert capped["due"] == "2026-03-19T12:00:00+00:00"
    assert days.cap_card(card, at(2026, 3, 5, 9), 4, None) is card
    soon = {**card, "due": "2026-03-10T12:00:00+00:00"}
    assert days.cap_card(soon, at(2026, 3, 5, 9), 4, dt.date(2026, 3, 20)) == soon


def test_day_bounds_are_the_rollovers_in_utc():
    assert days.bounds(dt.date(2026, 3, 1), 2, 4) == ["2026-03-01T04:00:00.000000+00:00",
                                                       "2026-03-02T04:00:00.000000+00:00",
                                                       "2026-03-03T04:00:00.000000+00:00"]


def test_only_the_scheduler_builds_an_fsrs_scheduler_and_only_days_decides_the_day():
    """The mock path once skipped the cap; every path now goes through `scheduler.review`, and
    nothing else can compute an interval or a drill day of its own."""
    root = Path(sched.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "scheduler.py":
            assert not re.search(r"review_card|Scheduler\(|maximum_interval", text), path
        if path.name != "days.py":
            assert "'localtime'" not in text and "timedelta(hours=rollover" not in text, path


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/New_York", "Australia/Lord_Howe"])
def test_day_numbers_agree_with_drill_day_in_every_zone(monkeypatch, zone):
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        moments = [at(2026, 1, 1) + dt.timedelta(minutes=7 * k) for k in range(0, 400 * 24 * 60 // 7, 13)]
        texts = [m.isoformat(timespec="microseconds") for m in moments]
        epoch = dt.date(1970, 1, 1)
        assert days.day_numbers(texts, 4) == [(days.drill_day(m, 4) - epoch).days for m in moments]
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_day_bounds_in_a_half_hour_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+5:30: the 4 am rollover falls at 22:30 UTC
    time.tzset()
    try:
        assert days.bounds(dt.date(2026, 3, 2), 1, 4) == ["2026-03-01T22:30:00.000000+00:00",
                                                           "2026-03-02T22:30:00.000000+00:00"]
        assert days.drill_day(at(2026, 3, 1, 22, 29), 4) == dt.date(2026, 3, 1)
        assert days.drill_day(at(2026, 3, 1, 22, 30), 4) == dt.date(2026, 3, 2)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_due_counts_follow_drill_days_across_a_clock_change(tmp_path, monkeypatch):
    """Berlin goes to summer time on 2026-03-29: that drill day is 23 hours long."""
    import json
    import time

    from drills import daily
    from drills.model import Question
    from drills.store import Store

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        settings = sched.Settings(rollover_hour=4)
        now = at(2026, 3, 28, 11)  # noon in Berlin, Saturday 28 March
        store = Store(tmp_path)
        due = {  # when each card is due, in UTC
            "a/today": at(2026, 3, 28, 20),
            "a/tomorrow": at(2026, 3, 29, 23),        # 01:00 on the 30th in Berlin: still the 29th's drill day
            "a/day-after": at(2026, 3, 30, 2, 30),    # 04:30 on the 30th in Berlin: the 30th's drill day
            "a/edge": at(2026, 3, 30, 2),             # 04:00 on the 30th: the 30th starts here
        }
        with store.transaction() as db:
            for drill_id, when in due.items():
                card = {"due": when.isoformat(), "state": 2}
                db.execute("INSERT INTO cards (drill_id, card, due, updated_at) VALUES (?, ?, ?, ?)",
                           (drill_id, json.dumps(card), when.isoformat(timespec="microseconds"), now.isoformat()))
        questions = {d: Question(id=d, kind="recall", title=d, topic="a", prompt="p", solution="s") for d in due}
        assert daily.due_tomorrow(store, questions, settings, now) == 2
        assert daily.forecast(store, questions, settings, now, 3) == [
            (dt.date(2026, 3, 28), 1), (dt.date(2026, 3, 29), 1), (dt.date(2026, 3, 30), 2)]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_weeks_pace_starts_at_a_drill_day_across_a_clock_change(tmp_path, monkeypatch):
    """Summer time began on 2026-03-29 in Berlin: seven drill days before 2 April start at 04:00
    CET on 27 March, not 24-hour steps back from today's start (an hour earlier)."""
    import time

    from drills import forecast
    from drills.store import Review, Store

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        store = Store(tmp_path)
        # 03:30 CET on 27 March: still the drill day of the 26th, outside the week
        store.history.record(Review("a/x", at(2026, 3, 27, 2, 30).isoformat(timespec="microseconds"), 3, 3,
                                    "correct", 60_000, "x", "today", "h"), None, None)
        assert forecast.pace(store, at(2026, 4, 2, 10), 4) is None
        store.history.record(Review("a/x", at(2026, 3, 27, 3, 30).isoformat(timespec="microseconds"), 3, 3,
                                    "correct", 70_000, "x", "today", "h"), None, None)
        assert forecast.pace(store, at(2026, 4, 2, 10), 4) == pytest.approx(70_000 / 60_000 / forecast.PACE_DAYS)
    finally:
        monkeypatch.undo()
        time.tzset()
