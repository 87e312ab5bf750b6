from __future__ import annotations

import dataclasses
import math
import shutil
import sys
import time
import tracemalloc
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from drills.cli import cli
from drills.errors import AnswerError, BankError
from drills.judge import judge
from drills.judge.numeric import Interval, must_be_exact, parse, reference_of
from drills.model import Question

ACE = "1 - comb(48, 5) / comb(52, 5)"   # 0.341158...: never ends as a decimal


def numeric(solution: str, tolerance: float | None = None) -> Question:
    return Question(id="probability/x", kind="numeric", title="x", topic="probability", prompt="x",
                    solution=solution, tolerance=tolerance)


def outcome(solution: str, answer: str, tolerance: float | None = None) -> str:
    return judge(numeric(solution, tolerance), answer).outcome


def message(solution: str, answer: str, tolerance: float | None = None) -> str:
    return judge(numeric(solution, tolerance), answer).message


@pytest.mark.parametrize(
    "solution, answer, expected",
    [
        # a whole number or a decimal of at most 4 significant digits must be given exactly
        ("1024", "1024", "correct"),
        ("1024", "1023", "wrong"),
        ("1024", "1.02e3", "wrong"),
        ("1024", "1.024e3", "correct"),
        ("1", "0.999", "wrong"),
        ("1", "1.000", "correct"),
        ("1", "100%", "correct"),
        ("6", "5.99", "wrong"),
        ("6", "6.0", "correct"),
        ("6", "6.01", "wrong"),
        ("6", "7", "wrong"),
        ("14.7", "14.6", "wrong"),
        ("14.7", "14.70", "correct"),
        ("6 * (1 + 1/2 + 1/3 + 1/4 + 1/5 + 1/6)", "14.7", "correct"),
        ("6 * (1 + 1/2 + 1/3 + 1/4 + 1/5 + 1/6)", "15", "wrong"),
        ("1.96 * sqrt(0.2 * 0.8 / 2500)", "0.01568", "correct"),
        ("1.96 * sqrt(0.2 * 0.8 / 2500)", "0.0157", "wrong"),
        ("1.96 * sqrt(0.2 * 0.8 / 2500)", "1.568%", "correct"),
        ("0.05 / 20", "0.25%", "correct"),
        ("0.05 / 20", "0.003", "wrong"),
        ("3839", "3.84e3", "wrong"),
        # otherwise a decimal is the exact value rounded or truncated to its digits, >= 3 significant
        ("0.34116", "0.341", "correct"),
        ("0.34116", "0.3412", "correct"),
        ("0.34116", "0.34116", "correct"),
        ("0.34116", "0.342", "wrong"),
        ("0.34116", "0.340", "wrong"),
        ("0.34116", "0.34", "wrong"),
        (ACE, "0.341", "correct"),
        (ACE, "0.3412", "correct"),
        (ACE, "0.3411", "correct"),      # truncated
        (ACE, "0.342", "wrong"),         # rounded up from below: neither
        (ACE, "34.1%", "correct"),
        (ACE, "34.12%", "correct"),
        (ACE, "34.2%", "wrong"),
        ("5/18", "0.278", "correct"),
        ("5/18", "0.277", "correct"),
        ("5/18", "0.2777", "correct"),
        ("5/18", "0.2778", "correct"),
        ("5/18", "0.279", "wrong"),
        ("5/18", "0.276", "wrong"),
        ("5/18", "0.28", "wrong"),
        ("5/18", ".278", "correct"),
        ("5/18", "2.78e-1", "correct"),
        ("5/18", "2.78E-1", "correct"),
        ("5/18", "(0.278)", "correct"),
        ("5/18", "( 27.8% )", "correct"),
        ("5/18", "(0.2)+(0.078)", "wrong"),   # an expression: its decimals are exact
        # percentages: the digits of the percentage are the digits given
        ("5/18", "27.78%", "correct"),
        ("5/18", "27.77%", "correct"),
        ("5/18", "27.8%", "correct"),
        ("5/18", "27.7%", "correct"),
        ("5/18", "27.9%", "wrong"),
        ("5/18", "28%", "wrong"),
        ("5/18", "27.78 %", "correct"),
        # negative values round and truncate towards zero alike
        ("-10/19", "-0.526", "correct"),
        ("-10/19", "-0.5263", "correct"),
        ("-10/19", "-0.527", "wrong"),
        ("-10/19", "0.526", "wrong"),
        ("-10/19", "-52.6%", "correct"),
        ("-0.0526", "- 0.0526", "correct"),
        ("-0.0526", "−0.0526", "correct"),   # U+2212 MINUS SIGN
        ("-0.0526", "–0.0526", "correct"),   # an en dash, as word processors write it
        ("-0.0526", "-0.0525", "wrong"),
        ("-0.078", "-7.8%", "correct"),
        # significant digits, not decimal places
        ("1/30000", "3.33e-5", "correct"),
        ("1/30000", "0.0000333", "correct"),
        ("1/30000", "0.0000334", "wrong"),
        ("1/30000", "0.00003", "wrong"),
        ("1/30000", "0.0000", "wrong"),
        ("1/100000", "1e-5", "correct"),
        ("1/100000", "0.00001", "correct"),
        ("1/100000", "0.000010", "correct"),
        ("1/100000", "0.0000", "wrong"),
        ("1/100000", "0.00002", "wrong"),
        ("123456789/10", "1.23e7", "correct"),
        ("123456789/10", "12345678.9", "correct"),
        ("123456789/10", "12345679", "correct"),
        ("123456789/10", "12345680", "wrong"),   # a whole-number answer is not rounded to tens
        # more digits than needed
        ("1/4", "0.2500000", "correct"),
        ("1/4", "0.25000000000000000001", "wrong"),
        ("1/3", "0.3333333333333333333333333", "correct"),
        ("1/3", "0.3333333333333333148", "wrong"),   # the double nearest 1/3, written out
        ("1/3", "0.33333333333333333333333334", "wrong"),   # rounded up, and 1/3 is not above it
        ("2/3", "0.66666666666666666666666667", "correct"),
        ("5/18", "0.27777777777777777777777777777777778", "correct"),
        # zero
        ("0", "0", "correct"),
        ("0", "0.000", "correct"),
        ("0", "-0", "correct"),
        ("0", "0.001", "wrong"),
        ("-1/3", "0", "wrong"),
        # expressions are exact
        ("5/18", "5/18", "correct"),
        ("5/18", "10/36", "correct"),
        ("5/18", "1 - 13/18", "correct"),
        ("5/18", "1 - 0.7222", "wrong"),
        ("1 - (5/6)**4", "671/1296", "correct"),
        ("1 - (5/6)**4", "0.5177", "correct"),
        ("1 - (5/6)**4", "1 - (5/6)^4", "correct"),
        ("1 - (5/6)**4", "1 - 625/1296", "correct"),
        ("1 - (5/6)**4", "4/6", "wrong"),
        ("comb(5,2)/32", "10/32", "correct"),
        ("comb(5,2)/32", "0.3125", "correct"),
        ("comb(5,2)/32", "C(5, 2) / 2**5", "correct"),
        ("factorial(5)/perm(5,2)", "6", "correct"),
        ("0.1 + 0.2", "0.3", "correct"),      # decimals are decimals, not doubles
        ("6", "5.9999999999 + 0*pi", "wrong"),
        ("1/2", "50%", "correct"),
        ("1/2", "1 - 50%", "correct"),
        ("3/4", "3 × 1/4", "correct"),
        ("3/4", "3 ÷ 4", "correct"),
        # irrational values: sqrt, exp, log, pi and e hold the true value between two doubles
        ("2/pi", "0.6366", "correct"),
        ("2/pi", "0.637", "correct"),
        ("2/pi", "0.636", "correct"),
        ("2/pi", "0.64", "wrong"),
        ("2/pi", "0.638", "wrong"),
        ("2/pi", "2/pi", "correct"),
        ("2/pi", "1/(pi/2)", "correct"),
        ("2/pi", "0.6366197723675814", "correct"),
        ("2/pi", "0.63661977236758134307553505349", "correct"),
        ("2/pi", "0.63661977236759", "wrong"),
        ("sqrt(2)", "1.414", "correct"),
        ("sqrt(2)", "1.415", "wrong"),
        ("sqrt(2)", "1.4142135623730950488016887242097", "correct"),
        ("sqrt(2)", "2**0.5", "correct"),
        ("sqrt(1/4)", "0.5", "correct"),
        ("sqrt(2)**2", "2", "correct"),
        ("2", "sqrt(2)**2", "correct"),
        ("2", "8**(1/3)", "correct"),
        ("2", "4**0.5", "correct"),
        ("sqrt(2) * sqrt(2) / 2", "0.999", "wrong"),   # the reference is exactly 1
        ("1 - exp(-3) * (1 + 3)", "0.8009", "correct"),
        ("1 - exp(-3) * (1 + 3)", "0.801", "correct"),
        ("1 - exp(-3) * (1 + 3)", "0.802", "wrong"),
        ("1 - exp(-3) * (1 + 3)", "1 - 4/e**3", "correct"),
        ("1 - exp(-3) * (1 + 3)", "1 - 4*exp(-3)", "correct"),
        ("1 - exp(-3) * (1 + 3)", "1 - 4.0001*exp(-3)", "wrong"),
        ("log(2)", "ln(8)/3", "correct"),
        ("exp(0)", "1", "correct"),
        ("1 - perm(365, 23) / 365**23", "0.5073", "correct"),
        ("1 - perm(365, 23) / 365**23", "0.5072", "correct"),
        ("1 - perm(365, 23) / 365**23", "0.5074", "wrong"),
    ],
)
def test_default_rule(solution, answer, expected):
    assert outcome(solution, answer) == expected


def test_the_issue_examples_are_wrong_and_say_what_was_expected():
    assert message("1024", "1023") == "Wrong: 1023, expected 1024."
    assert message("1", "0.999") == "Wrong: 0.999, expected 1."
    assert message("6", "5.99") == "Wrong: 5.99, expected 6."
    assert message("14.7", "14.6") == "Wrong: 14.6, expected 14.7."


def test_a_rounded_short_decimal_is_told_to_give_all_its_digits():
    assert message("1.96 * sqrt(0.2 * 0.8 / 2500)", "0.0157") == (
        "Wrong: 0.0157, expected 0.01568: the exact value is a short decimal, so only all of its digits are right.")
    assert message("1024", "1.02e3") == (
        "Wrong: 1.02e3, expected 1024: the exact value is a whole number, so only all of its digits are right.")
    assert message("4.5", "4") == "Wrong: 4, expected 4.5."   # one digit is a claim, not a rounding


def test_one_unit_off_says_what_those_digits_should_be():
    assert message(ACE, "0.342") == (
        "Wrong: 0.342, expected 18472/54145 (≈ 0.341158); rounded to the digits given it is 0.341.")
    assert message(ACE, "34.2%") == (
        "Wrong: 34.2% = 0.342, expected 18472/54145 (≈ 0.341158); rounded to the digits given it is 34.1%.")
    assert message("-10/19", "-0.527") == (
        "Wrong: -0.527, expected -10/19 (≈ -0.526316); rounded to the digits given it is -0.526.")
    assert message("2/pi", "0.6367") == (
        "Wrong: 0.6367, expected ≈ 0.6366197724; rounded to the digits given it is 0.6366.")


def test_too_few_digits_says_so_without_calling_it_wrong():
    assert message("5/18", "0.28") == "Not accepted: 0.28 has 2 significant digits; give at least 3."
    assert message("5/18", "28%") == "Not accepted: 28% has 2 significant digits; give at least 3."
    assert message("1/30000", "0.00003") == "Not accepted: 0.00003 has 1 significant digit; give at least 3."
    # a far answer is plainly wrong, however few its digits
    assert message("5/18", "0.5") == "Wrong: 0.5, expected 5/18 (≈ 0.277778)."
    assert message("-1/3", "0") == "Wrong: 0, expected -1/3 (≈ -0.333333)."


def test_wrong_shows_both_values():
    assert message("5/18", "1/4") == "Wrong: 1/4 = 0.25, expected 5/18 (≈ 0.277778)."
    assert message("5/18", "1/11") == "Wrong: 1/11 = 1/11 (≈ 0.0909091), expected 5/18 (≈ 0.277778)."
    assert message("5/18", "0.26") == "Wrong: 0.26, expected 5/18 (≈ 0.277778)."
    assert message("5/18", "27.9%") == "Wrong: 27.9% = 0.279, expected 5/18 (≈ 0.277778)."
    assert message("1 - 0.95**20", "0.95**20") == "Wrong: 0.95**20 = ≈ 0.3584859224, expected ≈ 0.6415140776."


def test_huge_exact_values_are_shown_as_decimals():
    assert message("1 - perm(365, 23) / 365**23", "0.5073") == "Correct: ≈ 0.5072972343."
    v = judge(numeric("factorial(52)"), "factorial(52)")
    assert v.correct and v.details["expected"] == "≈ 8.065817517e+67"


def test_tolerance_replaces_the_digits_rule():
    assert outcome("100/3", "33", tolerance=0.5) == "correct"
    assert outcome("100/3", "34", tolerance=0.5) == "wrong"
    assert outcome("100/3", "33.3", tolerance=0.5) == "correct"
    assert outcome("100/3", "32.9", tolerance=0.5) == "correct"   # within, though not a rounding
    assert message("100/3", "34", tolerance=0.5) == (
        "Wrong: 34, expected 100/3 (≈ 33.3333) (this drill accepts answers within 0.5).")
    assert message("100/3", "33", tolerance=0.5) == (
        "Correct: 100/3 (≈ 33.3333) (this drill accepts answers within 0.5).")


def test_tolerance_is_the_decimal_written_not_the_nearest_double():
    # the double nearest 0.3 is a little below 0.3, so |1.3 - 1| <= 0.3 fails in floating point
    assert outcome("1", "1.3", tolerance=0.3) == "correct"
    assert outcome("1", "0.7", tolerance=0.3) == "correct"
    assert outcome("1", "1.3000000001", tolerance=0.3) == "wrong"


def test_tolerance_with_an_inexact_answer():
    assert outcome("0.0214", "exp(-3.84)", tolerance=0.0001) == "correct"
    assert outcome("0.0214", "2 * exp(-3.84)", tolerance=0.0001) == "wrong"


@pytest.mark.parametrize(
    "answer, fragment",
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("abc", "unknown name"),
        ("__import__('os')", "unknown function"),
        ("__import__('os').system('touch /tmp/x')", "only numbers"),
        ("(1).real", "only numbers"),
        ("'a' * 10**9", "only numbers"),
        ("[1] * 10**9", "only numbers"),
        ("lambda: 1", "only numbers"),
        ("True", "only numbers"),
        ("1j", "only numbers"),
        ("5 // 2", "only + - * / **"),
        ("5 % 2", "not a number or an expression"),
        ("1/0", "division by zero"),
        ("0**-1", "division by zero"),
        ("1/(pi-pi)", "division by zero"),
        ("pi - pi", "too few reliable digits"),
        ("(exp(1e-12) - 1) * 1e12", "too few reliable digits"),
        ("1e999999999", "too large or too small"),
        ("1e99999999999999999999", "too large or too small"),
        ("1e5000", "too large or too small"),
        ("1e-5000", "too large or too small"),
        ("1e1201", "too large or too small"),
        ("1 + 1e999999999", "too large or too small"),
        ("1e999999999 * 0", "too large or too small"),
        ("2**9999", "too large"),
        ("2**-9999", "too large"),
        ("0.5**100000", "too large"),
        ("10**10**10", "too large"),
        ("2**2**2**2**2", "too large"),
        ("9**9**9", "too large"),
        ("1e300**1e300", "too large"),
        ("(10**1000)**2", "too large"),
        ("10**1000 * 10**1000", "too large"),
        ("factorial(10**6)", "more than 1200 digits"),
        ("factorial(factorial(10))", "whole numbers"),
        ("factorial(1000)", "more than 1200 digits"),
        ("factorial(-1)", "whole numbers"),
        ("factorial(2.5)", "whole numbers"),
        ("factorial(10**100)", "whole numbers"),
        ("comb(10**15, 5*10**14)", "more than 1200 digits"),
        ("perm(10**15, 10**6)", "more than 1200 digits"),
        ("comb(10**100, 2)", "whole numbers"),
        ("comb(5)", "takes 2 arguments"),
        ("sqrt(1, 2)", "takes 1 argument"),
        ("sqrt(*[4])", "takes 1 argument"),
        ("sqrt(x=4)", "only numbers"),
        ("sqrt(-1)", "not real"),
        ("sqrt(-pi)", "not real"),
        ("(-8)**(1/3)", "not real"),
        ("(-pi)**0.5", "not real"),
        ("log(0)", "no value"),
        ("log(-1)", "no value"),
        ("exp(1000)", "too large"),
        ("exp(exp(10))", "too large"),
        ("exp(-1000)", "too small"),
        ("1e308 * 10 * pi", "too large"),
        ("factorial(200) * pi", "too large"),
        ("pi**(10**100)", "exponent is too large"),
        ("pi**1000", "too large"),
        ("-" * 200 + "1", "nested too deeply"),
        ("1" * 301, "longer than 300 characters"),
        ("1" * 1_000_000, "longer than 300 characters"),
        (" " * 1_000_000 + "1", "longer than 300 characters"),
        ("1\x00", "control character (U+0000)"),
        ("\x1b[2J0.5", "control character (U+001B)"),
        ("0.5\u2028", "control character (U+2028)"),
        ("5²", "not a number or an expression"),
        ("3,839", "has a comma"),
        ("0,278", "has a comma"),
        ("1 000", "not a number or an expression"),
        ("0.2.5", "not a number or an expression"),
        ("1e", "not a number or an expression"),
        ("%", "not a number or an expression"),
        ("--", "not a number or an expression"),
    ],
)
def test_unreadable_or_unbounded_answers_are_errors(answer, fragment):
    v = judge(numeric("1/2"), answer)
    assert v.outcome == "error"
    assert v.message.startswith("Could not read the answer: ")
    assert fragment in v.message
    assert len(v.message) < 300   # the answer is never echoed whole


HOSTILE = [
    "1e999999999", "1e99999999999999999999", "2**9999", "1e5000", "sqrt(-1)", "10**10**10", "9**9**9",
    "2**2**2**2**2", "factorial(10**6)", "factorial(factorial(10))", "comb(10**15, 5*10**14)",
    "perm(10**15, 10**6)", "exp(exp(10))", "pi**(10**100)", "1e300**1e300", "(10**1000)**2",
    "10**1000 * 10**1000 * 10**1000", "comb(10**15, 80)", "factorial(450) / factorial(449)",
    "-" * 200 + "1", "(" * 100 + "1" + ")" * 100, "1" * 300, "9" * 299 + "%", "1" * 10_000_000,
    "+".join(["factorial(450)"] * 20), "*".join(["1e99"] * 30), "/".join(["3**2000"] * 20),
    "sqrt(" * 40 + "2" + ")" * 40, "exp(" * 50 + "0.1" + ")" * 50, "(2**0.5)**(2**0.5)**(2**0.5)",
]


@pytest.mark.parametrize("answer", HOSTILE, ids=lambda a: a[:40])
def test_hostile_input_is_refused_before_the_work_is_done(answer):
    """Bounded by what is computed, not by a timeout: little CPU and little memory for each answer."""
    tracemalloc.start()
    start = time.process_time()
    try:
        v = judge(numeric("1/2"), answer)
        used = time.process_time() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert v.outcome in ("wrong", "error")
    assert used < 0.5, used            # each takes well under 10 ms; the margin is for a loaded machine
    assert peak < 8 * 2**20, peak      # 1e999999999 built in full would take 400 MB


def test_hostile_solutions_fail_validate_with_file_and_line(fixture_bank, tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    shutil.copy(fixture_bank / "_bank.yaml", bank)
    source = (fixture_bank / "probability" / "two-dice-seven.yaml").read_text()
    solutions = {"huge": '"1e999999999"', "tower": '"10**10**10"', "power": '"2**9999"', "root": '"sqrt(-1)"',
                 "nul": '"1\\0"', "deep": '"' + "-" * 200 + '1"', "long": '"' + "1" * 100_000 + '"'}
    for name, solution in solutions.items():
        drill = bank / "probability" / f"{name}.yaml"
        drill.parent.mkdir(exist_ok=True)
        drill.write_text(source.replace("probability/two-dice-seven", f"probability/{name}")
                         .replace("solution: 1/6", f"solution: {solution}"))
    start = time.process_time()
    result = CliRunner().invoke(cli, ["validate", "-j", "1", str(bank)])
    assert time.process_time() - start < 5
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for name in solutions:
        assert any(line.startswith(f"{bank / 'probability' / name}.yaml:9: the solution cannot be read: ")
                   for line in lines), (name, result.output)
    assert lines[-1].endswith(f": {len(solutions)} problems")


def test_unreadable_solution_is_a_bank_error():
    with pytest.raises(BankError, match="the solution cannot be read"):
        judge(dataclasses.replace(numeric("1/2"), solution="one half"), "0.5")


def test_a_solution_with_a_space_after_the_minus():
    assert parse("- 0.0526").value == Fraction(-526, 10000)
    assert judge(numeric("- 0.0526"), "-0.0526").correct


def test_digits_of_other_scripts_read_as_digits():
    assert parse("١٢٣").value == 123            # Arabic-Indic
    assert parse("１２.５").value == Fraction(25, 2)   # full-width digits, ASCII point
    assert judge(numeric("123"), "١٢٣").correct


def test_a_byte_order_mark_from_an_editor_is_ignored():
    assert judge(numeric("1/2"), "\ufeff0.5\n").correct


def test_exact_fractions_with_dozens_of_digits():
    q = numeric("1 - perm(365, 23) / 365**23")
    assert judge(q, "1 - perm(365, 23) / 365**23").correct
    assert parse("365**23").value == Fraction(365) ** 23
    assert parse("factorial(365) / factorial(342)").value == math.perm(365, 23)


def test_display_survives_pythons_int_string_limit():
    """1000-digit values are shown through Decimal, never str(int), so a lowered limit cannot crash the judge."""
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        v = judge(numeric("factorial(449)"), "factorial(450) / 450")
        assert v.correct and v.message.startswith("Correct: ≈ 3.85")
        assert judge(numeric("1/2"), "factorial(450)").outcome == "wrong"
    finally:
        sys.set_int_max_str_digits(old)


def test_must_be_exact():
    assert must_be_exact(Fraction(1024)) and must_be_exact(Fraction(10**100))
    assert must_be_exact(Fraction(147, 10)) and must_be_exact(Fraction(1568, 100000))
    assert not must_be_exact(Fraction(34116, 100000))   # five significant digits
    assert not must_be_exact(Fraction(1, 3))
    assert not must_be_exact(Interval(0.5, 0.6))


def test_an_inexact_reference_holding_a_short_value_is_that_value():
    assert reference_of(numeric("sqrt(2) * sqrt(2)")) == 2
    assert reference_of(numeric("log(exp(0.25))")) == Fraction(1, 4)
    assert isinstance(reference_of(numeric("sqrt(2)")), Interval)


def test_intervals_hold_the_true_value():
    for text, true in [("pi", "3.14159265358979323846264338327950288"),
                       ("e", "2.71828182845904523536028747135266250"),
                       ("sqrt(2)", "1.41421356237309504880168872420969808"),
                       ("exp(-3)", "0.04978706836786394297934241565006177"),
                       ("log(10)", "2.30258509299404568401799145468436421"),
                       ("2**0.5 * 3**0.5", "2.44948974278317809819728407470589139")]:
        value = parse(text).value
        assert isinstance(value, Interval)
        assert value.lo <= Fraction(true) <= value.hi, text
        assert value.hi - value.lo < 1e-14


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_judged_or_refused_never_crashes(text):
    try:
        parse(text)
    except AnswerError:
        pass
    start = time.process_time()
    v = judge(numeric("5/18"), text)
    assert v.outcome in ("correct", "wrong", "error")
    assert time.process_time() - start < 0.5


_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**40).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(0, 10**6), st.integers(-(10**12), 10**12)),
    st.builds(lambda w, f: f"{w}.{f}", st.integers(0, 999), st.integers(0, 10**9)),
    st.sampled_from(["pi", "e", "0", "1", "2", "0.5", "10**10", "1e308", "1e-308", "9" * 200]),
)


def _combine(children):
    ops = st.sampled_from([" + ", " - ", " * ", " / ", " ** ", "^"])
    return st.one_of(
        st.builds(lambda a, op, b: f"({a}){op}({b})", children, ops, children),
        st.builds(lambda a: f"-{a}", children),
        st.builds(lambda a: f"{a}%", _NUMBERS),
        st.builds(lambda fn, a: f"{fn}({a})", st.sampled_from(["sqrt", "exp", "log", "factorial"]), children),
        st.builds(lambda fn, a, b: f"{fn}({a}, {b})", st.sampled_from(["comb", "perm"]), children, children),
    )


EXPRESSIONS = st.recursive(_NUMBERS, _combine, max_leaves=12)


@settings(max_examples=250, deadline=None)
@given(EXPRESSIONS)
def test_any_expression_is_judged_or_refused_within_a_bound(text):
    start = time.process_time()
    v = judge(numeric("5/18"), text)
    assert v.outcome in ("correct", "wrong", "error")
    assert time.process_time() - start < 0.5


@settings(max_examples=100, deadline=None)
@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6))
def test_the_exact_value_is_always_accepted(value):
    assert judge(numeric(str(value)), str(value)).correct
    assert judge(numeric(f"({value})"), f"{float(value):.12g}").correct


@settings(max_examples=150, deadline=None)
@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6), st.integers(3, 12))
def test_roundings_and_truncations_are_right_and_their_neighbours_wrong(value, digits):
    from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, localcontext

    if value == 0 or must_be_exact(value):
        return
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    q = numeric(str(value))
    for mode in (ROUND_HALF_EVEN, ROUND_DOWN):
        with localcontext() as ctx:
            ctx.prec, ctx.rounding = digits, mode
            answer = +exact
        assert judge(q, str(answer)).correct, (value, answer)
        step = Decimal(1).scaleb(answer.adjusted() - digits + 1)
        outside = answer + step if exact < answer else answer - step   # beyond the exact value, away from it
        if abs(Fraction(outside) - value) > Fraction(step):
            assert judge(q, str(outside)).outcome == "wrong", (value, outside)


def test_shipped_prompts_agree_with_the_rule():
    """A prompt that allows three significant figures accepts them; a tolerance is only for an approximate reference."""
    from decimal import Decimal, localcontext

    from drills.bank import bundled_bank, load_bank

    drills = [q for q in load_bank([bundled_bank()]).questions.values() if q.kind == "numeric"]
    assert len(drills) > 40
    for q in drills:
        reference = reference_of(q)
        assert q.tolerance is None or not must_be_exact(reference), q.id
        if "three significant figures" in q.prompt:
            lo, hi = (reference, reference) if isinstance(reference, Fraction) else (reference.lo, reference.hi)
            middle = (Fraction(lo) + Fraction(hi)) / 2
            with localcontext() as ctx:
                ctx.prec = 3
                three = +(Decimal(middle.numerator) / Decimal(middle.denominator))
            assert judge(q, str(three)).correct, (q.id, str(three))
