from __future__ import annotations

import json

from click.testing import CliRunner

from drills.cli import cli


def run(fixture_bank, *args):
    return CliRunner().invoke(cli, ["--bank", str(fixture_bank), *args])


def test_list_filters_and_json(fixture_bank):
    result = run(fixture_bank, "list", "--topic", "concepts", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["id"] for d in data["drills"]] == ["concepts/null-in-count"]
    assert data["counts"]["kind"] == {"recall": 1}


def test_list_by_tag_and_kind(fixture_bank):
    result = run(fixture_bank, "list", "--tag", "running-total", "--kind", "sql")
    assert result.exit_code == 0
    assert "sql/running-total" in result.output
    assert "sql/top-earner" not in result.output


def test_list_counts_whole_bank(fixture_bank):
    data = json.loads(run(fixture_bank, "list", "--json").output)
    assert data["counts"]["total"]["drills"] == len(data["drills"]) >= 4


def test_show_sql_drill_has_tables_with_types_and_rows(fixture_bank):
    result = run(fixture_bank, "show", "sql/top-earner")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Top earner per department" in out
    assert "emp (5 rows)" in out
    assert "salary" in out and "integer" in out
    assert "NULL" in out
    assert "1 hint: drill show sql/top-earner --hints" in out
    assert "QUALIFY" not in out


def test_show_hints_and_solution(fixture_bank):
    out = run(fixture_bank, "show", "sql/top-earner", "--hints", "--solution").output
    assert "Hint 1: Rank within each department." in out
    assert "QUALIFY rank()" in out
    assert "https://duckdb.org/docs/stable/sql/functions/window_functions" in out


def test_show_unknown(fixture_bank):
    result = run(fixture_bank, "show", "nope/nothing")
    assert result.exit_code == 2
    assert "no drill with id 'nope/nothing'" in result.output


def test_version_and_module_entry_point():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "drills", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "drill, version 0.1.0"


def test_show_keeps_long_list_items_whole(fixture_bank):
    out = run(fixture_bank, "show", "sql/running-total").output
    assert "carries on unchanged past that day." in " ".join(out.split())
