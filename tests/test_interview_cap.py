"""One function decides every next interval: with an interview date, no path (a session, a
changed rating, a self-rated card, a mock round) schedules a drill after the interview."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from drills import scheduler as sched
from drills.clock import utc_now
from drills.queue import Queue
from drills.render import console
from drills.scheduler import drill_day
from drills.session import Session
from drills.store import Store
from drills.ui import PlainUI

from .test_cli_today import RUNNING, TOP_EARNER, answers, drill

pytestmark = pytest.mark.usefixtures("utc_local_time")


def interview_in(home, days: int) -> dt.date:
    day = drill_day(utc_now(), 4) + dt.timedelta(days=days)
    assert drill(home, "config", "interview-date", day.isoformat()).exit_code == 0
    return day


def last_day_of(store: Store, drill_id: str) -> dt.date:
    return drill_day(sched.due_of(store.history.card(drill_id)), 4)


def before_the_interview(store: Store, drill_id: str, interview: dt.date) -> bool:
    """Due in days (not a learning step), and no later than the day before the interview."""
    return drill_day(utc_now(), 4) < last_day_of(store, drill_id) < interview


def test_without_a_date_an_easy_answer_waits_more_than_four_days(tmp_path):
    drill(tmp_path, "today", input=answers("x", "easy", "1/6", ":quit"))
    assert last_day_of(Store(tmp_path), "probability/two-dice-seven") > drill_day(utc_now(), 4) + dt.timedelta(days=4)


def test_today_and_a_self_rated_card_come_back_before_the_interview(tmp_path):
    interview = interview_in(tmp_path, 4)
    drill(tmp_path, "today", input=answers("x", "easy", "1/6", ":quit"))  # Easy: 8 days without the cap
    store = Store(tmp_path)
    assert [r.rating for r in store.history.reviews()] == [sched.EASY, sched.EASY]
    for drill_id in ("concepts/null-in-count", "probability/two-dice-seven"):
        assert before_the_interview(store, drill_id, interview)


def test_a_mock_round_comes_back_before_the_interview(tmp_path):
    interview = interview_in(tmp_path, 4)
    for tag, answer in (("rank", TOP_EARNER), ("running-total", RUNNING)):
        result = drill(tmp_path, "mock", "--count", "1", "--tag", tag, input=answers(answer))
        assert result.exit_code == 0, result.output
    store = Store(tmp_path)
    assert {r.rating for r in store.history.reviews(mode="mock")} == {sched.EASY}
    for drill_id in ("sql/top-earner", "sql/running-total"):
        assert before_the_interview(store, drill_id, interview)


class Rerate(PlainUI):
    """Changes the rating on the result screen to Easy, as a person at a terminal can."""

    def ask_rating(self, q, result):
        return sched.EASY


def test_a_changed_rating_comes_back_before_the_interview(tmp_path, fixture_questions):
    store = Store(tmp_path)
    settings = sched.Settings(interview_date=drill_day(utc_now(), 4) + dt.timedelta(days=4))
    ui = Rerate(io.StringIO(answers("1/6")), console=console())
    Session(fixture_questions, store, ui, settings).run(Queue([], ["probability/two-dice-seven"]))
    assert store.history.reviews()[0].rating == sched.EASY
    assert before_the_interview(store, "probability/two-dice-seven", settings.interview_date)


def test_an_imported_card_comes_back_before_the_interview(tmp_path):
    source = tmp_path / "laptop"
    drill(source, "today", input=answers("x", "easy", "1/6", ":quit"))  # Easy: 8 days, no interview there
    assert drill(source, "export", str(tmp_path / "progress.json")).exit_code == 0
    home = tmp_path / "desktop"
    interview = interview_in(home, 4)
    result = drill(home, "import", str(tmp_path / "progress.json"))
    assert result.exit_code == 0, result.output
    assert before_the_interview(Store(home), "probability/two-dice-seven", interview)
    assert last_day_of(Store(source), "probability/two-dice-seven") > interview  # the export itself is untouched
