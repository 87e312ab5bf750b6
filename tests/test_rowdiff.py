"""A wrong SQL result as two aligned grids, and the SQL judge's smallest counterexample first."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from click.testing import CliRunner

from drills import render, rowdiff
from drills.cli import cli
from drills.model import Verdict

from .conftest import FIXTURE_BANK
from .test_cli_today import answers, drill


def test_unordered_rows_are_sorted_alike_and_matching_rows_line_up(fixture_questions):
    q = fixture_questions["sql/top-earner"]
    cols = [("department", "VARCHAR"), ("name", "VARCHAR")]
    expected = [("ops", "Di"), ("eng", "Bo"), ("eng", "Ana")]
    got = [("ops", "Ed"), ("eng", "Ana"), ("ops", "Di"), ("eng", "Cy")]
    diff = rowdiff.align(q, cols, expected, cols, got)
    assert diff.marks == [" ", "-", "+", " ", "+"]
    assert diff.expected.rows == [["eng", "Ana"], ["eng", "Bo"], None, ["ops", "Di"], None]
    assert diff.actual.rows == [["eng", "Ana"], None, ["eng", "Cy"], ["ops", "Di"], ["ops", "Ed"]]
    assert (diff.expected.total, diff.actual.total) == (3, 4)


def test_numbers_match_as_the_drill_rounds_them(fixture_questions):
    q = dataclasses.replace(fixture_questions["sql/top-earner"], float_digits=2)
    cols = [("x", "DOUBLE")]
    diff = rowdiff.align(q, cols, [(Decimal("1.50"),), (None,)], cols, [(1.499999,), (None,)])
    assert diff.marks == [" ", " "]


def test_ordered_rows_line_up_by_position(fixture_questions):
    q = fixture_questions["sql/running-total"]
    cols = [("day", "DATE"), ("total", "DECIMAL")]
    diff = rowdiff.align(q, cols, [(1, 1), (2, 3), (3, 6)], cols, [(1, 1), (3, 6)])
    assert diff.marks == [" ", "~", "-"]
    assert diff.actual.rows == [["1", "1"], ["3", "6"], None]


def test_many_rows_keep_the_differences_and_a_few_matches(fixture_questions):
    q = fixture_questions["sql/top-earner"]
    cols = [("n", "INTEGER")]
    diff = rowdiff.align(q, cols, [(i,) for i in range(100)], cols, [(i,) for i in range(3, 130)])
    assert diff.marks.count("-") == 3 and diff.marks.count("+") == 7 and diff.marks.count(" ") == 5
    assert (diff.same_hidden, diff.different_hidden) == (92, 23)


def test_check_shows_the_grids_with_signs(tmp_path):
    result = CliRunner().invoke(cli, ["--no-builtin", "--bank", str(FIXTURE_BANK), "check", "sql/top-earner",
                                      "-a", "-"], input="SELECT name, department FROM emp WHERE salary > 6")
    lines = result.output.splitlines()
    start = lines.index("expected: 3 rows  │  yours: 3 rows  (sorted alike)")
    assert [x.rstrip() for x in lines[start + 1:start + 8]] == [   # the columns are swapped
        "   department  name  │  name  department",
        "+                    │  Ana   eng",
        "+                    │  Bo    eng",
        "+                    │  Di    ops",
        "-  eng         Ana   │",
        "-  eng         Bo    │",
        "-  ops         Di    │",
    ]
    assert "- missing from yours · + not in the reference" in result.output


def test_a_session_shows_the_grids(tmp_path):
    result = drill(tmp_path, "cram", "--tag", "rank", input=answers("SELECT department, name FROM emp", ":quit"))
    assert "expected: 3 rows  │  yours: 5 rows  (sorted alike)" in result.output
    assert "+                    │  ops         Ed" in result.output


COUNTEREXAMPLE = {
    "tables": {"emp": {"columns": ["name", "department", "salary"],
                       "rows": [["Ana", "eng", "10"], ["Bo", "eng", "10"]]}},
    "expected": {"columns": ["department", "name"], "rows": [["eng", "Ana"], ["eng", "Bo"]]},
    "actual": {"columns": ["department", "name"], "rows": [["eng", "Ana"]]},
}


def test_the_smallest_counterexample_comes_first(fixture_questions, capsys):
    q = fixture_questions["sql/top-earner"]
    v = Verdict("wrong", "Expected 3 rows, got 2. Missing 1: ('eng', 'Bo').",
                {"counterexample": COUNTEREXAMPLE, "expected_rows": ["('eng', 'Ana')"], "actual_rows": [],
                 "expected_columns": ["department", "name"], "actual_columns": ["department", "name"]})
    cols = [("department", "VARCHAR"), ("name", "VARCHAR")]
    render.verdict(q, v, rows=rowdiff.align(q, cols, [("eng", "Ana"), ("eng", "Bo")], cols, [("eng", "Ana")]))
    out = capsys.readouterr().out
    heading = out.index("Your answer and the reference already differ on just 2 rows of `emp`:")
    assert heading < out.index("emp (2 rows)") < out.index("expected: 2 rows  │  yours: 1 row")
    table = out[out.index("emp (2 rows)"):]
    assert "Bo    eng         10" in table
    assert "expected" in table and "yours" in table


def test_a_counterexample_that_is_not_well_formed_is_left_out(fixture_questions, capsys):
    q = fixture_questions["sql/top-earner"]
    render.verdict(q, Verdict("wrong", "Different rows.", {"counterexample": {"tables": "x"}}))
    assert "smallest data" not in capsys.readouterr().out
