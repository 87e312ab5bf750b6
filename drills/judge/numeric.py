"""The numeric judge: fractions, decimals, percentages and short expressions, exactly.

Answers are parsed with `ast` and evaluated by a whitelist walker over Fractions, never
`eval`; sizes are bounded so `10**10**10` is an error, not a hang.
"""

from __future__ import annotations

import ast
import math
import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from drills.errors import AnswerError
from drills.model import Question, Verdict

MAX_LENGTH = 300
MAX_BITS = 20_000          # largest numerator/denominator an exact result may reach
MAX_FACTORIAL = 2_000
MAX_DEPTH = 40
MIN_SIGNIFICANT = 3
FLOAT_RTOL = 1e-9

Number = Fraction | float

_PERCENT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*%")
_DECIMAL = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*(%?)\s*$")


@dataclass(frozen=True)
class Parsed:
    value: Number
    text: str
    unit: Fraction | None = None      # one unit of the last digit, for a plain decimal answer
    significant: int = 0


def _sqrt(x: Number) -> Number:
    if isinstance(x, Fraction) and x >= 0:
        n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
        if n * n == x.numerator and d * d == x.denominator:
            return Fraction(n, d)
    return math.sqrt(x)


def _int_arg(name: str, x: Number) -> int:
    if isinstance(x, Fraction) and x.denominator == 1 and 0 <= x <= MAX_FACTORIAL:
        return int(x)
    raise AnswerError(f"{name}() takes whole numbers from 0 to {MAX_FACTORIAL}")


def _comb(n: Number, k: Number) -> Fraction:
    return Fraction(math.comb(_int_arg("comb", n), _int_arg("comb", k)))


def _perm(n: Number, k: Number) -> Fraction:
    return Fraction(math.perm(_int_arg("perm", n), _int_arg("perm", k)))


def _factorial(n: Number) -> Fraction:
    return Fraction(math.factorial(_int_arg("factorial", n)))


def _float_fn(fn):
    def wrapped(*args: Number) -> float:
        try:
            return fn(*(float(a) for a in args))
        except (ValueError, OverflowError) as exc:
            raise AnswerError(f"{fn.__name__}() cannot take {', '.join(str(a) for a in args)}: {exc}") from None
    wrapped.__name__ = fn.__name__
    return wrapped


FUNCTIONS = {
    "comb": _comb, "choose": _comb, "C": _comb, "perm": _perm, "factorial": _factorial,
    "sqrt": _sqrt, "exp": _float_fn(math.exp), "log": _float_fn(math.log), "ln": _float_fn(math.log),
}
CONSTANTS = {"pi": math.pi, "e": math.e}


def parse(text: str) -> Parsed:
    """Parse an answer or a reference value; raises AnswerError with a reason a person can act on."""
    if not isinstance(text, str):
        text = str(text)
    clean = text.strip().replace("^", "**").replace("×", "*").replace("−", "-")
    if not clean:
        raise AnswerError("the answer is empty; type a number such as 5/18, 0.278 or 27.8%")
    if len(clean) > MAX_LENGTH:
        raise AnswerError(f"the answer is longer than {MAX_LENGTH} characters")
    m = _DECIMAL.match(clean)
    if m:
        body = clean.rstrip().rstrip("%").strip()
        d = Decimal(body)
        exact = Fraction(d)
        unit = Fraction(1, 1) * Fraction(10) ** d.as_tuple().exponent
        if m.group(4):
            exact, unit = exact / 100, unit / 100
        digits = d.as_tuple().digits
        significant = len(digits) - next((i for i, x in enumerate(digits) if x), len(digits))
        return Parsed(exact, text, unit, significant)
    expr = _PERCENT.sub(lambda mm: f"({mm.group(0).rstrip('%').strip()}/100)", clean)
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise AnswerError(f"'{text.strip()}' is not a number or an expression I can read; "
                          "try 5/18, 0.2778, 27.78% or 1 - (5/6)**4") from None
    return Parsed(_eval(tree.body, expr, 0), text)


def _eval(node: ast.AST, src: str, depth: int) -> Number:
    if depth > MAX_DEPTH:
        raise AnswerError("the expression is nested too deeply")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        literal = ast.get_source_segment(src, node) or repr(node.value)
        try:
            return Fraction(Decimal(literal.replace("_", "")))
        except (InvalidOperation, ValueError):
            return Fraction(node.value)
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise AnswerError(f"unknown name '{node.id}'; known constants: pi, e")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _eval(node.operand, src, depth + 1)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, src, depth + 1)
        right = _eval(node.right, src, depth + 1)
        return _binop(node.op, left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        fn = FUNCTIONS.get(node.func.id)
        if fn is None:
            raise AnswerError(f"unknown function '{node.func.id}'; known: {', '.join(sorted(FUNCTIONS))}")
        args = [_eval(a, src, depth + 1) for a in node.args]
        try:
            return fn(*args)
        except TypeError:
            raise AnswerError(f"{node.func.id}() got {len(args)} argument(s)") from None
    raise AnswerError("only numbers, + - * / **, parentheses, % and "
                      f"{', '.join(sorted(FUNCTIONS))} are allowed")


def _binop(op: ast.operator, a: Number, b: Number) -> Number:
    try:
        if isinstance(op, ast.Add):
            result = a + b
        elif isinstance(op, ast.Sub):
            result = a - b
        elif isinstance(op, ast.Mult):
            result = a * b
        elif isinstance(op, ast.Div):
            if b == 0:
                raise AnswerError("division by zero")
            result = a / b
        elif isinstance(op, ast.Pow):
            result = _power(a, b)
        else:
            raise AnswerError("only + - * / ** are allowed between numbers")
    except OverflowError:
        raise AnswerError("the number is too large") from None
    _check_size(result)
    return result


def _power(a: Number, b: Number) -> Number:
    if isinstance(a, Fraction) and isinstance(b, Fraction) and b.denominator == 1:
        bits = max(a.numerator.bit_length(), a.denominator.bit_length())
        if bits * abs(b.numerator) > MAX_BITS:
            raise AnswerError("the number is too large to compute exactly; simplify the expression")
        if a == 0 and b < 0:
            raise AnswerError("division by zero")
        return a ** int(b)
    if float(a) < 0:
        raise AnswerError("a negative number to a fractional power is not real")
    result = float(a) ** float(b)
    if math.isinf(result):
        raise AnswerError("the number is too large")
    return result


def _check_size(value: Number) -> None:
    if isinstance(value, Fraction):
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_BITS:
            raise AnswerError("the number is too large to compute exactly; simplify the expression")
    elif math.isnan(value) or math.isinf(value):
        raise AnswerError("the expression has no finite value")


def show(value: Number) -> str:
    """5/18 (≈ 0.277778): exact and decimal side by side."""
    if isinstance(value, Fraction):
        if value.denominator == 1 and len(str(value.numerator)) <= 20:
            return str(value.numerator)
        if len(str(value)) > 24:
            return f"≈ {float(value):.10g}"
        return f"{value} (≈ {float(value):.6g})"
    return f"{value:.10g}"


def is_right(answer: Parsed, exact: Number, tolerance: float | None) -> tuple[bool, str]:
    """(correct?, why) under the default digits rule or the drill's own tolerance."""
    a = answer.value
    if isinstance(a, Fraction) and isinstance(exact, Fraction) and a == exact:
        return True, "exact"
    if tolerance is not None:
        return abs(float(a) - float(exact)) <= tolerance, f"within the drill's tolerance of {tolerance:g}"
    if answer.unit is not None:
        off = abs(Fraction(exact) - Fraction(a))
        if answer.significant >= MIN_SIGNIFICANT:
            if off <= answer.unit:
                return True, "within one unit of its last digit"
        elif off <= answer.unit / 2:  # rounded right, just too short: say so rather than "wrong"
            return False, f"close, but give at least {MIN_SIGNIFICANT} significant digits"
        return False, "not within one unit of its last digit"
    if math.isclose(float(a), float(exact), rel_tol=FLOAT_RTOL, abs_tol=1e-12):
        return True, "equal to within floating-point precision"
    return False, "a different value"


def judge(question: Question, answer: str) -> Verdict:
    start = time.perf_counter()
    try:
        exact = parse(question.solution).value
    except AnswerError as exc:
        from drills.errors import BankError

        raise BankError(f"the solution cannot be read: {exc}", question.path, question.line_of("solution")) from None
    try:
        given = parse(answer)
    except AnswerError as exc:
        return Verdict("error", f"Could not read the answer: {exc}.", {}, (time.perf_counter() - start) * 1000)
    right, why = is_right(given, exact, question.tolerance)
    details = {"answer": answer.strip(), "value": show(given.value), "expected": show(exact)}
    elapsed = (time.perf_counter() - start) * 1000
    if right:
        return Verdict("correct", f"Correct: {show(exact)}.", details, elapsed)
    if why.startswith("close"):
        return Verdict("wrong", f"Not accepted: {answer.strip()} is {why}.", details, elapsed)
    return Verdict("wrong", f"Wrong: {answer.strip()} = {show(given.value)}, expected {show(exact)}.", details, elapsed)
