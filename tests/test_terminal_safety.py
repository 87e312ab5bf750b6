"""Drill text, answers and SQL values are data: rich markup is printed as written and control
sequences (clipboard writes, screen clears, hidden links) never reach the terminal."""

from __future__ import annotations

from click.testing import CliRunner

from drills.cli import cli
from drills.render import clean

from .conftest import FIXTURE_BANK, write

HOSTILE = r"""id: sql/hostile
kind: sql
title: "[/] Boom [bold]x\e]52;c;aGVsbG8=\a"
topic: sql
difficulty: easy
time_target: 60
prompt: "Return `v`. \e[2J\e[H [red]cleared[/] \e]8;;https://evil.example\e\\docs\e]8;;\e\\"
setup: |
  CREATE TABLE t (v VARCHAR);
  INSERT INTO t VALUES ('[/]'), (chr(27) || ']52;c;aGk=' || chr(7)), (chr(27) || '[2J'), ('ok');
solution: SELECT v FROM t
hints: ["[/] hint \e[31m"]
explanation: "Because \e]0;pwned\a [/]"
see_also: ["https://duckdb.org \e[5m"]
wrong_answers:
  - {answer: "SELECT 1", why: "wrong"}
  - {answer: "SELECT 2", why: "wrong"}
"""


def drill(bank, home, *args, input=None):
    return CliRunner().invoke(cli, ["--home", str(home), "--no-builtin", "--bank", str(bank), *args], input=input)


def no_escapes(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text


def test_clean_shows_every_control_character():
    assert clean("a\x1b[2Jb\x07c\x9bd\u202ee\tf\ng\r") == "a␛[2Jb␇c\ufffdd\ufffde\tf\ng␍"


def test_markup_and_escapes_in_a_drill_are_printed_as_data(tmp_path):
    bank = tmp_path / "bank"
    write(bank / "sql" / "hostile.yaml", HOSTILE)
    home = tmp_path / "home"
    listed = drill(bank, home, "list")
    assert listed.exit_code == 0, listed.output
    assert "[/] Boom [bold]x" in listed.output
    shown = drill(bank, home, "show", "sql/hostile", "--hints", "--solution")
    assert shown.exit_code == 0, shown.output
    for text in (shown.output,):
        no_escapes(text)
    assert "[red]cleared[/]" in shown.output and "␛[2J" in shown.output
    assert "␛]52;c;aGk=␇" in shown.output  # the SQL value is visible, harmless
    assert "[/] hint" in shown.output
    today = drill(bank, home, "today", input="SELECT v FROM t WHERE v <> 'ok'\n---\n:quit\n---\n")
    assert today.exit_code == 0, today.output
    no_escapes(today.output)
    assert "Because ␛]0;pwned␇ [/]" in today.output
    check = drill(bank, home, "check", "sql/hostile", "--answer-file", "-", input="SELECT '[/]' || chr(27)")
    assert check.exit_code == 1
    no_escapes(check.output)


def test_an_error_quoting_a_hostile_id_is_shown_as_data(tmp_path):
    result = drill(FIXTURE_BANK, tmp_path / "home", "show", "sql/\x1b[2J[/]")
    assert result.exit_code == 2
    no_escapes(result.output)
    assert "␛[2J[/]" in result.output
