"""`drill config`: human formats in and out, errors that say the format, and what an interview
date changes."""

from __future__ import annotations

import datetime as dt

import pytest

from drills.clock import utc_now
from drills.scheduler import drill_day
from drills.store import Store

from .test_cli_today import answers, drill

pytestmark = pytest.mark.usefixtures("utc_local_time")


def test_settings_read_and_show_in_human_formats(tmp_path):
    assert drill(tmp_path, "config", "desired-retention", "85%").output == "desired-retention = 85%\n"
    assert drill(tmp_path, "config", "learning-steps", "90s,10m").output == "learning-steps = 90s 10m\n"
    assert drill(tmp_path, "config", "relearning-steps", "none").output == "relearning-steps = none\n"
    assert Store(tmp_path).settings.all()["desired-retention"] == "0.85"
    shown = drill(tmp_path, "config").output
    assert "rollover-hour = 4 (4 am)" in shown and "interview-date = -" in shown and "topics = all" in shown
    assert drill(tmp_path, "config", "rollover-hour", "--unset").output == \
        "rollover-hour is back to its default: 4 (4 am)\n"


@pytest.mark.parametrize("key, value, message", [
    ("interview-date", "next friday", "'next friday' is not a valid interview-date: use YYYY-MM-DD, such as "),
    ("desired-retention", "1.5", "use a share such as 0.9 or 90%, from 70% to 99%"),
    ("new-per-day", "ten", "'ten' is not a valid new-per-day: use a whole number from 0 to 9999"),
    ("learning-steps", "soon", "use durations such as '1m 10m'"),
    ("topics", "algo", "no drills in topic algo; topics: concepts, probability, sql"),
])
def test_a_bad_value_says_the_format(tmp_path, key, value, message):
    result = drill(tmp_path, "config", key, value)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and Store(tmp_path).settings.all() == {}


def test_a_past_interview_date_is_refused_and_a_future_one_says_what_changes(tmp_path):
    today = drill_day(utc_now(), 4)
    past = drill(tmp_path, "config", "interview-date", str(today - dt.timedelta(days=1)))
    assert past.exit_code == 1 and "is in the past" in past.output
    drill(tmp_path, "config", "new-per-day", "1")
    drill(tmp_path, "today", "--topic", "concepts", input=answers("x", "good", ":quit"))
    result = drill(tmp_path, "config", "interview-date", str(today + dt.timedelta(days=2)))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"interview-date = {today + dt.timedelta(days=2)}",
        "The interview is in 2 days: intervals stop at 1 day, so the 1 drill you have started will come back "
        "before it.",
        "New drills a day: 1 → 2, to see all 3 unseen drills by then.",
    ]


def test_topics_leave_the_rest_out_of_today_and_due(tmp_path):
    assert drill(tmp_path, "config", "topics", "sql").output == "topics = sql\n"
    out = drill(tmp_path, "today", input=answers(":quit")).output
    assert "Top earner per department" in out or "Running total in order" in out
    assert "COUNT and NULL" not in out and "Sum of seven" not in out
    assert drill(tmp_path, "due").output.startswith("due now: 0 · new today: 2 ·")
    flags = drill(tmp_path, "today", "--topic", "probability", input=answers(":quit")).output
    assert "Sum of seven" in flags
    tags = drill(tmp_path, "today", "--tag", "running-total", input=answers(":quit")).output
    assert "Running total in order" in tags and "Top earner" not in tags
