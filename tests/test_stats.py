"""drill stats on a store whose figures are known by construction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from drills import scheduler as sched
from drills.bank import load_bank
from drills.cli import cli
from drills.stats import DrillCounts, Retention, compute, to_json
from drills.store import Review, Store

from .conftest import FIXTURE_BANK

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
SETTINGS = sched.Settings(fuzz=False)


pytestmark = pytest.mark.usefixtures("utc_local_time")


def review(store, drill_id, when, rating, seconds, before, after, mode="today"):
    store.history.record(Review(drill_id, when.isoformat(timespec="microseconds"), rating, rating,
                        "correct" if rating > 1 else "wrong", int(seconds * 1000), "x", mode, "h"), after, before)


def known_store(tmp_path):
    """Two drills reviewed on known days with known ratings and times."""
    store = Store(tmp_path)
    review_card = {"card_id": 1, "state": 2, "step": None, "stability": 30.0, "difficulty": 5.0,
                   "due": (NOW + dt.timedelta(days=25)).isoformat(), "last_review": NOW.isoformat()}
    young = {**review_card, "due": (NOW + dt.timedelta(days=3)).isoformat()}
    # sql/top-earner: 3 reviews of a known card (2 kept, 1 lapse), then it is mature (25-day interval)
    review(store, "sql/top-earner", NOW - dt.timedelta(days=20), 3, 60, None, young)
    review(store, "sql/top-earner", NOW - dt.timedelta(days=10), 3, 80, young, young)
    review(store, "sql/top-earner", NOW - dt.timedelta(days=2), 1, 200, young, young)
    review(store, "sql/top-earner", NOW - dt.timedelta(hours=2), 3, 40, young, review_card)
    # probability/two-dice-seven: one new review today, due in 3 days
    review(store, "probability/two-dice-seven", NOW - dt.timedelta(hours=1), 4, 10, None, young)
    # a cram review does not count toward retention
    review(store, "sql/top-earner", NOW - dt.timedelta(hours=1), 1, 30, review_card, None, mode="cram")
    return store


def test_figures_match_the_store(tmp_path):
    questions = load_bank([FIXTURE_BANK]).questions
    s = compute(questions, known_store(tmp_path), SETTINGS, NOW)
    assert s is not None
    assert s.reviews == 6
    assert s.streak == 1
    assert len(s.heatmap) == 7 * 25 + 3  # 25 whole weeks and Monday..Wednesday of this one
    days = {d.date.isoformat(): d.reviews for d in s.heatmap}
    assert days["2026-03-18"] == 3 and days["2026-03-16"] == 1 and days["2026-03-08"] == 1
    assert sum(days.values()) == 6
    # retention: reviews of known cards (state 2 before) in today/mock mode: 2 kept of 3, too few to show
    assert s.retention_30d == Retention(true=None, reviews=3, desired=0.9, needed=20)
    assert [d.level for d in s.heatmap[-3:]] == [2, 0, 4]
    assert [m.label for m in s.heatmap_months][:2] == ["Sep", "Oct"]
    assert s.drills == DrillCounts(in_bank=4, seen=2, mature=1)
    assert [f.due for f in s.forecast][:4] == [0, 0, 0, 1]
    topics = {r.name: r for r in s.topics}
    assert topics["sql"].reviews == 5 and topics["sql"].accuracy == 0.6
    assert topics["sql"].median_seconds == 60 and topics["sql"].median_target == 90
    assert topics["sql"].mature == 1 and topics["sql"].drills_in_bank == 2
    assert topics["probability"].accuracy == 1.0
    tags = {r.name: r for r in s.tags}
    assert tags["rank"].reviews == 5 and tags["dice"].reviews == 1
    assert s.leeches == []


def test_json_and_html_and_terminal(tmp_path):
    known_store(tmp_path)
    base = ["--home", str(tmp_path), "--no-builtin", "--bank", str(FIXTURE_BANK), "stats"]
    data = json.loads(CliRunner().invoke(cli, [*base, "--json"]).output)
    assert data["reviews"] == 6 and len(data["forecast"]) == 14
    page = tmp_path / "stats.html"
    assert CliRunner().invoke(cli, [*base, "--html", str(page)]).exit_code == 0
    html = page.read_text()
    assert html.count("<svg") == 2 and "<script" not in html
    out = CliRunner().invoke(cli, base).output
    assert "Reviews per day, last 26 weeks" in out and "streak:" in out and "by topic" in out


def test_retention_waits_for_enough_reviews_and_the_heatmap_has_months_and_a_legend(tmp_path, capsys):
    from drills import render
    from drills.html import stats_page

    figures = compute(load_bank([FIXTURE_BANK]).questions, known_store(tmp_path), SETTINGS, NOW)
    html = stats_page(figures)
    assert "Shown after 20 reviews of known drills (3 so far)" in html
    assert ">Oct<" in html and ">Mar<" in html and ">less<" in html and ">more<" in html
    render.stats(render.console(), figures)
    out = capsys.readouterr().out
    assert "retention (30 days): shown after 20 reviews of known drills (3 so far)" in " ".join(out.split())
    assert "less · ░ ▒ ▓ █ more (most in a day: 3)" in out
    months = out.splitlines()[1]
    assert months.split() == ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]  # over the weeks they start in


def test_retention_shows_once_there_are_enough_reviews(tmp_path):
    store = known_store(tmp_path)
    card = {"card_id": 2, "state": 2, "step": None, "stability": 9.0, "difficulty": 5.0,
            "due": NOW.isoformat(), "last_review": (NOW - dt.timedelta(days=9)).isoformat()}
    for i in range(17):
        review(store, "sql/running-total", NOW - dt.timedelta(days=1, minutes=i), 3 if i % 4 else 1, 30, card, card)
    s = compute(load_bank([FIXTURE_BANK]).questions, store, SETTINGS, NOW)
    assert s is not None
    assert s.retention_30d.reviews == 20 and s.retention_30d.true == round(14 / 20, 3)


def test_empty_store_says_how_to_start(tmp_path):
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "stats"])
    assert result.output.startswith("No reviews yet. Start with `drill today`")
    assert json.loads(CliRunner().invoke(cli, ["--home", str(tmp_path), "stats", "--json"]).output)["empty"] is True


def test_the_json_keeps_its_keys_and_iso_dates(tmp_path):
    """Scripts read `drill stats --json`: every key at every level, and dates as ISO text."""
    store = known_store(tmp_path)
    card = {"card_id": 3, "state": 3, "step": 0, "stability": 1.0, "difficulty": 9.0,
            "due": NOW.isoformat(), "last_review": NOW.isoformat()}
    for i in range(sched.LEECH_THRESHOLD):  # a leech
        review(store, "concepts/null-in-count", NOW - dt.timedelta(days=30 - i), 1, 20, card, card)
    round_id = store.rounds.start((NOW - dt.timedelta(days=1)).isoformat(), 10, ["sql/top-earner"], {})
    store.rounds.finish(round_id, NOW.isoformat(), {}, [], {"sql/top-earner": (0.7, True)})  # a calibration
    settings = sched.Settings(fuzz=False, interview_date=dt.date(2026, 4, 1))  # a readiness
    s = json.loads(to_json(compute(load_bank([FIXTURE_BANK]).questions, store, settings, NOW)))
    assert list(s) == ["empty", "reviews", "today", "streak", "heatmap", "heatmap_months", "retention_30d",
                       "forecast", "drills", "topics", "tags", "leeches", "readiness", "calibration"]
    assert (s["empty"], s["today"], s["heatmap"][-1]["date"], s["forecast"][0]["date"]) == (
        False, "2026-03-18", "2026-03-18", "2026-03-18")
    assert list(s["heatmap"][0]) == ["date", "reviews", "level"]
    assert list(s["heatmap_months"][0]) == ["week", "label"]
    assert list(s["retention_30d"]) == ["true", "reviews", "desired", "needed"]
    assert list(s["forecast"][0]) == ["date", "due"]
    assert list(s["drills"]) == ["in_bank", "seen", "mature"]
    for row in (s["topics"][0], s["tags"][0]):
        assert list(row) == ["name", "reviews", "accuracy", "median_seconds", "median_target", "drills_seen",
                             "mature", "drills_in_bank"]
    assert s["leeches"] == [{"id": "concepts/null-in-count", "failures": 8, "title": "COUNT and NULL"}]
    assert list(s["readiness"]) == ["interview", "days_left", "desired", "recall", "recall_if_stopped",
                                    "minutes_per_day", "topics"]
    assert (s["readiness"]["interview"], s["readiness"]["days_left"]) == ("2026-04-01", 14)
    assert list(s["readiness"]["topics"][0]) == ["name", "drills", "seen", "recall", "recall_if_stopped"]
    assert list(s["calibration"]) == ["drills", "predicted", "actual", "brier", "bins"]
    assert s["calibration"]["bins"] == [{"low": 0.6, "high": 0.8, "drills": 1, "predicted": 0.7, "actual": 1.0}]
