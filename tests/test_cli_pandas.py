"""A pandas drill through every command a person uses: check, show, today, mock, stats, validate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli import cli
from drills.store import Store

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox tests target Linux")

BANK = Path(__file__).parent / "fixtures" / "pandas"
DRILL = "pandas/salary-by-dept"
RIGHT = 'def solve(emp):\n    return emp.groupby("dept", dropna=False)["salary"].mean().reset_index()\n'
DROPS_NAN = 'def solve(emp):\n    return emp.groupby("dept")["salary"].mean().reset_index()\n'


def drill(home: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--home", str(home), "--no-builtin", "--bank", str(BANK), *args], input=input)


def test_check_shows_the_smallest_counterexample_as_grids_and_json(tmp_path):
    assert drill(tmp_path, "check", DRILL, "--answer-file", "-", input=RIGHT).exit_code == 0
    text = drill(tmp_path, "check", DRILL, "--answer-file", "-", input=DROPS_NAN)
    assert text.exit_code == 1
    assert "Missing 1: (NULL, 40)" in text.output
    # the one row that matters: the employee without a department
    assert "Your answer and the reference already differ on just 1 row of `emp`:" in text.output
    grid = text.output.split("already differ")[1].splitlines()
    assert grid[2].split() == ["id", "dept", "salary", "hired"]
    assert grid[3].split() == ["4", "NULL", "40", "2022-02-02"]
    data = json.loads(drill(tmp_path, "check", DRILL, "--answer-file", "-", "--json", input=DROPS_NAN).output)
    found = data["details"]["counterexample"]
    assert found["tables"]["emp"]["rows"] == [["4", "NULL", "40", "2022-02-02"]]
    assert found["expected"] == {"columns": ["dept", "avg_salary"], "rows": [["NULL", "40"]]}
    assert found["actual"]["rows"] == []


def test_a_counterexample_keeps_every_table_a_difference_needs(tmp_path):
    # summing instead of averaging shows only with two salaries in one department
    sums = 'def solve(emp):\n    return emp.groupby("dept", dropna=False)["salary"].sum().reset_index()\n'
    data = json.loads(drill(tmp_path, "check", DRILL, "--answer-file", "-", "--json", input=sums).output)
    rows = data["details"]["counterexample"]["tables"]["emp"]["rows"]
    assert len(rows) == 2 and {r[1] for r in rows} == {"'eng'"}
    assert data["details"]["counterexample"]["actual"]["rows"] == [["'eng'", "151"]]


def test_show_lists_the_tables_and_the_function(tmp_path):
    result = drill(tmp_path, "show", DRILL)
    assert result.exit_code == 0, result.output
    assert "Mean salary per department" in result.output
    assert "emp" in result.output and "2022-02-02" in result.output


def test_today_mock_and_stats_count_a_pandas_drill(tmp_path):
    session = drill(tmp_path, "today", input=f"{DROPS_NAN}---\n{RIGHT}---\n:quit\n")
    assert session.exit_code == 0, session.output
    assert "already differ on just 1 row of `emp`" in session.output
    reviews = Store(tmp_path).history.reviews()
    assert [(r.drill_id, r.verdict) for r in reviews][:1] == [(DRILL, "wrong")]
    stats = json.loads(drill(tmp_path, "stats", "--json").output)
    assert stats["reviews"] == len(reviews) and [t["name"] for t in stats["topics"]] == ["pandas"]

    round_ = drill(tmp_path, "mock", "--count", "1", "--seed", "1", input=f"{RIGHT}---\n:done\n")
    assert round_.exit_code == 0, round_.output
    assert "Score: 1/1 (100%)" in round_.output
    assert Store(tmp_path).history.reviews()[-1].mode == "mock"


def test_validate_proves_the_drill_and_its_mutants(tmp_path):
    result = drill(tmp_path, "validate", "--mutants", "--fresh", str(BANK / "pandas" / "salary-by-dept.yaml"))
    assert result.exit_code == 0, result.output
    assert "mutation score, pandas:" in result.output and "(100.0%)" in result.output
