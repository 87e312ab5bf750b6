"""Before an answer is submitted: `:run`, `:tables`, commands under starter code, and answers
that do not run going back to the editor. Driven through the CLI over stdin."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from drills import scheduler as sched
from drills.cli import cli
from drills.store import Store

from .conftest import flat
from .test_cli_today import answers

EDITOR_BANK = Path(__file__).parent / "fixtures" / "editor"
STARTER = "def pair_sum(nums: list[int], target: int) -> bool:\n    ...\n"
PAIR_SUM = "def pair_sum(nums, target):\n    seen = set()\n    for x in nums:\n        if target - x in seen:\n" \
           "            return True\n        seen.add(x)\n    return False\n"
ORDERS = "SELECT day, count(*) FROM orders GROUP BY day"


def drill(home: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--home", str(home), "--no-builtin", "--bank", str(EDITOR_BANK), *args],
                              input=input)


def test_run_shows_a_query_result_without_judging(tmp_path):
    result = drill(tmp_path, "cram", "--topic", "sql", input=answers(
        "SELECT * FROM orders ORDER BY id\n:run", "SELECT nope FROM orders\n:run", ORDERS, ":quit"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Run (not judged)" in out
    assert "12 rows" in out and "2024-01-04" in out
    assert 'Binder Error: Referenced column "nope" not found' in out
    assert "Correct: same rows as the reference." in out
    reviews = Store(tmp_path).history.reviews()
    assert [(r.verdict, r.answer.strip()) for r in reviews] == [("correct", ORDERS)]  # :run saves nothing


def test_run_shows_what_the_function_returns_on_the_visible_examples(tmp_path):
    result = drill(tmp_path, "cram", "--topic", "algorithms", input=answers(
        "def pair_sum(nums, target):\n    print('looking')\n    return target in nums\n:run", ":quit"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "example 1: pair_sum([1, 2, 3], 5)" in out
    assert "returned: False" in out and "expected: True" in out
    assert "example 3: pair_sum([4, 4], 8)" in out and "example 4" not in out
    assert "The first 3 examples only; submitting judges all 5 tests." in out
    assert "printed:\nlooking" in out
    assert Store(tmp_path).history.reviews() == []


def test_commands_work_under_starter_code(tmp_path):
    result = drill(tmp_path, "cram", "--topic", "algorithms",
                   input=answers(STARTER + ":hint", STARTER + "\n\n:skip  ", STARTER + ":hnt", PAIR_SUM, ":quit"))
    assert result.exit_code == 0, result.output
    assert "Hint 1: Remember the values seen so far." in result.output
    assert ":hnt is not a command; the commands are :run, :tables, :hint, :skip, :reveal, :quit." in flat(result)
    # the skip sent the drill to the back of the queue; it came back (a fresh visit) and was answered
    reviews = Store(tmp_path).history.reviews()
    assert [(r.verdict, r.hints) for r in reviews] == [("correct", 0)]


def test_an_answer_that_does_not_run_goes_back_to_the_editor(tmp_path):
    broken = PAIR_SUM.replace("seen = set()", "seen = set(")
    result = drill(tmp_path, "today", input=answers("SELEC day FROM orders", "SELECT day, CAST('n' || id AS INTEGER) "
                                                    "FROM orders", broken, PAIR_SUM.replace("seen.add", "sen.add"),
                                                    ":quit"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "This answer does not run: SyntaxError at line 2 while loading: '(' was never closed" in flat(result)
    assert "the reference stays hidden" in out
    assert 'Parser Error: syntax error at or near "SELEC"' in out
    assert out.count("Reference") == 2  # only for the two answers judged
    store = Store(tmp_path)
    reviews = store.history.reviews()
    # a NameError inside the function is a real failure of the test, not a load error: it is judged
    assert [(r.drill_id, r.verdict, r.rating) for r in reviews] == [
        ("sql/orders-per-day", "error", sched.AGAIN),
        ("algorithms/pair-sum", "error", sched.AGAIN),
    ]
    assert "Conversion Error" in out  # a query that fails on the data is a failed review


def test_a_right_answer_after_one_that_did_not_run_is_hard_at_most(tmp_path):
    result = drill(tmp_path, "today", "--topic", "sql",
                   input=answers("SELECT day count(*) FROM orders GROUP BY day", ORDERS, ":quit"))
    assert result.exit_code == 0, result.output
    assert "rated hard" in result.output
    assert [(r.verdict, r.rating) for r in Store(tmp_path).history.reviews()] == [("correct", sched.HARD)]


def test_tables_shows_every_row_and_a_cut_table_says_how_many_are_left(tmp_path):
    result = drill(tmp_path, "cram", "--topic", "sql", input=answers(":tables", ":quit"))
    assert result.exit_code == 0, result.output
    first, after = result.output.split("Or a last line of", 1)
    assert "orders (12 rows)" in first and "7 more rows not shown: :tables shows them all" in first
    assert first.count("2024-01-0") == 5
    assert after.count("2024-01-0") == 12 and "more rows" not in after
    shown = drill(tmp_path, "show", "sql/orders-per-day")
    assert "7 more rows not shown: drill show sql/orders-per-day --rows all" in shown.output
    every = drill(tmp_path, "show", "sql/orders-per-day", "--rows", "all")
    assert every.output.count("2024-01-0") == 12 and "more rows" not in every.output
    assert drill(tmp_path, "show", "sql/orders-per-day", "--rows", "some").exit_code == 2


def test_a_mock_round_never_saves_a_command_as_the_answer(tmp_path):
    result = drill(tmp_path, "mock", "--count", "1", "--topic", "algorithms",
                   input=answers(STARTER + ":skip", STARTER + ":run", ":quit", "yes"))
    assert result.exit_code == 0, result.output
    assert "example 1: pair_sum([1, 2, 3], 5)" in result.output
    assert Store(tmp_path).rounds.get(1)["answers"] == {}


def test_a_timeout_says_which_input(tmp_path):
    result = drill(tmp_path, "check", "algorithms/pair-sum", "-a", "-",
                   input="def pair_sum(nums, target):\n    while True:\n        pass\n")
    assert result.exit_code == 1
    assert "⏱ timeout" in result.output
    assert "input:     pair_sum([1, 2, 3], 5)" in result.output
