from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from drills.cli import cli


@pytest.fixture
def run(fixture_bank):
    def invoke(*args, input=None):
        return CliRunner().invoke(cli, ["--bank", str(fixture_bank), *args], input=input)

    return invoke


def test_correct_sql_answer_exits_0(run):
    result = run("check", "sql/top-earner", "--answer-file", "-",
                 input="SELECT department, name FROM emp QUALIFY dense_rank() OVER "
                       "(PARTITION BY department ORDER BY salary DESC NULLS LAST) = 1")
    assert result.exit_code == 0, result.output
    assert "✓ correct  sql/top-earner" in result.output
    assert "Correct: same rows as the reference." in result.output
    assert "RANK keeps ties at 1" in result.output  # the explanation follows the verdict


def test_wrong_answer_exits_1_and_says_how(run):
    result = run("check", "sql/top-earner", "--answer-file", "-", input="SELECT department, name FROM emp")
    assert result.exit_code == 1
    assert "✗ wrong" in result.output
    assert "Expected 3 rows, got 5." in result.output
    assert "expected: 3 rows  │  yours: 5 rows" in result.output


def test_error_and_json(run):
    result = run("check", "sql/top-earner", "--answer-file", "-", "--json", input="SELECT nope FROM emp")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["id"] == "sql/top-earner"
    assert data["verdict"] == "error"
    assert "nope" in data["message"]
    assert data["elapsed_ms"] >= 0


def test_answer_file_and_question_path(run, fixture_bank, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text("0.1667\n")
    result = run("check", str(fixture_bank / "probability" / "two-dice-seven.yaml"), "--answer-file", str(answer),
                 "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verdict"] == "correct"


def test_numeric_wrong(run):
    result = run("check", "probability/two-dice-seven", "-a", "-", input="1/11")
    assert result.exit_code == 1
    assert "Wrong: 1/11 = 1/11 (≈ 0.0909091), expected 1/6 (≈ 0.166667)." in result.output


def test_unknown_id_exits_2_with_suggestion(run):
    result = run("check", "sql/top-earners", "--answer-file", "-", input="x")
    assert result.exit_code == 2
    assert result.output.startswith("Error: no drill with id 'sql/top-earners'. Did you mean: sql/top-earner?")


def test_broken_bank_exits_2_naming_file_and_line(tmp_path):
    bad = tmp_path / "sql" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("id: sql/bad\nkind: sql\ntitle: [\n")
    result = CliRunner().invoke(cli, ["--bank", str(tmp_path), "check", "sql/bad", "-a", "-"], input="x")
    assert result.exit_code == 2
    assert f"Error: {bad}:4: invalid YAML" in result.output


def test_missing_answer_file_is_a_usage_error(run):
    result = run("check", "sql/top-earner")
    assert result.exit_code == 2
    assert "Missing option '--answer-file'" in result.output


def test_drill_bank_environment_variable(fixture_bank, monkeypatch):
    monkeypatch.setenv("DRILL_BANK", str(fixture_bank))
    result = CliRunner().invoke(cli, ["check", "probability/two-dice-seven", "-a", "-"], input="1/6")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_an_answer_file_with_a_byte_order_mark_is_decoded(run, tmp_path, encoding):
    answer = tmp_path / "answer.txt"
    answer.write_bytes("1/6\r\n".encode(encoding))  # PowerShell's `echo 1/6 > answer.txt` writes UTF-16
    result = run("check", "probability/two-dice-seven", "--answer-file", str(answer))
    assert result.exit_code == 0, result.output


def test_an_answer_file_that_is_not_utf8_exits_2(run, tmp_path):
    answer = tmp_path / "answer.sql"
    answer.write_bytes("SELECT 1\n-- café\n".encode("latin-1"))
    result = run("check", "sql/top-earner", "--answer-file", str(answer))
    assert result.exit_code == 2
    assert result.output == f"Error: {answer}:2: is not UTF-8 text (byte 0xe9); save it as UTF-8\n"


def test_recall_card_is_self_rated_and_exits_3(run):
    result = run("check", "concepts/null-in-count", "-a", "-", input="COUNT(col) skips NULLs\n")
    assert result.exit_code == 3, result.output
    assert "· self_rated  concepts/null-in-count" in result.output
    assert "correct" not in result.output
    assert "Model answer\nIt skips them; COUNT(*) counts rows." in result.output
    assert "Aggregates ignore NULL inputs." in result.output   # the explanation follows


@pytest.mark.parametrize("answer", ["COUNT(col) skips NULLs", "", "anything at all"])
def test_recall_card_json_is_self_rated_whatever_the_answer(run, answer):
    result = run("check", "concepts/null-in-count", "-a", "-", "--json", input=answer)
    assert result.exit_code == 3, result.output
    data = json.loads(result.output)
    assert data["verdict"] == "self_rated"
    assert data["details"] == {"model_answer": "It skips them; COUNT(*) counts rows.", "self_rated": True}


def test_numeric_close_but_wrong(run):
    result = run("check", "probability/two-dice-seven", "-a", "-", input="0.167\n")
    assert result.exit_code == 0, result.output
    result = run("check", "probability/two-dice-seven", "-a", "-", input="0.168\n")
    assert result.exit_code == 1
    assert "Wrong: 0.168, expected 1/6 (≈ 0.166667)." in result.output
    result = run("check", "probability/two-dice-seven", "-a", "-", "--json", input="1e999999999")
    assert result.exit_code == 1
    assert json.loads(result.output)["verdict"] == "error"


def test_hard_coded_rows_fail_on_the_second_dataset(run):
    literal = "SELECT * FROM (VALUES ('eng', 'Ana'), ('eng', 'Bo'), ('ops', 'Di')) v(department, name)"
    result = run("check", "sql/top-earner", "--answer-file", "-", "--json", input=literal)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["verdict"] == "wrong"
    assert data["details"]["dataset"] == 2


def test_wrong_answer_shows_its_counterexample_in_text_and_json(run):
    answer = ("SELECT department, name FROM emp QUALIFY row_number() OVER "
              "(PARTITION BY department ORDER BY salary DESC NULLS LAST) = 1")
    text = run("check", "sql/top-earner", "--answer-file", "-", input=answer)
    assert "Your answer and the reference already differ on just 2 rows of `emp`:" in text.output
    grid = text.output.split("already differ")[1].splitlines()
    assert grid[1].split() == ["emp", "(2", "rows)"] and grid[2].split() == ["name", "department", "salary"]
    assert [r.split() for r in grid[3:5]] == [["'Ana'", "'eng'", "10"], ["'Bo'", "'eng'", "10"]]
    data = json.loads(run("check", "sql/top-earner", "--answer-file", "-", "--json", input=answer).output)
    found = data["details"]["counterexample"]
    assert found["tables"]["emp"] == {"columns": ["name", "department", "salary"],
                                      "rows": [["'Ana'", "'eng'", "10"], ["'Bo'", "'eng'", "10"]]}
    assert found["expected"]["columns"] == ["department", "name"]
    assert len(found["expected"]["rows"]) == 2 and len(found["actual"]["rows"]) == 1
