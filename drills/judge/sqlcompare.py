"""How two SQL result sets are compared: the rules a drill's `ordered`, `float_digits` and
`column_names` settings stand for, in one place for the judge and the worker's searches.

Numbers of any type are compared exactly (as fractions, never through floats): equal when
they differ by at most half a unit of the drill's `float_digits`, so an exact DECIMAL 5.815
equals a DOUBLE 5.8149999999999995 at 2 digits and two integers are equal only when they
are. STRUCT values compare by field name, MAP values by their entries in any order, LIST
and ARRAY values in order; NaN equals NaN; a DATE is not the VARCHAR that looks like it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

SHOW_ROWS = 5
MATCH_LIMIT = 400  # rows left after exact matching that are paired by tolerance one by one

# A column's shape, as the worker describes it: "s" (scalar), ("struct", {field: shape}),
# ("map", key shape, value shape), ("list", element shape).
Shape = Any


@dataclass(frozen=True)
class Rules:
    """The comparison settings of one drill."""

    ordered: bool = False
    float_digits: int = 6
    column_names: str = "ignore"

    @classmethod
    def of(cls, question: Any) -> Rules:
        return cls(question.ordered, question.float_digits, question.column_names)


def shape_of(duck_type: Any) -> Shape:
    """The shape of a DuckDB type object (DuckDBPyType), enough to tell a MAP from a STRUCT."""
    kind = getattr(duck_type, "id", "")
    if kind not in ("struct", "map", "list", "array"):
        return "s"
    children = duck_type.children
    if kind == "struct":
        return ("struct", {name: shape_of(t) for name, t in children})
    if kind == "map":
        return ("map", shape_of(children[0][1]), shape_of(children[1][1]))
    if kind in ("list", "array"):
        return ("list", shape_of(children[0][1]))
    return "s"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def normalize(value: Any, shape: Shape = "s") -> Any:
    """A hashable form equal for values that are exactly the same under the drill's rules."""
    if value is None or isinstance(value, bool):
        return value
    if _number(value):
        if isinstance(value, float) and not math.isfinite(value):
            return ("nan",) if math.isnan(value) else ("inf", value > 0)
        if isinstance(value, Decimal) and not value.is_finite():
            return ("nan",) if value.is_nan() else ("inf", value > 0)
        if isinstance(value, float):
            return ("num", Fraction(value), "double")  # marked: only a double's noise is forgiven
        return ("num", Fraction(value))
    if isinstance(value, dict):
        if shape != "s" and shape[0] == "map":
            entries = sorted(((normalize(k, shape[1]), normalize(v, shape[2])) for k, v in value.items()), key=repr)
            return ("map", tuple(entries))
        fields = shape[1] if shape != "s" and shape[0] == "struct" else {}
        return ("struct", tuple(sorted((str(k), normalize(v, fields.get(k, "s"))) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        inner = shape[1] if shape != "s" and shape[0] == "list" else "s"
        return ("list", tuple(normalize(v, inner) for v in value))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc)
        if value.time() == dt.time():
            return value.date()  # date_trunc gives a timestamp; by value it is the same day
    return value


def normalize_row(row: tuple, shapes: list[Shape] | None = None) -> tuple:
    shapes = shapes or ["s"] * len(row)
    return tuple(normalize(v, s) for v, s in zip(row, shapes, strict=False))


def close(a: Any, b: Any, digits: int) -> bool:
    """Normalized values equal within half a unit of `digits` decimals, at any depth."""
    if a == b:
        return True
    if isinstance(a, tuple) and isinstance(b, tuple) and a and b and a[0] == b[0]:
        if a[0] == "num":
            slack = _float_slack(a[1], b[1]) if len(a) + len(b) > 4 else 0
            return abs(a[1] - b[1]) <= _half_unit(digits) + slack
        if a[0] in ("list", "struct", "map"):
            if len(a[1]) != len(b[1]):
                return False
            if a[0] == "list":
                return all(close(x, y, digits) for x, y in zip(a[1], b[1], strict=True))
            return all(ka == kb and close(va, vb, digits) for (ka, va), (kb, vb) in zip(a[1], b[1], strict=True))
    return False


def rows_close(a: tuple, b: tuple, digits: int) -> bool:
    return len(a) == len(b) and all(close(x, y, digits) for x, y in zip(a, b, strict=True))


def _half_unit(digits: int) -> Fraction:
    return Fraction(1, 2 * 10**digits)


def _float_slack(a: Fraction, b: Fraction) -> Fraction:
    """A double carries about 16 significant digits; forgive the noise in the last few of a
    fraction, never in a whole number (a double cannot hold 2**53 + 1: that is not equal)."""
    if a.denominator == 1 and b.denominator == 1:
        return Fraction(0)
    return (abs(a) + abs(b)) * Fraction(1, 2**50)


def on_tie(value: Any, digits: int) -> bool:
    """True when `value` sits (up to float noise) exactly halfway between two roundings."""
    if not _number(value) or (isinstance(value, float) and not math.isfinite(value)):
        return False
    if isinstance(value, Decimal) and not value.is_finite():
        return False
    scaled = Fraction(value) * 10**digits
    frac = scaled - math.floor(scaled)
    return abs(frac - Fraction(1, 2)) <= abs(scaled) * Fraction(1, 2**48)


def match(exp: list[tuple], got: list[tuple], digits: int) -> tuple[list[int], list[int]]:
    """Pair rows of two multisets; the indexes of expected and actual rows left unpaired."""
    free_got: dict[tuple, list[int]] = {}
    for j, row in enumerate(got):
        free_got.setdefault(row, []).append(j)
    left_exp = []
    for i, row in enumerate(exp):
        bucket = free_got.get(row)
        if bucket:
            bucket.pop()
        else:
            left_exp.append(i)
    left_got = sorted(j for bucket in free_got.values() for j in bucket)
    if not left_exp or not left_got:
        return left_exp, left_got
    if len(left_exp) * len(left_got) > MATCH_LIMIT * MATCH_LIMIT:
        return _paired_in_sorted_order(exp, got, left_exp, left_got, digits)
    pair_of_got: dict[int, int] = {}
    candidates = {i: [j for j in left_got if rows_close(exp[i], got[j], digits)] for i in left_exp}

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in pair_of_got or augment(pair_of_got[j], seen):
                pair_of_got[j] = i
                return True
        return False

    unmatched_exp = [i for i in left_exp if not augment(i, set())]
    unmatched_got = [j for j in left_got if j not in pair_of_got]
    return unmatched_exp, unmatched_got


def _paired_in_sorted_order(exp, got, left_exp, left_got, digits) -> tuple[list[int], list[int]]:
    key = repr
    left_exp = sorted(left_exp, key=lambda i: key(exp[i]))
    left_got = sorted(left_got, key=lambda j: key(got[j]))
    bad_exp, bad_got = [], []
    for i, j in zip(left_exp, left_got, strict=False):
        if not rows_close(exp[i], got[j], digits):
            bad_exp.append(i)
            bad_got.append(j)
    n = min(len(left_exp), len(left_got))
    return bad_exp + left_exp[n:], bad_got + left_got[n:]


def same(rules: Rules, exp: tuple, got: tuple) -> bool:
    """Whether two worker replies ("ok", columns, rows, truncated, shapes) agree."""
    return identical(rules, exp, got) or compare(rules, exp, got) is None


def identical(rules: Rules, exp: tuple, got: tuple) -> bool:
    """The quick yes: same column types and the very same values (in the same order, or as
    a multiset when order does not matter). Any doubt falls through to `compare`."""
    if [t for _, t in exp[1]] != [t for _, t in got[1]] or got[3] or len(exp[2]) != len(got[2]):
        return False
    if rules.column_names == "match" and [c.lower() for c, _ in exp[1]] != [c.lower() for c, _ in got[1]]:
        return False
    if exp[2] == got[2]:
        return True
    if rules.ordered:
        return False
    try:
        return Counter(exp[2]) == Counter(got[2])
    except TypeError:  # lists or dicts in the rows: not hashable
        return False


def compare(rules: Rules, exp: tuple, got: tuple) -> tuple[str, dict] | None:
    """None when `got` matches `exp` under the rules, else (message, details)."""
    exp_cols, exp_rows = exp[1], exp[2]
    got_cols, got_rows, truncated = got[1], got[2], got[3]
    details: dict[str, Any] = {
        "expected_columns": [c for c, _ in exp_cols],
        "actual_columns": [c for c, _ in got_cols],
    }
    if len(exp_cols) != len(got_cols):
        return (f"Expected {len(exp_cols)} column{_s(len(exp_cols))} "
                f"({', '.join(details['expected_columns'])}), got {len(got_cols)}.", details)
    if rules.column_names == "match":
        for i, ((e, _), (g, _)) in enumerate(zip(exp_cols, got_cols, strict=True), 1):
            if e.lower() != g.lower():
                return f"Column {i} is named '{g}'; the drill asks for '{e}'.", details
    if truncated:
        return f"The query returned more than {len(got_rows):,} rows; expected {len(exp_rows)}.", details
    digits = rules.float_digits
    exp_norm = [normalize_row(r, _shapes(exp)) for r in exp_rows]
    got_norm = [normalize_row(r, _shapes(got)) for r in got_rows]
    if rules.ordered and len(exp_norm) == len(got_norm) and all(
            rows_close(e, g, digits) for e, g in zip(exp_norm, got_norm, strict=True)):
        return None
    missing_at, extra_at = match(exp_norm, got_norm, digits)
    details["expected_rows"] = [show_row(r) for r in exp_rows[:20]]
    details["actual_rows"] = [show_row(r) for r in got_rows[:20]]
    if not missing_at and not extra_at:
        if not rules.ordered:
            return None
        first = next(i for i, (e, g) in enumerate(zip(exp_norm, got_norm, strict=True)) if not rows_close(e, g, digits))
        details["first_out_of_order"] = first + 1
        return (f"Rows right, order wrong: row {first + 1} should be {show_row(exp_rows[first])}. "
                "Check the ORDER BY.", details)
    missing = [exp_rows[i] for i in missing_at]
    extra = [got_rows[j] for j in extra_at]
    details["missing_rows"] = [show_row(r) for r in missing[:SHOW_ROWS]]
    details["extra_rows"] = [show_row(r) for r in extra[:SHOW_ROWS]]
    parts = []
    if len(exp_rows) != len(got_rows):
        parts.append(f"Expected {len(exp_rows)} row{_s(len(exp_rows))}, got {len(got_rows)}.")
    if missing:
        parts.append(f"Missing {len(missing)}: {_row_list(missing)}.")
    if extra:
        parts.append(f"Unexpected {len(extra)}: {_row_list(extra)}.")
    parts += _type_notes(exp_cols, got_cols)
    return " ".join(parts), details


def _shapes(reply: tuple) -> list[Shape] | None:
    return reply[4] if len(reply) > 4 else None


_KINDS = {"DATE": "a date", "TIMESTAMP": "a timestamp", "VARCHAR": "text", "TIME": "a time",
          "BOOLEAN": "a boolean", "INTERVAL": "an interval"}


def _type_family(type_name: str) -> str | None:
    base = type_name.split("(")[0].strip().upper()
    if base.startswith("TIMESTAMP"):
        base = "TIMESTAMP"
    return _KINDS.get(base)


def _type_notes(exp_cols: list, got_cols: list) -> list[str]:
    """A VARCHAR '2024-01-05' looks like the DATE 2024-01-05: say which column has the wrong type."""
    notes = []
    for i, ((_, e), (_, g)) in enumerate(zip(exp_cols, got_cols, strict=True), 1):
        fe, fg = _type_family(e), _type_family(g)
        if fe != fg and (fe or fg) and {fe, fg} != {"a date", "a timestamp"}:
            notes.append(f"Column {i} holds {fg or g} where the reference has {fe or e}.")
    return notes


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _row_list(rows: list) -> str:
    shown = ", ".join(show_row(r) for r in rows[:3])
    return shown + (f" and {len(rows) - 3} more" if len(rows) > 3 else "")


def show_row(row: Any) -> str:
    return "(" + ", ".join(show(v) for v in row) + ")"


def shown_result(reply: tuple) -> dict:
    """A worker reply's columns and rows as people read them (the counterexample grids)."""
    return {"columns": [c for c, _ in reply[1]], "rows": [[show(v) for v in r] for r in reply[2]]}


def show(value: Any) -> str:
    """A value as people read it: NULL, 2024-01-05, 'text', 5.815."""
    if value is None:
        return "NULL"
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)
