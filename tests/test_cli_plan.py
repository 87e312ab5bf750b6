"""`drill plan`, the forecast line of `drill today`, the forecast in `drill stats`, and the
recall each mock drill was forecast next to its verdict."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from drills.clock import utc_now
from drills.scheduler import drill_day
from drills.store import Store

from .conftest import flat
from .test_cli_today import RUNNING, TOP_EARNER, answers, drill

pytestmark = pytest.mark.usefixtures("utc_local_time")


def interview_in(home, days: int) -> dt.date:
    day = drill_day(utc_now(), 4) + dt.timedelta(days=days)
    assert drill(home, "config", "interview-date", day.isoformat()).exit_code == 0
    return day


def test_without_an_interview_date_plan_says_how_to_set_one(tmp_path):
    result = drill(tmp_path, "plan")
    assert result.exit_code == 1
    assert result.stderr == "Error: no interview date: set one with `drill config interview-date YYYY-MM-DD`\n"


def test_a_fresh_start_knows_nothing_yet(tmp_path):
    interview_in(tmp_path, 12)
    result = drill(tmp_path, "plan", "--json")
    assert result.exit_code == 0, result.output
    p = json.loads(result.output)
    assert (p["days_left"], p["recall_if_stopped"], p["pace"]) == (12, 0, None)
    assert {g["name"]: (g["drills"], g["seen"]) for g in p["topics"]} == {
        "concepts": (1, 0), "probability": (1, 0), "sql": (2, 0)}
    # every drill can be seen and learnt in 12 days: the schedule reaches the desired 90%
    assert p["recall"] >= 0.9 and p["minutes_per_day"] > 0
    text = flat(drill(tmp_path, "plan"))
    assert "Interview on" in text and "12 days to go" in text and "0% if you stop now" in text
    assert "by topic" in text and "by tag" in text


def test_plan_for_chosen_topics_and_what_to_leave_out(tmp_path):
    interview_in(tmp_path, 12)
    p = json.loads(drill(tmp_path, "plan", "--topic", "sql", "--json").output)
    assert [g["name"] for g in p["topics"]] == ["sql"]
    short = json.loads(drill(tmp_path, "plan", "--minutes", "1", "--json").output)
    assert short["budget"] == 1 and short["drop"]
    assert "sql" in short["drop"]  # 90-second drills cost most per drill known
    assert "Short of time: at 1 min/day, leave out" in flat(drill(tmp_path, "plan", "--minutes", "1"))


def test_today_opens_with_the_forecast_line(tmp_path):
    interview_in(tmp_path, 12)
    result = drill(tmp_path, "today", input=answers(":quit"))
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("12 days to go · recall on the day ") and "min/day" in first
    assert "days to go" not in drill(tmp_path / "other", "today", input=answers(":quit")).output


def test_stats_show_the_forecast_per_topic_and_its_calibration(tmp_path):
    interview_in(tmp_path, 12)
    for tag, answer in (("rank", TOP_EARNER), ("running-total", "SELECT 1")):
        assert drill(tmp_path, "mock", "--count", "1", "--tag", tag, input=answers(answer)).exit_code == 0
    # both drills were unseen: forecast 0% recall; one was answered correctly
    assert Store(tmp_path).fits.predictions() == [(0.0, 1), (0.0, 0)]
    # seen now: the next round's forecast is the card's recall, not 0
    assert drill(tmp_path, "mock", "--count", "1", "--tag", "running-total", input=answers(RUNNING)).exit_code == 0
    predicted, correct = Store(tmp_path).fits.predictions()[-1]
    assert 0.9 < predicted <= 1 and correct == 1
    s = json.loads(drill(tmp_path, "stats", "--json").output)
    assert s["calibration"]["drills"] == 3 and s["calibration"]["actual"] == pytest.approx(2 / 3)
    assert {t["name"] for t in s["readiness"]["topics"]} == {"concepts", "probability", "sql"}
    text = flat(drill(tmp_path, "stats"))
    assert "Recall on the interview day" in text and "Forecast against mock rounds (3 drills)" in text
    page = tmp_path / "stats.html"
    assert drill(tmp_path, "stats", "--html", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert 'aria-label="recall on the interview day per topic"' in html and "Forecast against mock rounds" in html


def test_forecasts_and_fitted_parameters_travel_with_the_export(tmp_path):
    from drills.scheduler import default_parameters

    source = tmp_path / "laptop"
    assert drill(source, "mock", "--count", "1", "--tag", "rank", input=answers(TOP_EARNER)).exit_code == 0
    fitted = [round(w * 1.01, 4) for w in default_parameters()]
    with Store(source) as store:
        store.fits.save("2026-03-02T09:00:00.000000+00:00", fitted, 500, {"tested": 100})
    export = tmp_path / "progress.json"
    assert drill(source, "export", str(export)).exit_code == 0
    home = tmp_path / "desktop"
    assert drill(home, "import", str(export)).exit_code == 0
    with Store(home) as store:
        assert store.fits.predictions() == [(0.0, 1)]
        assert store.fits.current()["parameters"] == fitted
    assert drill(home, "config").output.splitlines()[-1].startswith("parameters = fitted 2026-03-02")
    assert drill(home, "import", str(export)).exit_code == 0  # twice: nothing doubled
    with Store(home) as store:
        assert store.fits.predictions() == [(0.0, 1)]
        assert store.db.execute("SELECT count(*) FROM fits").fetchone()[0] == 1


def test_parameters_the_scheduler_refuses_are_refused_at_import(tmp_path):
    data = {"format": "drill-progress", "schema": 3, "fits": [
        {"fitted_at": "2026-03-02T09:00:00+00:00", "parameters": [100] * 21, "reviews": 1, "figures": {}}]}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = drill(tmp_path / "home", "import", str(path))
    assert result.exit_code == 2
    assert "fits[0].parameters: are outside the bounds the scheduler accepts" in result.stderr
    assert Store(tmp_path / "home").fits.current() is None
