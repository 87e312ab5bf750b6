"""The editor in a real terminal: Enter submits a one-line answer or a command on the last line
and otherwise starts a new line; Ctrl-R runs; a command keeps the code above it."""

from __future__ import annotations

from drills.store import Store

from .conftest import FIXTURE_BANK
from .terminal import Terminal
from .test_editor_commands import EDITOR_BANK


def test_enter_submits_a_number_and_a_command_but_not_a_line_of_sql(tmp_path):
    with Terminal(tmp_path, FIXTURE_BANK, "today") as term:
        term.read_until(b"COUNT and NULL")
        term.type_at_prompt(b"It skips them\x1b\r")
        term.read_until(b"Rate yourself")
        term.type_at_prompt(b"3\r")
        term.read_until(b"Enter submits")               # the legend of a one-line drill
        term.type_at_prompt(b"1/6\r")                   # Enter alone submits a number
        term.read_until(b"Correct: 1/6")
        term.type_at_prompt(b"\r")
        term.read_until(b"Running total in order")
        term.read_until(b"Ctrl-R runs")
        term.type_at_prompt(b"SELECT day, amount\rFROM sales\r:hint\r")  # Enter: a new line, then the command
        term.read_until(b"Hint 1:")
        term.type_at_prompt(b"\x12")                     # Ctrl-R runs what the editor still holds
        term.read_until(b"Run (not judged)")
        term.read_until(b"4 rows")
        assert term.quit(b":quit\r") == 0
    reviews = Store(tmp_path).history.reviews()
    assert [(r.drill_id, r.verdict) for r in reviews] == [("concepts/null-in-count", "self"),
                                                         ("probability/two-dice-seven", "correct")]


def test_a_command_typed_under_the_starter_code(tmp_path):
    with Terminal(tmp_path, EDITOR_BANK, "today", "--topic", "algorithms") as term:
        term.read_until(b"Pair with a given sum")
        term.type_at_prompt(b":hint\r")                   # under the starter, which the editor opened with
        term.read_until(b"Hint 1: Remember the values seen so far.")
        term.type_at_prompt(b":run\r")
        term.read_until(b"example 1: pair_sum([1, 2, 3], 5)")
        term.read_until(b"returned: None")
        term.type_at_prompt(b":skip\r")
        assert term.quit(b":quit\r") == 0
    assert Store(tmp_path).history.reviews() == []


def test_the_header_counts_the_drill_on_screen_and_quitting_at_the_rating_keeps_the_review(tmp_path):
    with Terminal(tmp_path, FIXTURE_BANK, "today", "--topic", "probability") as term:
        term.read_until(b"done 0 \xc2\xb7 due 0 \xc2\xb7 new 1")   # the one new drill is the one on screen
        term.type_at_prompt(b"1/6\r")
        term.read_until(b"1-4 to rate otherwise")
        term.type_at_prompt(b"q\r")                                 # quit at the rating prompt
        term.read_until(b"1 drill \xc2\xb7 1 correct (100%)")
        assert term.finish() == 0
    assert len(Store(tmp_path).history.reviews()) == 1


def test_cram_offers_no_rating(tmp_path):
    with Terminal(tmp_path, FIXTURE_BANK, "cram", "--topic", "probability") as term:
        term.type_at_prompt(b"1/6\r")
        term.read_until(b"Enter: next \xc2\xb7 q: quit")
        term.type_at_prompt(b"2\r")                                 # not a rating here: asked again
        term.type_at_prompt(b"q\r")
        term.read_until(b"summary")
        assert term.finish() == 0
    text = term.text()
    assert "rate otherwise" not in text and "picks up where you left off" not in text
    assert "Stopped early; every answer so far is saved." in text


def test_every_row_goes_through_the_pager_when_it_is_taller_than_the_terminal(tmp_path):
    paged = tmp_path / "paged.txt"
    with Terminal(tmp_path, EDITOR_BANK, "show", "sql/orders-per-day", "--rows", "all", lines=12,
                  env={"PAGER": f"cat > {paged}"}) as term:
        assert term.finish() == 0
    text = paged.read_text()
    assert text.count("2024-01-0") == 12 and "more rows" not in text
    with Terminal(tmp_path, EDITOR_BANK, "show", "sql/orders-per-day", lines=40,
                  env={"PAGER": f"cat > {tmp_path / 'not-paged.txt'}"}) as term:
        assert term.finish() == 0
    assert not (tmp_path / "not-paged.txt").exists()
    assert "7 more rows not shown: drill show sql/orders-per-day --rows all" in term.text()


def test_a_refused_statement_goes_back_to_the_editor(tmp_path):
    from click.testing import CliRunner

    from drills.cli import cli

    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "--no-builtin", "--bank", str(EDITOR_BANK), "today",
                                      "--topic", "sql"], input="DROP TABLE orders\n---\n:quit\n---\n")
    assert "This answer does not run: only a read-only query" in " ".join(result.output.split())
    assert Store(tmp_path).history.reviews() == []
