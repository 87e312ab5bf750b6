from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from drills.cli import cli

from .conftest import FIXTURE_BANK
from .test_cli_today import ROOT


def test_fixture_bank_validates(fixture_bank):
    result = CliRunner().invoke(cli, ["validate", str(fixture_bank)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("4 drills checked in ")
    assert result.output.rstrip().endswith(": ok")


def test_problems_are_listed_with_file_and_line(fixture_bank, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(fixture_bank, bank)
    top = bank / "sql" / "top-earner.yaml"
    # the reference breaks and a listed wrong answer becomes right
    top.write_text(top.read_text().replace("QUALIFY rank()", "QUALIFY rnk()", 1))
    seven = bank / "probability" / "two-dice-seven.yaml"
    seven.write_text(seven.read_text().replace("answer: 1/11", "answer: 6/36"))
    (bank / "sql" / "empty.yaml").write_text("")
    result = CliRunner().invoke(cli, ["validate", str(bank)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{seven}:14: wrong answer 1 is judged correct; it should fail because: the 11 sums are not " \
           "equally likely (fix the data or the comparison settings so it fails)" in lines
    assert f"{top}:20: the reference solution fails: Catalog Error: Aggregate Function with name rnk " \
           "does not exist! [...]" in lines
    assert f"{bank / 'sql' / 'empty.yaml'}:1: file is empty; a drill file holds one YAML mapping " \
           "(see CONTRIBUTING.md)" in lines
    assert lines[-1].endswith(": 3 problems")


def test_duplicate_id_with_a_bank_in_use(fixture_bank, tmp_path):
    copy = tmp_path / "mine" / "probability" / "two-dice-seven.yaml"
    copy.parent.mkdir(parents=True)
    shutil.copy(fixture_bank / "probability" / "two-dice-seven.yaml", copy)
    result = CliRunner().invoke(cli, ["--bank", str(fixture_bank), "validate", str(tmp_path / "mine"), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["problems"][0]["message"].startswith("duplicate id 'probability/two-dice-seven', also used by ")
    assert report["problems"][0]["line"] == 1


def test_tags_come_from_the_banks_vocabulary(fixture_bank, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(fixture_bank, bank)
    (bank / "TAGS.md").write_text("# Tags\n`window-functions` `rank` `ties` `running-total` `dice` `nulls`\n")
    seven = bank / "probability" / "two-dice-seven.yaml"
    seven.write_text(seven.read_text().replace("tags: [dice]", "tags: [dise]"))
    result = CliRunner().invoke(cli, ["validate", str(bank)])
    assert result.exit_code == 1
    assert f"{seven}:5: tag 'dise' (did you mean 'dice'?) is not in {bank / 'TAGS.md'}; use a listed tag or " \
           "add it there" in result.output.splitlines()


SQL_DRILL = """\
id: sql/one
kind: sql
title: One
topic: sql
difficulty: easy
time_target: 60
prompt: Return x.
setup: |
  CREATE TABLE t (x DECIMAL(10,3)); INSERT INTO t VALUES (1.5), (2.25), (4);
extra_setups:
  - |
    CREATE TABLE t (x DECIMAL(10,3)); INSERT INTO t VALUES (7), (8);
solution: SELECT x FROM t WHERE x > 2
hints: [h]
explanation: e
see_also: [https://duckdb.org]
wrong_answers:
  - {answer: SELECT x FROM t, why: all rows}
  - {answer: SELECT 1, why: a constant}
"""


def _validate_one(tmp_path, text):
    path = tmp_path / "bank" / "sql" / "one.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    result = CliRunner().invoke(cli, ["--no-builtin", "--bank", str(path.parents[1]), "validate", str(path)])
    return path, result


def test_sql_data_rules_pass(tmp_path):
    _, result = _validate_one(tmp_path, SQL_DRILL)
    assert result.exit_code == 0, result.output


def test_one_dataset_lets_a_hard_coded_answer_pass(tmp_path):
    text = SQL_DRILL.split("extra_setups:")[0] + "solution:" + SQL_DRILL.split("solution:")[1]
    path, result = _validate_one(tmp_path, text)
    assert result.exit_code == 1
    assert f"{path}:8: the drill has one dataset: a query returning its expected rows as literals would pass; " \
           "add a dataset with other rows under extra_setups" in result.output


def test_datasets_with_the_same_result_let_a_hard_coded_answer_pass(tmp_path):
    path, result = _validate_one(tmp_path, SQL_DRILL.replace("VALUES (7), (8)", "VALUES (2.25), (4), (0)"))
    assert result.exit_code == 1
    assert f"{path}:10: the reference gives the same rows on every dataset" in result.output


def test_a_reference_that_depends_on_storage_order_fails(tmp_path):
    path, result = _validate_one(tmp_path, SQL_DRILL.replace("solution: SELECT x FROM t WHERE x > 2",
                                                             "solution: SELECT x FROM t LIMIT 1"))
    assert result.exit_code == 1
    assert f"{path}:13: the reference's result on dataset 1 changes when its rows are stored in reverse order" \
           in result.output


def test_an_ordered_drill_whose_reference_has_no_order_by_fails(tmp_path):
    path, result = _validate_one(tmp_path, SQL_DRILL.replace("hints:", "ordered: true\nhints:"))
    assert result.exit_code == 1
    assert f"{path}:13: the reference solution is judged wrong: The drill asks for the rows in a given order" \
           in result.output


def test_a_value_on_a_rounding_tie_before_round_is_warned_about(tmp_path):
    text = SQL_DRILL.replace("solution: SELECT x FROM t WHERE x > 2", "solution: SELECT round(x, 1) FROM t WHERE x > 2")
    path, result = _validate_one(tmp_path, text.replace("hints:", "float_digits: 1\nhints:"))
    assert result.exit_code == 0, result.output
    assert f"{path}:14: the reference's value 2.250 before its ROUND (row 1 of dataset 1) sits on a rounding tie " \
           "at float_digits 1" in result.output


def test_show_and_validate_name_a_setup_that_never_finishes(tmp_path):
    slow = SQL_DRILL.replace("CREATE TABLE t (x DECIMAL(10,3)); INSERT INTO t VALUES (1.5), (2.25), (4);",
                             "CREATE TABLE t AS SELECT sum(a.range * b.range) AS x FROM range(200000) a, "
                             "range(200000) b;").replace("hints:", "time_limit: 0.5\nhints:")
    path, result = _validate_one(tmp_path, slow)
    assert result.exit_code == 1
    assert f"{path}:8: the drill's setup did not finish within 0.5 s" in result.output
    shown = CliRunner().invoke(cli, ["show", str(path)])
    assert shown.exit_code == 2
    assert f"Error: {path}:8: the drill's setup did not finish within 0.5 s" in shown.output


def test_a_result_value_on_a_rounding_tie_is_warned_about(tmp_path):
    path, result = _validate_one(tmp_path, SQL_DRILL.replace("hints:", "float_digits: 1\nhints:"))
    assert result.exit_code == 0, result.output
    assert f"{path}:14: the reference's value 2.250 (row 1 of dataset 1) sits on a rounding tie at float_digits 1" \
           in result.output
    _, result = _validate_one(tmp_path, SQL_DRILL)
    assert "rounding tie" not in result.output


def _children() -> dict[int, int]:
    """Every process's parent, from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    found[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return found


def _descendants(pid: int) -> set[int]:
    parents = _children()
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, parent in parents.items() if parent == p]
        out.update(kids)
        todo += kids
    return out


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process tree from /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_killing_validate_leaves_no_worker_behind(tmp_path, sig):
    """Workers, their SQL workers and sandbox servers die with validate, however it is killed."""
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    source = (FIXTURE_BANK / "sql" / "running-total.yaml").read_text()
    for i in range(6):
        (bank / "sql" / f"rt{i}.yaml").write_text(source.replace("sql/running-total", f"sql/rt{i}"))
    (bank / "algorithms").mkdir()
    shutil.copy(ROOT / "questions" / "algorithms" / "max-sum-k-consecutive.yaml", bank / "algorithms")
    env = {**os.environ, "DRILL_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "drills", "--no-builtin", "--bank", str(bank), "validate",
                             "--jobs", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    tree: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        tree |= _descendants(proc.pid)
        started = " ".join(_command(p) for p in tree)
        if "sql_worker" in started and " -I -S -B " in started:  # a SQL worker and a sandbox server
            break
        time.sleep(0.05)
    assert proc.poll() is None, "validate finished before it could be killed"
    tree |= _descendants(proc.pid)
    os.kill(proc.pid, sig)
    proc.wait(10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in tree):
        time.sleep(0.1)
    left = sorted(p for p in tree if _alive(p))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} of {len(tree)} processes outlived validate"
