from __future__ import annotations

import datetime as dt

import pytest

from drills import scheduler as sched
from drills.model import Question
from drills.queue import Queue, build_today, interleave_new
from drills.scheduler import day_start, drill_day
from drills.store import Review, Store

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOFUZZ = sched.Settings(fuzz=False)


pytestmark = pytest.mark.usefixtures("utc_local_time")


@pytest.mark.parametrize(
    "outcome, elapsed, hints, rating",
    [
        ("wrong", 10, 0, sched.AGAIN),
        ("timeout", 10, 0, sched.AGAIN),
        ("error", 10, 0, sched.AGAIN),
        ("correct", 10, 1, sched.HARD),       # after a hint
        ("correct", 121, 0, sched.HARD),      # slower than the target
        ("correct", 120, 0, sched.GOOD),
        ("correct", 61, 0, sched.GOOD),
        ("correct", 60, 0, sched.EASY),       # within half the target
    ],
)
def test_rating_comes_from_what_happened(outcome, elapsed, hints, rating):
    assert sched.rating_for(outcome, elapsed, 120, hints) == rating


def due_after(card, now):
    return sched.due_of(card) - now


def test_learning_steps_then_review_intervals():
    card = sched.review(None, "a/b", sched.GOOD, T0, NOFUZZ)
    assert due_after(card, T0) == dt.timedelta(minutes=10)          # second learning step
    t1 = T0 + dt.timedelta(minutes=10)
    card = sched.review(card, "a/b", sched.GOOD, t1, NOFUZZ)
    assert due_after(card, t1) == dt.timedelta(days=2)
    t2 = sched.due_of(card)
    card = sched.review(card, "a/b", sched.GOOD, t2, NOFUZZ)
    assert due_after(card, t2) == dt.timedelta(days=11)
    card = sched.review(card, "a/b", sched.AGAIN, sched.due_of(card), NOFUZZ)
    assert sched.in_learning(card)
    assert due_after(card, dt.datetime.fromisoformat(card["last_review"])) == dt.timedelta(minutes=10)


def test_again_on_a_new_card_is_one_minute_and_easy_graduates():
    assert due_after(sched.review(None, "a/b", sched.AGAIN, T0, NOFUZZ), T0) == dt.timedelta(minutes=1)
    assert due_after(sched.review(None, "a/b", sched.EASY, T0, NOFUZZ), T0) == dt.timedelta(days=8)


def test_interview_date_caps_intervals():
    settings = sched.Settings(fuzz=False, interview_date=dt.date(2026, 3, 7))
    card = sched.review(None, "a/b", sched.EASY, T0, settings)
    assert due_after(card, T0) == dt.timedelta(days=4)  # back before the interview on the 7th


def test_new_quota_toward_an_interview():
    today = dt.date(2026, 3, 1)
    assert sched.new_quota(sched.Settings(), 500, today) == (10, None)
    settings = sched.Settings(interview_date=dt.date(2026, 3, 11))
    assert sched.new_quota(settings, 50, today) == (10, None)
    quota, note = sched.new_quota(settings, 150, today)
    assert quota == 15
    assert note == "15 new drills a day to cover the bank before the interview on 2026-03-11"
    quota, note = sched.new_quota(settings, 1000, today)
    assert quota == sched.MAX_NEW_PER_DAY
    assert note == ("1000 drills are still new and the interview is in 10 days: covering them all needs 100 a day; "
                    "at the cap of 60, 400 will not be seen before it")
    assert "has passed" in sched.new_quota(sched.Settings(interview_date=today), 5, today)[1]


def test_day_rolls_over_at_four_in_the_morning():
    assert day_start(dt.datetime(2026, 3, 2, 3, 59, tzinfo=UTC), 4) == dt.datetime(2026, 3, 1, 4, tzinfo=UTC)
    assert day_start(dt.datetime(2026, 3, 2, 4, 0, tzinfo=UTC), 4) == dt.datetime(2026, 3, 2, 4, tzinfo=UTC)
    assert drill_day(dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC), 4) == dt.date(2026, 3, 1)


def q(drill_id: str, difficulty: str = "easy") -> Question:
    return Question(id=drill_id, kind="numeric", title=drill_id, topic=drill_id.split("/")[0], prompt="p",
                    solution="1", difficulty=difficulty, content_hash="h")


def test_new_drills_easy_first_topics_in_proportion_to_their_size():
    qs = [q("sql/c", "hard"), q("sql/a", "medium"), q("sql/b", "easy"), q("prob/x", "hard"), q("prob/y", "easy")]
    assert interleave_new(qs) == ["sql/b", "prob/y", "sql/a", "prob/x", "sql/c"]


def test_the_shipped_bank_shares_new_drills_by_topic_size_and_opens_on_a_short_one():
    from collections import Counter

    from drills.bank import bundled_bank, load_bank
    from drills.queue import day_order

    questions = load_bank([bundled_bank()]).questions
    first_fifty = Counter(questions[d].topic for d in interleave_new(questions.values())[:50])
    sizes = Counter(q.topic for q in questions.values())
    for topic, size in sizes.items():  # each topic's share of the first 50 is its share of the bank
        assert abs(first_fifty[topic] - 50 * size / len(questions)) <= 1, (topic, first_fifty)
    day_one = day_order([questions[d] for d in interleave_new(questions.values())[:10]])
    assert questions[day_one[0]].time_target <= 60 and questions[day_one[0]].difficulty == "easy"
    assert [questions[d].time_target for d in day_one] != sorted(q.time_target for q in questions.values())[:10]


def record(store: Store, drill_id: str, rating: int, when: dt.datetime, settings=NOFUZZ, mode="today"):
    before = store.history.card(drill_id)
    after = sched.review(before, drill_id, rating, when, settings)
    store.history.record(Review(drill_id, when.isoformat(), rating, rating, "correct", 1000, "x", mode, "h"), after,
                         before)


def test_queue_due_first_weakest_first_then_new(tmp_path):
    questions = {i: q(i) for i in ("sql/a", "sql/b", "sql/c", "prob/n1", "prob/n2", "sql/s")}
    store = Store(tmp_path)
    record(store, "sql/a", sched.EASY, T0 - dt.timedelta(days=40))   # long overdue
    record(store, "sql/b", sched.EASY, T0 - dt.timedelta(days=9))    # just due
    record(store, "sql/c", sched.EASY, T0 - dt.timedelta(days=1))    # not due
    record(store, "sql/s", sched.EASY, T0 - dt.timedelta(days=40))
    record(store, "gone/x", sched.EASY, T0 - dt.timedelta(days=40))  # orphan: not in the bank
    store.history.suspend("sql/s", T0.isoformat())
    queue, notes = build_today(questions, store, NOFUZZ, T0)
    assert queue.due == ["sql/a", "sql/b"]
    assert queue.new == ["prob/n1", "prob/n2"]
    assert notes == []


def test_daily_limits_count_what_was_done_today(tmp_path):
    questions = {f"prob/n{i}": q(f"prob/n{i}") for i in range(12)}
    store = Store(tmp_path)
    for i in range(3):
        record(store, f"prob/n{i}", sched.GOOD, T0 - dt.timedelta(hours=1))
    queue, _ = build_today(questions, store, NOFUZZ, T0)
    assert len(queue.new) == 7  # 10 a day, 3 started today
    limited = sched.Settings(fuzz=False, reviews_per_day=0)
    queue, _ = build_today(questions, store, limited, T0 + dt.timedelta(minutes=20))
    assert queue.due == []


def test_learning_steps_come_back_in_the_same_session():
    queue = Queue(due=[], new=["x/a"], learning=[(T0 + dt.timedelta(minutes=1), "x/b")])
    assert queue.take(T0) == "x/a"
    assert queue.take(T0) == "x/b"  # nothing else left: learn ahead up to 20 minutes
    queue = Queue(due=["x/c"], new=[], learning=[(T0 - dt.timedelta(seconds=1), "x/b")])
    assert queue.take(T0) == "x/b"  # a learning step that is due goes first
    assert Queue([], [], [(T0 + dt.timedelta(hours=1), "x/b")]).take(T0) is None


def test_settings_checks():
    from drills.errors import DrillError

    assert sched.check_setting("learning-steps", "1m, 10m") == "60s 600s"
    assert sched.check_setting("interview-date", "2026-12-01") == "2026-12-01"
    for key, value in (("desired-retention", "1.5"), ("new-per-day", "-1"), ("interview-date", "soon"),
                       ("rollover-hour", "25"), ("colour", "red")):
        with pytest.raises(DrillError):
            sched.check_setting(key, value)
    parsed = sched.Settings.from_store({"learning-steps": "60s 600s", "new-per-day": "5",
                                        "interview-date": "2026-12-01"})
    assert parsed.learning_steps == (60, 600) and parsed.new_per_day == 5
    assert parsed.interview_date == dt.date(2026, 12, 1)


def test_describe_wait():
    assert sched.describe_wait(dt.timedelta(minutes=10)) == "in 10 minutes"
    assert sched.describe_wait(dt.timedelta(days=4)) == "in 4 days"
    assert sched.describe_wait(dt.timedelta(seconds=60)) == "in 1 minute"
    assert sched.describe_wait(dt.timedelta(hours=5)) == "in 5 hours"
