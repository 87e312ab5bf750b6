from __future__ import annotations

import dataclasses
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drills.errors import AnswerError
from drills.judge import judge
from drills.judge.numeric import parse
from drills.model import Question


def numeric(solution: str, tolerance: float | None = None) -> Question:
    return Question(id="probability/x", kind="numeric", title="x", topic="probability", prompt="x",
                    solution=solution, tolerance=tolerance)


@pytest.mark.parametrize(
    "solution, answer, outcome",
    [
        ("5/18", "5/18", "correct"),
        ("5/18", "10/36", "correct"),
        ("5/18", "0.278", "correct"),
        ("5/18", "0.2777", "correct"),
        ("5/18", "0.27778", "correct"),
        ("5/18", "27.78%", "correct"),
        ("5/18", "27.8%", "correct"),
        ("5/18", ".278", "correct"),
        ("5/18", "2.78e-1", "correct"),
        ("5/18", "0.28", "wrong"),      # right rounding, too few significant digits
        ("5/18", "0.2", "wrong"),
        ("5/18", "0.276", "wrong"),     # two units off in the last digit
        ("5/18", "28%", "wrong"),
        ("1/4", "0.25", "correct"),
        ("1/4", "25%", "correct"),
        ("1/4", "0.250", "correct"),
        ("6", "6", "correct"),
        ("6", "6.0", "correct"),
        ("6", "5.99", "correct"),
        ("6", "7", "wrong"),
        ("1 - (5/6)**4", "671/1296", "correct"),
        ("1 - (5/6)**4", "0.5177", "correct"),
        ("1 - (5/6)**4", "1 - (5/6)^4", "correct"),
        ("1 - (5/6)**4", "4/6", "wrong"),
        ("comb(5,2)/32", "10/32", "correct"),
        ("comb(5,2)/32", "0.3125", "correct"),
        ("2/pi", "0.6366", "correct"),
        ("2/pi", "2/pi", "correct"),
        ("2/pi", "0.64", "wrong"),
        ("2/pi", "0.637", "correct"),
        ("sqrt(2)", "1.414", "correct"),
        ("sqrt(1/4)", "0.5", "correct"),
        ("factorial(5)/perm(5,2)", "6", "correct"),
    ],
)
def test_default_rule(solution, answer, outcome):
    assert judge(numeric(solution), answer).outcome == outcome


def test_tolerance_overrides_the_digits_rule():
    q = numeric("100/3", tolerance=0.5)
    assert judge(q, "33").outcome == "correct"
    assert judge(q, "34").outcome == "wrong"


def test_too_few_digits_says_so():
    v = judge(numeric("5/18"), "0.28")
    assert v.message == "Not accepted: 0.28 is close, but give at least 3 significant digits."


def test_wrong_shows_both_values():
    v = judge(numeric("5/18"), "1/4")
    assert v.message == "Wrong: 1/4 = 1/4 (≈ 0.25), expected 5/18 (≈ 0.277778)."


@pytest.mark.parametrize(
    "answer, fragment",
    [
        ("", "empty"),
        ("abc", "unknown name"),
        ("__import__('os')", "unknown function"),
        ("(1).real", "only numbers"),
        ("1/0", "division by zero"),
        ("10**10**10", "too large"),
        ("2**100000", "too large"),
        ("factorial(10**6)", "whole numbers"),
        ("1 +", "not a number or an expression"),
        ("(-8)**(1/3)", "not real"),
        ("x" * 400, "longer than"),
    ],
)
def test_unreadable_answers_are_errors(answer, fragment):
    start = time.monotonic()
    v = judge(numeric("1/2"), answer)
    assert v.outcome == "error"
    assert fragment in v.message
    assert time.monotonic() - start < 1


def test_exact_fractions_with_dozens_of_digits():
    q = numeric("1 - perm(365, 23) / 365**23")
    assert judge(q, "1 - perm(365, 23) / 365**23").correct
    assert judge(q, "0.5073").correct
    assert parse("365**23").value == Fraction(365) ** 23


def test_unreadable_solution_is_a_bank_error():
    from drills.errors import BankError

    with pytest.raises(BankError, match="the solution cannot be read"):
        judge(dataclasses.replace(numeric("1/2"), solution="one half"), "0.5")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_judged_or_refused_never_crashes(text):
    try:
        parse(text)
    except AnswerError:
        pass
    v = judge(numeric("5/18"), text)
    assert v.outcome in ("correct", "wrong", "error")


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6))
def test_the_exact_value_is_always_accepted(value):
    assert judge(numeric(str(value)), str(value)).correct
    assert judge(numeric(f"({value})"), f"{float(value):.12g}").correct


def test_close_only_when_rounded_right():
    assert judge(numeric("6"), "5").message == "Wrong: 5 = 5, expected 6."
    assert judge(numeric("5/18"), "0.27").message == "Wrong: 0.27 = 27/100 (≈ 0.27), expected 5/18 (≈ 0.277778)."
    assert "close" in judge(numeric("5/18"), "0.28").message


def test_huge_exact_values_are_shown_as_decimals():
    v = judge(numeric("1 - perm(365, 23) / 365**23"), "0.5073")
    assert v.message == "Correct: ≈ 0.5072972343."
