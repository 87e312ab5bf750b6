"""A mock round's report as typed figures: the JSON the store and export files hold reads back
to the same JSON, reports written by earlier versions still load, and the schema an import is
checked against names the same fields as the types."""

from __future__ import annotations

import copy
import json
from dataclasses import MISSING, fields

import pytest

from drills.report import (
    REPORT_SCHEMA,
    DrillResult,
    NotAttempted,
    RoundReport,
    TagAdvice,
    TopicScore,
    TrendPoint,
)
from drills.store import Store

from .test_cli_today import answers, drill

# A report as drill stores it today: a round quit after one wrong answer (two drills not attempted).
STORED = {
    "round": 1, "started_at": "2026-12-07T13:12:02.923831+00:00", "minutes": 30.0, "used_s": 0.8,
    "correct": 0, "answered": 1, "total": 1, "score": 0.0, "seconds_per_drill": 0.0,
    "not_attempted": [{"id": "probability/two-dice-seven", "title": "Sum of seven"},
                      {"id": "sql/top-earner", "title": "Top earner per department"}],
    "per_topic": {"sql": {"correct": 0, "total": 1}},
    "drills": [{
        "id": "sql/running-total", "title": "Running total in order", "topic": "sql",
        "tags": ["window-functions", "running-total"], "outcome": "error",
        "message": "Parser Error: syntax error at or near \"1\"\n\nLINE 1: 1/11\n        ^", "seconds": 0.0,
        "target": 90, "solution": "SELECT day, sum(amount) OVER (ORDER BY day) AS total FROM sales ORDER BY day",
        "explanation": "A window SUM ordered by day accumulates.",
        "see_also": ["https://duckdb.org/docs/stable/sql/functions/window_functions"], "kind": "sql",
        "answer": "1/11\n"}],
    "weakest_tags": [
        {"tag": "running-total", "correct": 0, "total": 1,
         "read": ["https://duckdb.org/docs/stable/sql/functions/window_functions"],
         "practise": "drill cram --tag running-total"},
        {"tag": "window-functions", "correct": 0, "total": 1,
         "read": ["https://duckdb.org/docs/stable/sql/functions/window_functions"],
         "practise": "drill cram --tag window-functions"}],
    "trend": [{"id": 1, "started_at": "2026-12-07T13:12:02.923831+00:00", "score": 0.0, "seconds_per_drill": 0.0}],
}

# A report as the first drill with mock rounds stored it: no `not_attempted`, no drill `kind` or `answer`.
FIRST_FORM = {
    "round": 3, "started_at": "2026-03-02T09:00:00+00:00", "minutes": 10, "used_s": 75.5,
    "correct": 1, "answered": 2, "total": 2, "score": 50.0, "seconds_per_drill": 37.8,
    "per_topic": {"probability": {"correct": 0, "total": 1}, "sql": {"correct": 1, "total": 1}},
    "drills": [
        {"id": "probability/two-dice-seven", "title": "Sum of seven", "topic": "probability", "tags": ["dice"],
         "outcome": "wrong", "message": "Wrong: 1/11", "seconds": 40.0, "target": 30, "solution": "1/6",
         "explanation": "Six of the 36 ordered pairs sum to 7.", "see_also": ["https://en.wikipedia.org/wiki/Dice"]},
        {"id": "sql/top-earner", "title": "Top earner per department", "topic": "sql", "tags": ["rank"],
         "outcome": "correct", "message": "Correct.", "seconds": 35.5, "target": 90, "solution": None,
         "explanation": None, "see_also": []}],
    "weakest_tags": [{"tag": "dice", "correct": 0, "total": 1, "read": ["https://en.wikipedia.org/wiki/Dice"],
                      "practise": "drill cram --tag dice"}],
    "trend": [{"id": 3, "started_at": "2026-03-02T09:00:00+00:00", "score": 50.0, "seconds_per_drill": 37.8}],
}


def test_a_stored_report_reads_back_to_the_same_json():
    report = RoundReport.from_dict(STORED)
    assert report.drills[0].answer == "1/11\n" and report.not_attempted[1].title == "Top earner per department"
    assert report.per_topic["sql"] == TopicScore(correct=0, total=1)
    assert json.dumps(report.to_dict()) == json.dumps(STORED)  # the same keys in the same order


def test_a_report_in_the_first_form_loads_with_what_it_lacks_left_empty():
    report = RoundReport.from_dict(FIRST_FORM)
    assert report.not_attempted == []
    assert [(d.kind, d.answer) for d in report.drills] == [("", None), ("", None)]
    assert [d.id for d in report.missed] == ["probability/two-dice-seven"]
    assert report.drills[0].slow and not report.drills[1].slow  # 40 s against a 30 s target
    assert report.to_dict() == {**FIRST_FORM, "not_attempted": [],
                                "drills": [{**d, "kind": "", "answer": None} for d in FIRST_FORM["drills"]]}


def test_keys_this_version_does_not_know_are_left_out_and_a_missing_one_is_named():
    newer = copy.deepcopy(STORED)
    newer["mood"] = "calm"
    newer["drills"][0]["hints"] = 2
    assert RoundReport.from_dict(newer).to_dict() == STORED
    broken = copy.deepcopy(STORED)
    del broken["drills"][0]["outcome"]
    with pytest.raises(ValueError, match="without 'outcome'"):
        RoundReport.from_dict(broken)


@pytest.mark.parametrize(("cls", "node"), [
    (RoundReport, REPORT_SCHEMA),
    (DrillResult, REPORT_SCHEMA["properties"]["drills"]["items"]),
    (NotAttempted, REPORT_SCHEMA["properties"]["not_attempted"]["items"]),
    (TopicScore, REPORT_SCHEMA["properties"]["per_topic"]["additionalProperties"]),
    (TagAdvice, REPORT_SCHEMA["properties"]["weakest_tags"]["items"]),
    (TrendPoint, REPORT_SCHEMA["properties"]["trend"]["items"]),
])
def test_the_import_schema_names_the_fields_of_the_types(cls, node):
    names = [f.name for f in fields(cls)]
    required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    assert set(node["properties"]) == set(names)
    assert set(node["required"]) == set(required)  # what an old report may lack has a default


def test_an_export_holding_a_first_form_report_imports_and_shows(tmp_path):
    export = {"format": "drill-progress", "schema": 1, "mock_rounds": [{
        "started_at": "2026-03-02T09:00:00+00:00", "minutes": 10,
        "drill_ids": ["probability/two-dice-seven", "sql/top-earner"], "options": {"feedback": "end"},
        "used_s": 75.5, "status": "finished", "finished_at": "2026-03-02T09:02:00+00:00", "report": FIRST_FORM,
        "answers": [{"drill_id": "probability/two-dice-seven", "answer": "1/11", "seconds": 40.0,
                     "updated_at": "2026-03-02T09:00:40+00:00"}]}]}
    file = tmp_path / "old.json"
    file.write_text(json.dumps(export))
    home = tmp_path / "home"
    assert drill(home, "import", str(file)).output == "imported 0 new reviews, updated 0 cards, added 1 mock round\n"
    stored = Store(home).rounds.get(1)["report"]
    assert stored == {**RoundReport.from_dict(FIRST_FORM).to_dict(), "round": 1}  # kept in today's form
    shown = drill(home, "mock", "--report", "1")
    assert shown.exit_code == 0, shown.output
    assert "Score: 1/2 (50%)" in shown.output and "missed: Sum of seven" in shown.output
    assert "Your answer" not in shown.output and "Reference" in shown.output
    assert "1/2 (50%)" in drill(home, "mock", "--history").output
    page = tmp_path / "old.html"
    assert drill(home, "mock", "--report", "1", "--html", str(page)).exit_code == 0
    assert "Sum of seven" in page.read_text()


def test_a_first_form_report_in_the_store_counts_in_the_next_rounds_trend(tmp_path):
    store = Store(tmp_path)
    old = store.rounds.start("2026-03-02T09:00:00+00:00", 10, ["probability/two-dice-seven", "sql/top-earner"], {})
    store.rounds.finish(old, "2026-03-02T09:02:00+00:00", {**FIRST_FORM, "round": old}, [])
    result = drill(tmp_path, "mock", "--count", "1", "--topic", "probability", input=answers("1/6"))
    assert result.exit_code == 0, result.output
    assert "Trend over your last rounds: score 50% → 100%; time per drill 0:37 →" in " ".join(result.output.split())
    assert "Score: 1/2 (50%)" in drill(tmp_path, "mock", "--report", str(old)).output
