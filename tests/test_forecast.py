"""The plan's arithmetic on small hand-computed cases, and calibration."""

from __future__ import annotations

import datetime as dt

import pytest

from drills import forecast
from drills import scheduler as sched
from drills.forecast import Costs, Drill, Group, Plan

W = sched.default_parameters()
TODAY = dt.date(2026, 3, 2)
T0 = (TODAY - forecast.EPOCH).days
SURE = 1e9  # a stability so large that recall stays 100% for the days these tests span


def settings(days_left: int = 10, **kw) -> sched.Settings:
    return sched.Settings(interview_date=TODAY + dt.timedelta(days=days_left), fuzz=False, **kw)


def seen(drill_id: str, topic: str, stability: float, last: int, due: int, passed: float = 60) -> Drill:
    return Drill(drill_id, topic, (topic + "-tag",), Costs(passed, passed, passed), stability, 5.0, T0 + last,
                 T0 + due)


def unseen(drill_id: str, topic: str, new: float = 300, passed: float = 120) -> Drill:
    return Drill(drill_id, topic, (topic + "-tag",), Costs(new, passed, passed))


def test_the_forgetting_curve_is_90_percent_at_the_stability():
    assert forecast.recall(7, 7, W) == pytest.approx(0.9, abs=1e-12)
    assert forecast.recall(0, 7, W) == 1.0


def test_recall_if_stopped_counts_unseen_drills_as_not_known():
    # a drill last seen 10 days before the interview with a stability of 10 days: 90% on the day;
    # its due date is after the interview, so the schedule adds nothing
    drills = [seen("sql/a", "sql", 10, last=0, due=10), unseen("sql/b", "sql")]
    (sql,) = forecast.build_plan(drills, settings(), TODAY, None, None).topics
    assert sql.recall_if_stopped == pytest.approx((0.9 + 0) / 2)
    assert (sql.drills, sql.seen) == (2, 1)
    alone = forecast.build_plan(drills[:1], settings(), TODAY, None, None)
    assert alone.recall == pytest.approx(0.9)  # nothing due before the interview: nothing changes
    assert alone.minutes_per_day == 0
    assert [(g.name, g.recall_if_stopped) for g in alone.tags] == [("sql-tag", pytest.approx(0.9))]


def test_minutes_a_day_add_up_the_reviews_the_cap_brings():
    # due today, remembered for sure: reviewed today (60 s), then the cap brings it back on the day
    # before the interview (60 s) and no later: 120 s over 10 days = 0.2 minutes a day
    p = forecast.build_plan([seen("sql/a", "sql", SURE, last=-1, due=0)], settings(), TODAY, None, None)
    assert p.minutes_per_day == pytest.approx(0.2, abs=1e-4)
    assert p.recall == pytest.approx(1.0, abs=1e-4)


def test_new_drills_cost_the_first_answer_and_each_learning_step():
    outcomes = forecast.simulate([unseen("sql/a", "sql", new=300, passed=120)], W, T0, T0 + 1, 0.9,
                                 new_per_day=1, learning_steps=2, relearning_steps=1)
    # one day left: introduced today (300 s + 2 steps x 120 s), no day after it before the interview
    assert outcomes["sql/a"].seconds == 540
    assert outcomes["sql/a"].reviews == 3
    assert 0 < outcomes["sql/a"].recall < 1 and outcomes["sql/a"].recall_if_stopped == 0


def test_drills_the_quota_cannot_reach_before_the_interview_stay_unknown():
    drills = [unseen(f"sql/{n}", "sql") for n in "abc"]
    outcomes = forecast.simulate(drills, W, T0, T0 + 2, 0.9, new_per_day=1, learning_steps=0, relearning_steps=0)
    assert outcomes["sql/c"] == forecast.Outcome(0.0, 0.0, 0.0, 0.0)  # its turn would be the interview day
    assert outcomes["sql/a"].seconds == 300 + 120  # today, and back the day before the interview
    assert outcomes["sql/b"].seconds == 300        # tomorrow, which is already the day before


def test_a_failure_costs_the_failed_answer_and_a_relearning_step():
    # stability 1 day, last seen 1 day ago: 90% recall when reviewed today
    drill = Drill("sql/a", "sql", (), Costs(0, 100, 400), 1.0, 5.0, T0 - 1, T0)
    outcomes = forecast.simulate([drill], W, T0, T0 + 1, 0.9, new_per_day=0, learning_steps=0, relearning_steps=1)
    assert outcomes["sql/a"].seconds == pytest.approx(0.9 * 100 + 0.1 * (400 + 100))
    assert outcomes["sql/a"].reviews == pytest.approx(1.1)


def test_short_of_time_it_leaves_out_the_topic_worth_least_per_minute():
    drills = [seen("sql/a", "sql", SURE, last=-1, due=0),                   # 0.2 min/day, recall 100%
              unseen("algorithms/b", "algorithms", new=3000, passed=600)]  # minutes a day for one drill
    p = forecast.build_plan(drills, settings(), TODAY, None, budget=1.0)
    assert p.minutes_per_day > 1.0
    assert p.drop == ["algorithms"]
    recall, minutes = p.after_drop
    assert recall == pytest.approx(1.0, abs=1e-4) and minutes == pytest.approx(0.2, abs=1e-4)
    assert forecast.build_plan(drills, settings(), TODAY, None, budget=1000).drop == []


def plan_of(minutes: float, pace: float | None) -> Plan:
    group = Group("sql", 10, 8, 0.5, 0.81, minutes)
    return Plan(TODAY + dt.timedelta(days=12), 12, 0.9, 0.5, 0.81, minutes, pace, pace, [group], [group])


def test_the_header_line():
    assert plan_of(17.2, 20).header() == "12 days to go · recall on the day 81% · on track at 18 min/day"
    assert plan_of(17.2, 9.4).header() == "12 days to go · recall on the day 81% · needs 18 min/day (lately 10)"
    assert plan_of(17.2, None).header() == "12 days to go · recall on the day 81% · needs 18 min/day"


def test_calibration_in_bins():
    c = forecast.calibration([(0.9, 1), (0.9, 1), (0.9, 0), (0.1, 0), (1.0, 1)])
    assert (c.drills, c.predicted, c.actual) == (5, pytest.approx(0.76), pytest.approx(0.6))
    assert c.brier == pytest.approx((0.01 + 0.01 + 0.81 + 0.01 + 0) / 5)
    low, high = c.bins
    assert (low.low, low.high, low.drills, low.predicted, low.actual) == (0, 0.2, 1, pytest.approx(0.1), 0)
    assert (high.low, high.drills, high.predicted, high.actual) == (0.8, 4, pytest.approx(0.925), 0.75)
    assert forecast.calibration([]) is None


def test_mean_recall_is_the_area_under_the_forgetting_curve():
    # S = 10, no review for 10 days: the mean of R(t) over t in [0, 10], by the trapezoid rule on 10,000 steps
    steps = 10_000
    trapezoid = sum(forecast.recall(10 * (i + 0.5) / steps, 10, W) for i in range(steps)) / steps
    assert forecast.recall_area(0, 10, 10, W) / 10 == pytest.approx(trapezoid, abs=1e-6)
    outcomes = forecast.simulate([seen("sql/a", "sql", 10, last=0, due=10)], W, T0, T0 + 10, 0.9, 0, 0, 0)
    assert outcomes["sql/a"].mean_recall == pytest.approx(trapezoid, abs=1e-6)
