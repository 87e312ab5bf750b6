from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from click.testing import CliRunner

from drills.cli import cli
from drills.judge import judge
from drills.mutants import Mutant, judge_mutants, mutants_for, scores

# a drill whose data has no tie at the top: RANK and ROW_NUMBER cannot be told apart
NO_TIES = """\
id: sql/top-paid
kind: sql
title: Top paid per department
topic: sql
difficulty: easy
time_target: 60
prompt: Return `department, name` of the best-paid employee(s) of each department; keep ties.
setup: |
  CREATE TABLE emp (name VARCHAR, department VARCHAR, salary INTEGER);
  INSERT INTO emp VALUES ('Ana', 'eng', 10), ('Cy', 'eng', 5), ('Di', 'ops', 7), ('Ed', 'ops', 6);
extra_setups:
  - |
    CREATE TABLE emp (name VARCHAR, department VARCHAR, salary INTEGER);
    INSERT INTO emp VALUES ('Fa', 'eng', 3), ('Gu', 'eng', 8), ('Ho', 'ops', 9);
solution: |
  SELECT department, name FROM emp
  QUALIFY rank() OVER (PARTITION BY department ORDER BY salary DESC) = 1
hints: [Rank within each department.]
explanation: RANK keeps ties at 1.
see_also: [https://duckdb.org/docs/stable/sql/functions/window_functions]
wrong_answers:
  - answer: SELECT department, max(name) FROM emp GROUP BY department
    why: max(name) is not the top salary
  - answer: SELECT department, name FROM emp
    why: every employee
"""


@pytest.fixture
def no_ties(tmp_path, monkeypatch):
    monkeypatch.setattr("drills.judge.sql.SEARCH_BUDGET", 2.0)  # the equivalent mutant's search gives up sooner
    path = tmp_path / "bank" / "sql" / "top-paid.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(NO_TIES)
    return path


def _load(path):
    from drills.bank import load_file

    return load_file(path, path.parents[1])


def test_sql_mutants_have_stable_ids_in_tree_order(fixture_questions):
    q = fixture_questions["sql/top-earner"]
    mutants = mutants_for(q)
    ids = [m.id for m in mutants]
    # pre-order: QUALIFY, then its window, the ranking function, the window's sort key, the constant
    assert ids == ["drop-qualify-condition#1", "drop-partition-by#1", "drop-window-order-by#1",
                   "reverse-window-order-by#1", "rank->dense_rank#1", "rank->row_number#1", "desc->asc#1",
                   "constant+1#1", "constant-1#1"]
    assert len(set(ids)) == len(ids)
    assert ids == [m.id for m in mutants_for(q)]
    dense = next(m for m in mutants if m.id == "rank->dense_rank#1")
    assert "DENSE_RANK() OVER (PARTITION BY department" in dense.source
    assert all(isinstance(m, Mutant) and m.description and m.source.strip() for m in mutants)


@pytest.mark.parametrize("operator, reference, fragment", [
    ("lt->le", "SELECT x FROM t WHERE x < 3", "x <= 3"),
    ("ge->gt", "SELECT x FROM t WHERE x >= 3", "x > 3"),
    ("drop-where-condition", "SELECT x FROM t WHERE x > 1 AND x < 5", "WHERE\n  x < 5"),
    ("inner->left", "SELECT a.x FROM t a JOIN t b ON a.x = b.x", "LEFT JOIN"),
    ("left->inner", "SELECT a.x FROM t a LEFT JOIN t b ON a.x = b.x", "JOIN t AS b"),
    ("on->where", "SELECT a.x FROM t a LEFT JOIN t b ON a.x = b.x AND b.x > 1", "WHERE\n  b.x > 1"),
    ("count-star->count-col", "SELECT count(*) FROM t a LEFT JOIN t b ON a.x = b.x", "COUNT(b.x)"),
    ("count-col->count-star", "SELECT count(x) FROM t", "COUNT(*)"),
    ("count->count-distinct", "SELECT count(x) FROM t", "COUNT(DISTINCT x)"),
    ("count-distinct->count", "SELECT count(DISTINCT x) FROM t", "COUNT(x)"),
    ("drop-distinct", "SELECT DISTINCT x FROM t", "SELECT\n  x"),
    ("union->union-all", "SELECT x FROM t UNION SELECT x FROM t", "UNION ALL"),
    ("union-all->union", "SELECT x FROM t UNION ALL SELECT x FROM t", "UNION\n"),
    ("div->intdiv", "SELECT x / 2 FROM t", "TRUNC(x / 2)"),
    ("drop-coalesce", "SELECT coalesce(x, 0) FROM t", "SELECT\n  x\n"),
    ("round->trunc", "SELECT round(x / 3, 2) FROM t", "TRUNC(x / 3, 2)"),
    ("lag-offset+1", "SELECT lag(x) OVER (ORDER BY x) FROM t", "LAG(x, 2)"),
    ("lag-default-0", "SELECT lag(x) OVER (ORDER BY x) FROM t", "LAG(x, 1, 0)"),
    ("lag->lead", "SELECT lag(x) OVER (ORDER BY x) FROM t", "LEAD(x)"),
    ("rows->range", "SELECT sum(x) OVER (ORDER BY x ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t", "RANGE BETWEEN"),
    ("frame-start+1", "SELECT sum(x) OVER (ORDER BY x ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t", "3 PRECEDING"),
    ("default-frame->rows", "SELECT sum(x) OVER (ORDER BY x) FROM t", "ROWS BETWEEN UNBOUNDED PRECEDING"),
    ("reverse-window-order-by", "SELECT row_number() OVER (ORDER BY x) FROM t", "ORDER BY x DESC"),
    ("drop-window-order-by", "SELECT sum(x) OVER (PARTITION BY x ORDER BY x) FROM t", "OVER (PARTITION BY x)"),
    ("null-safe-eq->eq", "SELECT x FROM t WHERE x IS NOT DISTINCT FROM 1", "x = 1"),
    ("constant+1", "SELECT x FROM t QUALIFY row_number() OVER (ORDER BY x) <= 3", "<= 4"),
    ("max->min", "SELECT max(x) FROM t", "MIN(x)"),
])
def test_each_operator(fixture_questions, operator, reference, fragment):
    q = dataclasses.replace(fixture_questions["sql/top-earner"], solution=reference)
    sources = [m.source for m in mutants_for(q) if m.operator == operator]
    assert sources, [m.operator for m in mutants_for(q)]
    assert any(fragment in s for s in sources), sources


def test_final_order_by_is_mutated_only_where_order_matters(fixture_questions):
    ordered = fixture_questions["sql/running-total"]
    assert any(m.operator == "drop-final-order-by" for m in mutants_for(ordered))
    unordered = dataclasses.replace(ordered, ordered=False)
    assert not any(m.operator == "drop-final-order-by" for m in mutants_for(unordered))
    # the window's sort key is flipped either way; the final one only where order matters
    flips = [m.source for m in mutants_for(unordered) if m.operator == "asc->desc"]
    assert len(flips) == 1 and "ORDER BY day DESC)" in flips[0]
    assert len([m for m in mutants_for(ordered) if m.operator == "asc->desc"]) == 2


def test_kinds_without_a_mutants_module_have_none(fixture_questions):
    assert mutants_for(fixture_questions["probability/two-dice-seven"]) == []


def test_survivors_and_acknowledgements(no_ties):
    q = _load(no_ties)
    result = judge_mutants(q)
    survivors = {j.mutant.id for j in result.survivors}
    assert {"rank->row_number#1", "rank->dense_rank#1"} <= survivors
    assert all(judge(q, j.mutant.source).correct for j in result.survivors)
    acknowledged = dataclasses.replace(q, equivalent_mutants=(
        {"mutant": "rank->dense_rank#1", "why": "both give 1 to the rows tied at the top"},
        {"mutant": "lt->le#7", "why": "stale"},
        {"mutant": "drop-partition-by#1", "why": "not equivalent"},
    ))
    result = judge_mutants(acknowledged)
    assert "rank->dense_rank#1" not in {j.mutant.id for j in result.survivors}
    assert [j.mutant.id for j in result.equivalent] == ["rank->dense_rank#1"]
    assert result.unknown_acknowledgements == ["lt->le#7"]
    assert result.killed_acknowledgements == ["drop-partition-by#1"]
    score = scores([result])["sql"]
    assert score.equivalent == 1 and score.killed == score.total - len(result.survivors) - 1


def test_a_mutant_that_raises_is_killed(fixture_questions):
    q = fixture_questions["sql/top-earner"]
    result = judge_mutants(q, [Mutant("x#1", "x", "broken", "SELEC nothing")])
    assert result.judged[0].killed and result.judged[0].outcome == "error"


def test_validate_mutants_lists_survivors_with_a_diff_and_data_that_kills(no_ties):
    result = CliRunner().invoke(cli, ["--no-builtin", "--bank", str(no_ties.parents[1]), "validate", "--mutants",
                                      str(no_ties)])
    assert result.exit_code == 1, result.output
    out = result.output
    assert f"{no_ties}:15: mutant rank->row_number#1 survives (RANK replaced by ROW_NUMBER)" in out
    assert "    -  RANK() OVER (PARTITION BY department ORDER BY salary DESC) = 1" in out
    assert "    +  ROW_NUMBER() OVER (PARTITION BY department ORDER BY salary DESC) = 1" in out
    assert "data that kills it (check that it fits the prompt, then add it to extra_setups):" in out
    assert "mutation score, sql: " in out
    # the data it printed kills the mutant when pasted as a dataset
    lines = out.split("data that kills it (check that it fits the prompt, then add it to extra_setups):\n", 1)[1]
    script = "\n".join(line[4:] for line in lines.splitlines() if line.startswith("    ") and
                       not line.startswith("    --"))
    script = script.split(";\n", 2)
    setup = ";\n".join(script[:2]) + ";"
    q = _load(no_ties)
    mutant = next(m for m in mutants_for(q) if m.id == "rank->row_number#1")
    fixed = dataclasses.replace(q, extra_setups=(*q.extra_setups, setup), content_hash="with-killing-data")
    assert not judge(fixed, mutant.source).correct
    assert judge(fixed, q.solution).correct


def test_validate_mutants_passes_when_survivors_are_acknowledged(no_ties):
    tie = "  INSERT INTO emp VALUES ('Ana', 'eng', 10), ('Bo', 'eng', 10),"
    text = NO_TIES.replace("  INSERT INTO emp VALUES ('Ana', 'eng', 10),", tie)
    text += ("equivalent_mutants:\n  - mutant: rank->dense_rank#1\n"
             "    why: both give 1 to exactly the rows tied for the top salary\n")
    no_ties.write_text(text)
    result = CliRunner().invoke(cli, ["--no-builtin", "--bank", str(no_ties.parents[1]), "validate", "--mutants",
                                      "--json", str(no_ties)])
    report = json.loads(result.output)
    assert report["problems"] == [], report["problems"]
    assert result.exit_code == 0
    assert report["mutation"]["sql"]["equivalent"] == 1
    assert report["mutation"]["sql"]["score"] == 100.0


def test_equivalent_mutants_only_for_sql_and_python(fixture_bank, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(fixture_bank, bank)
    seven = bank / "probability" / "two-dice-seven.yaml"
    seven.write_text(seven.read_text() + "equivalent_mutants:\n  - {mutant: lt->le#1, why: none}\n")
    result = CliRunner().invoke(cli, ["validate", str(seven)])
    assert result.exit_code == 1
    assert "field 'equivalent_mutants' does not apply to numeric drills; remove it" in result.output
