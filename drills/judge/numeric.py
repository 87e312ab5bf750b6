"""The numeric judge: fractions, decimals, percentages and short expressions, exactly.

Answers are parsed with `ast` and evaluated by a whitelist walker, never `eval`. Rational
values stay exact Fractions; sqrt, exp, log, pi and e give an Interval of two floats rounded
outwards, so it holds the true value. Every step is sized before it runs: a literal, power,
factorial or product that would pass MAX_DIGITS is refused, not computed, so no answer or
drill solution can hang the judge or exhaust memory.
"""

from __future__ import annotations

import ast
import math
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import TypeGuard

from drills.errors import AnswerError, BankError
from drills.model import Question, Verdict

MAX_INPUT = 10_000         # characters looked at before anything else; longer is refused unread
MAX_LENGTH = 300           # characters of an answer once trimmed
MAX_DIGITS = 1200          # digits of any exact number, numerator or denominator, at any step
MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))
MAX_DEPTH = 100            # operators nested inside one another
MIN_SIGNIFICANT = 3        # a rounded decimal needs this many significant digits
SHORT_DIGITS = 4           # an exact decimal with at most this many significant digits must be given exactly
TINY = 1e-300              # below this an inexact result has lost its digits to underflow
MAX_SPREAD = 1e-9          # an inexact result known less precisely than this, relative to its size, is refused


@dataclass(frozen=True)
class Interval:
    """A real number known to lie between two floats, from sqrt, exp, log, pi or e."""

    lo: float
    hi: float

    @property
    def mid(self) -> float:
        return self.lo / 2 + self.hi / 2


Value = Fraction | Interval


@dataclass(frozen=True)
class Parsed:
    """An answer's value; a plain decimal also keeps the exponent of its last digit and its significant digits."""

    value: Value
    text: str
    exponent: int | None = None       # 0.278 is -3, 27.8% is -1, 1.2e3 is 2; None for an expression
    significant: int = 0
    percent: bool = False

    @property
    def unit(self) -> Fraction | None:
        """One unit of the last digit written: 1/1000 for 0.278 and for 27.8%."""
        if self.exponent is None:
            return None
        return _ten_to(self.exponent) / (100 if self.percent else 1)


_SYMBOLS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-",
                          "\u00d7": "*", "\u00b7": "*", "\u00f7": "/", "^": "**",
                          "\ufeff": None, "\u200b": None})   # a byte-order mark or zero-width space from an editor
_NUMBER = r"(?P<int>\d+)?(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?"
_DECIMAL = re.compile(rf"(?P<sign>[+-]?)\s*{_NUMBER}\s*(?P<pct>%?)", re.ASCII)
_LITERAL = re.compile(_NUMBER, re.ASCII)
_PERCENT = re.compile(r"(?<![\w.])((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*%", re.ASCII)
_COMMA = re.compile(r"[+-]?\d+(?:,\d+)+(?:\.\d*)?%?", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def parse(text: str) -> Parsed:
    """Parse an answer or a reference value; raises AnswerError with a reason a person can act on."""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_INPUT:
        raise AnswerError(f"it is longer than {MAX_LENGTH} characters")
    control = _CONTROL.search(text)
    if control:
        raise AnswerError(f"it contains a control character (U+{ord(control.group()):04X})")
    clean = _ascii_digits(text.translate(_SYMBOLS).strip())
    if not clean:
        raise AnswerError("it is empty; type a number such as 5/18, 0.278 or 27.8%")
    if len(clean) > MAX_LENGTH:
        raise AnswerError(f"it is longer than {MAX_LENGTH} characters")
    shown = clean if len(clean) <= 60 else clean[:57] + "..."
    if _COMMA.fullmatch(clean):
        raise AnswerError(f"'{shown}' has a comma; write numbers with a decimal point and no thousands "
                          "separators, such as 0.278 or 3839")
    core = clean
    while core[:1] == "(" and core[-1:] == ")":   # (0.278) is still a decimal with three digits
        core = core[1:-1].strip()
    m = _DECIMAL.fullmatch(core)
    value: Value
    if m and (m.group("int") is not None or m.group("frac")):
        value, exponent, significant = _decimal(m.group("int"), m.group("frac"), m.group("exp"), shown)
        if m.group("sign") == "-":
            value = -value
        if m.group("pct"):
            value /= 100
        return Parsed(value, text, exponent, significant, bool(m.group("pct")))
    expr = _PERCENT.sub(r"(\1/100)", clean)
    try:
        tree = ast.parse(expr, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise AnswerError(f"'{shown}' is not a number or an expression I can read; "
                          "try 5/18, 0.2778, 27.78% or 1 - (5/6)**4") from None
    try:
        value = _eval(tree.body, expr, 0)
    except RecursionError:   # MAX_DEPTH keeps far below the limit; this is for a caller already deep in its stack
        raise AnswerError("the expression is nested too deeply") from None
    if isinstance(value, Interval) and value.hi - value.lo > MAX_SPREAD * max(abs(value.lo), abs(value.hi)):
        raise AnswerError("floating-point rounding leaves too few reliable digits in this expression "
                          "(a difference of nearly equal numbers?); write it another way")
    return Parsed(value, text)


def _ascii_digits(text: str) -> str:
    """Digits of any script as 0-9 (what int() and Decimal() accept too); superscripts stay as they are."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _decimal(whole: str | None, frac: str | None, exp: str | None, shown: str) -> tuple[Fraction, int, int]:
    """(value, exponent of its last digit, significant digits), sized before any big number is built."""
    digits = (whole or "") + (frac or "")
    exponent = -len(frac or "")
    if exp:
        if len(exp.lstrip("+-").lstrip("0")) > 6:
            raise AnswerError(f"'{shown}' is too large or too small: numbers here have at most {MAX_DIGITS} digits")
        exponent += int(exp)
    significant = len(digits.lstrip("0"))
    if significant + max(exponent, 0) > MAX_DIGITS or -exponent > MAX_DIGITS:
        raise AnswerError(f"'{shown}' is too large or too small: numbers here have at most {MAX_DIGITS} digits")
    return Fraction(int(digits)) * _ten_to(exponent), exponent, significant


def _ten_to(exponent: int) -> Fraction:
    return Fraction(10**exponent) if exponent >= 0 else Fraction(1, 10**-exponent)


def _too_large() -> AnswerError:
    return AnswerError(f"the number is too large to work with exactly (more than {MAX_DIGITS} digits); "
                       "simplify the expression")


def _exact(value: Fraction) -> Fraction:
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_BITS:
        raise _too_large()
    return value


# ---- inexact values: intervals of floats rounded outwards ----

def _down(x: float, ulps: int = 1) -> float:
    for _ in range(ulps):
        x = math.nextafter(x, -math.inf)
    return x


def _up(x: float, ulps: int = 1) -> float:
    for _ in range(ulps):
        x = math.nextafter(x, math.inf)
    return x


def _span(values: list[float], ulps: int = 1) -> Interval:
    """The smallest interval holding `values`, widened by `ulps` for the rounding that produced them."""
    if not all(math.isfinite(v) for v in values):
        raise AnswerError("the number is too large for sqrt, exp, log, pi and e (beyond 1e308)")
    result = Interval(_down(min(values), ulps), _up(max(values), ulps))
    if max(abs(result.lo), abs(result.hi)) < TINY:
        raise AnswerError("the number is too small for sqrt, exp, log, pi and e (below 1e-300)")
    return result


def _interval(x: Value) -> Interval:
    if isinstance(x, Interval):
        return x
    try:
        f = float(x)   # correctly rounded, so one unit each way holds x
    except OverflowError:
        raise AnswerError("the number is too large for sqrt, exp, log, pi and e (beyond 1e308)") from None
    if x == 0:
        return Interval(0.0, 0.0)
    return _span([f])


def _float_op(fn, *args: float) -> float:
    try:
        return fn(*args)
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return math.nan


def _corners(fn, a: Interval, b: Interval, ulps: int) -> Interval:
    return _span([_float_op(fn, x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)], ulps)


def _interval_binop(op: ast.operator, a: Interval, b: Interval) -> Interval:
    if isinstance(op, ast.Add):
        return _span([a.lo + b.lo, a.hi + b.hi])
    if isinstance(op, ast.Sub):
        return _span([a.lo - b.hi, a.hi - b.lo])
    if isinstance(op, ast.Mult):
        return _corners(lambda x, y: x * y, a, b, 1)
    if b.lo <= 0 <= b.hi:
        raise AnswerError("division by zero (or by a number too close to zero to tell)")
    return _corners(lambda x, y: x / y, a, b, 1)


# ---- exact operations, each sized before it runs ----

def _binop(op: ast.operator, a: Value, b: Value) -> Value:
    if isinstance(op, ast.Pow):
        return _power(a, b)
    if not isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        raise AnswerError("only + - * / ** are allowed between numbers")
    if isinstance(op, ast.Div) and b == 0:
        raise AnswerError("division by zero")
    if (isinstance(op, ast.Mult) and (a == 0 or b == 0)) or (isinstance(op, ast.Div) and a == 0):
        return Fraction(0)
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        if isinstance(op, ast.Add):
            return _exact(a + b)
        if isinstance(op, ast.Sub):
            return _exact(a - b)
        return _exact(a * b if isinstance(op, ast.Mult) else a / b)
    return _interval_binop(op, _interval(a), _interval(b))


def _power(a: Value, b: Value) -> Value:
    if isinstance(b, Fraction) and b.denominator == 1:
        return _integer_power(a, b.numerator)
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        if a < 0:
            raise AnswerError("a negative number to a fractional power is not real")
        if a == 0:
            return Fraction(0) if b > 0 else _integer_power(a, -1)
        root = _exact_root(a, b.denominator)
        if root is not None:
            return _integer_power(root, b.numerator)
    base, exponent = _interval(a), _interval(b)
    if base.lo < 0:
        raise AnswerError("a negative number to a fractional power is not real")
    if base.lo == 0 and exponent.lo <= 0:
        raise AnswerError("zero to a power that may be zero or negative has no value here")
    return _corners(math.pow, base, exponent, 2)


def _integer_power(a: Value, n: int) -> Value:
    if n == 0:
        return Fraction(1)
    if a == 0 and n < 0:
        raise AnswerError("division by zero")
    if isinstance(a, Fraction):
        if a in (0, 1):
            return a
        if a == -1:
            return Fraction(-1 if n % 2 else 1)
        bits = max(a.numerator.bit_length(), a.denominator.bit_length())
        if abs(n) > MAX_BITS or abs(n) * (bits - 1) > MAX_BITS:
            raise _too_large()
        return _exact(a**n)
    if abs(n) > 10**6:
        raise AnswerError("the exponent is too large for sqrt, exp, log, pi and e")
    if n < 0:
        if a.lo <= 0 <= a.hi:
            raise AnswerError("division by zero (or by a number too close to zero to tell)")
        return _interval_binop(ast.Div(), Interval(1.0, 1.0), _interval(_integer_power(a, -n)))
    if n % 2 == 0 and a.lo < 0 < a.hi:
        return _span([0.0, _float_op(math.pow, max(-a.lo, a.hi), n)], 2)
    return _span([_float_op(math.pow, a.lo, n), _float_op(math.pow, a.hi, n)], 2)


def _exact_root(a: Fraction, q: int) -> Fraction | None:
    """The exact q-th root of a Fraction >= 0 when it has one (8**(1/3) is 2), else None."""
    if q > 64:
        return None
    roots = [_integer_root(n, q) for n in (a.numerator, a.denominator)]
    if roots[0] ** q == a.numerator and roots[1] ** q == a.denominator:
        return Fraction(roots[0], roots[1])
    return None


def _integer_root(n: int, q: int) -> int:
    """floor(n ** (1/q)) for n >= 0, by Newton's method on integers (no float, so any size)."""
    if n < 2:
        return n
    x = 1 << -(-n.bit_length() // q)
    while True:
        y = ((q - 1) * x + n // x ** (q - 1)) // q
        if y >= x:
            return x
        x = y


def _whole(name: str, x: Value, limit: int) -> int:
    if isinstance(x, Fraction) and x.denominator == 1 and 0 <= x <= limit:
        return int(x)
    raise AnswerError(f"{name}() takes whole numbers from 0 to {limit}")


def _log2_factorial(n: int) -> float:
    return math.lgamma(n + 1) / math.log(2)


def _sized(name: str, bits: float, compute) -> Fraction:
    if bits > MAX_BITS + 64:   # lgamma's estimate is good to a few bits; _exact has the last word
        raise AnswerError(f"{name}() of these numbers has more than {MAX_DIGITS} digits")
    return _exact(Fraction(compute()))


def _comb(n: Value, k: Value) -> Fraction:
    n_, k_ = _whole("comb", n, 10**15), _whole("comb", k, 10**15)
    if k_ > n_:
        return Fraction(0)
    bits = _log2_factorial(n_) - _log2_factorial(k_) - _log2_factorial(n_ - k_)
    return _sized("comb", bits, lambda: math.comb(n_, k_))


def _perm(n: Value, k: Value) -> Fraction:
    n_, k_ = _whole("perm", n, 10**15), _whole("perm", k, 10**15)
    if k_ > n_:
        return Fraction(0)
    return _sized("perm", _log2_factorial(n_) - _log2_factorial(n_ - k_), lambda: math.perm(n_, k_))


def _factorial(n: Value) -> Fraction:
    n_ = _whole("factorial", n, 10**6)
    return _sized("factorial", _log2_factorial(n_), lambda: math.factorial(n_))


def _sqrt(x: Value) -> Value:
    if isinstance(x, Fraction):
        if x < 0:
            raise AnswerError("the square root of a negative number is not real")
        root = _exact_root(x, 2)
        if root is not None:
            return root
    i = _interval(x)
    if i.hi < 0:
        raise AnswerError("the square root of a negative number is not real")
    return _span([math.sqrt(max(i.lo, 0.0)), math.sqrt(i.hi)])


def _exp(x: Value) -> Value:
    if x == 0:
        return Fraction(1)
    i = _interval(x)
    return _span([_float_op(math.exp, i.lo), _float_op(math.exp, i.hi)], 4)


def _log(x: Value) -> Value:
    if x == 1:
        return Fraction(0)
    i = _interval(x)
    if i.lo <= 0:
        raise AnswerError("the logarithm of zero or a negative number has no value")
    return _span([math.log(i.lo), math.log(i.hi)], 4)


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "comb": _comb, "choose": _comb, "C": _comb, "perm": _perm, "factorial": _factorial,
    "sqrt": _sqrt, "exp": _exp, "log": _log, "ln": _log,
}
CONSTANTS = {"pi": _span([math.pi]), "e": _span([math.e])}


def _eval(node: ast.AST, src: str, depth: int) -> Value:
    if depth > MAX_DEPTH:
        raise AnswerError("the expression is nested too deeply")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return _constant(node, src)
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise AnswerError(f"unknown name '{node.id[:40]}'; known constants: pi, e")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _eval(node.operand, src, depth + 1)
        if isinstance(node.op, ast.UAdd):
            return value
        return -value if isinstance(value, Fraction) else Interval(-value.hi, -value.lo)
    if isinstance(node, ast.BinOp):
        return _binop(node.op, _eval(node.left, src, depth + 1), _eval(node.right, src, depth + 1))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        fn = FUNCTIONS.get(node.func.id)
        if fn is None:
            raise AnswerError(f"unknown function '{node.func.id[:40]}'; known: {', '.join(sorted(FUNCTIONS))}")
        arity = 2 if fn in (_comb, _perm) else 1
        if len(node.args) != arity or any(isinstance(a, ast.Starred) for a in node.args):
            raise AnswerError(f"{node.func.id}() takes {arity} argument{'s' if arity > 1 else ''}")
        return fn(*(_eval(a, src, depth + 1) for a in node.args))
    raise AnswerError("only numbers, + - * / **, parentheses, % and "
                      f"{', '.join(sorted(FUNCTIONS))} are allowed")


def _constant(node: ast.Constant, src: str) -> Fraction:
    """A literal read from its own text, so 0.1 is 1/10 and 1e999999999 is refused before it is built."""
    literal = (ast.get_source_segment(src, node) or "").replace("_", "")
    m = _LITERAL.fullmatch(literal)
    if m and (m.group("int") is not None or m.group("frac")):
        return _decimal(m.group("int"), m.group("frac"), m.group("exp"), literal)[0]
    if isinstance(node.value, int):   # 0x1f, 0o17, 0b101: at most MAX_LENGTH characters, so bounded
        return _exact(Fraction(node.value))
    raise AnswerError(f"'{literal[:40]}' is not a number I can read")


# ---- judging ----

def _bounds(x: Value) -> tuple[Fraction, Fraction]:
    if isinstance(x, Fraction):
        return x, x
    return Fraction(x.lo), Fraction(x.hi)


def _significant(x: Fraction) -> int | None:
    """Significant digits of x written as a decimal, or None when its decimal never ends."""
    twos = (x.denominator & -x.denominator).bit_length() - 1
    d, fives = x.denominator >> twos, 0
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d != 1:
        return None
    scaled = abs(x.numerator) * (10 ** max(twos, fives)) // x.denominator
    if scaled == 0:
        return 0
    if scaled.bit_length() > 64:
        return 20
    return len(str(scaled).rstrip("0"))


def must_be_exact(x: Value) -> TypeGuard[Fraction]:
    """A whole number, or a decimal of at most SHORT_DIGITS significant digits: no rounding of it is right."""
    if not isinstance(x, Fraction):
        return False
    if x.denominator == 1:
        return True
    digits = _significant(x)
    return digits is not None and digits <= SHORT_DIGITS


def _snap(x: Value) -> Value:
    """An inexact reference whose interval holds a whole number or a short decimal is that number (sqrt(2)**2 is 2)."""
    if isinstance(x, Fraction):
        return x
    mid = x.mid
    candidates = [Fraction(Decimal(f"{mid:.{SHORT_DIGITS - 1}e}"))]
    if abs(mid) < 2**53:
        candidates.append(Fraction(round(mid)))
    return next((c for c in candidates if x.lo <= c <= x.hi), x)


def rounds_to(answer: Fraction, unit: Fraction, lo: Fraction, hi: Fraction) -> bool:
    """Whether some value in [lo, hi], rounded or truncated to `unit`, gives `answer`."""
    if answer > 0:
        return lo < answer + unit and hi >= answer - unit / 2
    if answer < 0:
        return hi > answer - unit and lo <= answer + unit / 2
    return lo < unit and hi > -unit


def _rounded(x: Fraction, given: Parsed) -> str:
    """`x` rounded to the digits of a decimal answer, written as the answer was (27.8% or 0.278)."""
    assert given.exponent is not None
    steps = round(x * (100 if given.percent else 1) / _ten_to(given.exponent))
    return str(Decimal(f"{steps}e{given.exponent}")) + ("%" if given.percent else "")


def tolerance_of(question: Question) -> Fraction | None:
    """The drill's tolerance as written in its file (0.01 is 1/100, not the float nearest it)."""
    return None if question.tolerance is None else Fraction(str(question.tolerance))


def assess(given: Parsed, reference: Value, tolerance: Fraction | None = None) -> tuple[bool, str]:
    """(right?, message): the one place where the rule for a numeric answer lives."""
    answer = given.text.strip()
    lo, hi = _bounds(reference)
    a_lo, a_hi = _bounds(given.value)
    if given.exponent is not None:   # a decimal as written, so an exact Fraction
        said = f"{answer} = {_plain(given.value)}" if given.percent and isinstance(given.value, Fraction) else answer
    else:
        value = show(given.value)
        said = answer if value == answer else f"{answer} = {value}"
    wrong = f"Wrong: {said}, expected {show(reference)}"
    if isinstance(given.value, Fraction) and given.value == reference:
        return True, f"Correct: {show(reference)}."
    if tolerance is not None:
        within = f"this drill accepts answers within {show(tolerance)}"
        if max(a_lo - hi, lo - a_hi, Fraction(0)) <= tolerance:
            return True, f"Correct: {show(reference)} ({within})."
        return False, f"{wrong} ({within})."
    if given.unit is None:
        right = a_lo <= hi and lo <= a_hi
        return (True, f"Correct: {show(reference)}.") if right else (False, wrong + ".")
    a = given.value
    assert isinstance(a, Fraction)
    rounded = a != 0 and rounds_to(a, given.unit, lo, hi)   # 0 claims zero; it is not a rounding
    if must_be_exact(reference):
        if rounded and given.significant >= MIN_SIGNIFICANT:
            kind = "a whole number" if reference.denominator == 1 else "a short decimal"
            return False, f"{wrong}: the exact value is {kind}, so only all of its digits are right."
        return False, wrong + "."
    if rounded:
        if given.significant >= MIN_SIGNIFICANT:
            return True, f"Correct: {show(reference)}."
        n = given.significant
        return False, (f"Not accepted: {answer} has {n} significant digit{'s' if n > 1 else ''}; "
                       f"give at least {MIN_SIGNIFICANT}.")
    if abs(a - (lo + hi) / 2) <= given.unit and given.significant >= MIN_SIGNIFICANT:
        digits = _rounded((lo + hi) / 2, given)   # one unit off: say what those digits should have been
        return False, f"{wrong}; rounded to the digits given it is {digits}."
    return False, wrong + "."


def show(value: Value) -> str:
    """14.7, 5/18 (≈ 0.277778) or ≈ 0.5072972343: exact where short, a decimal beside it where not."""
    if isinstance(value, Interval):
        return f"≈ {value.mid:.10g}"
    num, den = value.numerator, value.denominator
    if den == 1 and num.bit_length() <= 64:
        return str(num)
    digits = _significant(value)
    if den != 1 and digits is not None and digits <= 12:
        return _plain(value)
    with localcontext() as ctx:
        ctx.prec = 10
        decimal = Decimal(num) / Decimal(den)
    if digits is None and num.bit_length() <= 64 and den.bit_length() <= 64:
        return f"{value} (≈ {decimal:.6g})"
    return f"≈ {decimal:.10g}"


def _plain(value: Fraction) -> str:
    """A terminating decimal of at most MAX_LENGTH digits, written out exactly: 0.0025, -14.7."""
    with localcontext() as ctx:
        ctx.prec = MAX_LENGTH + 10
        return str(Decimal(value.numerator) / Decimal(value.denominator))


def reference_of(question: Question) -> Value:
    """The drill's exact value; an unreadable solution is the drill's fault, reported at its line."""
    try:
        return _snap(parse(question.solution).value)
    except AnswerError as exc:
        raise BankError(f"the solution cannot be read: {exc}", question.path, question.line_of("solution")) from None


def judge(question: Question, answer: str) -> Verdict:
    start = time.perf_counter()
    reference = reference_of(question)
    try:
        given = parse(answer)
    except AnswerError as exc:
        return Verdict("error", f"Could not read the answer: {exc}.", {}, (time.perf_counter() - start) * 1000)
    right, message = assess(given, reference, tolerance_of(question))
    details = {"answer": given.text.strip(), "value": show(given.value), "expected": show(reference)}
    return Verdict("correct" if right else "wrong", message, details, (time.perf_counter() - start) * 1000)
