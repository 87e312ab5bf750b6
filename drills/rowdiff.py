"""A wrong SQL result shown as two aligned grids: the reference's rows and the answer's, matching
rows side by side, missing and extra rows marked with a sign so it reads without colour.

This is for display only; the verdict is the SQL judge's. Both queries are run again on the
dataset the judge found the difference on, and rows are matched on their displayed values
with numbers rounded as the drill compares them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from drills.model import Question, Verdict

SAME, MISSING, EXTRA, MOVED = " ", "-", "+", "~"
SHOW_DIFFERENT = 10   # missing or extra rows shown, each
SHOW_SAME = 5         # matching rows shown around them for context


@dataclass
class Side:
    columns: list[str]
    rows: list[list[str] | None]          # None: a gap where the other side has a row
    total: int = 0


@dataclass
class RowDiff:
    """Two grids of equal height; marks[i] says what row i is."""

    expected: Side
    actual: Side
    marks: list[str] = field(default_factory=list)
    same_hidden: int = 0                  # matching rows left out
    different_hidden: int = 0             # missing or extra rows left out
    ordered: bool = False


@dataclass
class Counterexample:
    """The smallest data the SQL judge found the answer wrong on, as display strings."""

    tables: dict[str, Side]
    expected: Side
    actual: Side


def counterexample(verdict: Verdict) -> Counterexample | None:
    found = verdict.details.get("counterexample")
    if not isinstance(found, dict):
        return None
    try:
        tables = {str(name): _side(t) for name, t in (found.get("tables") or {}).items()}
        return Counterexample(tables, _side(found["expected"]), _side(found["actual"]))
    except (KeyError, TypeError, AttributeError):
        return None


def _side(data: dict) -> Side:
    rows: list[list[str] | None] = [[str(v) for v in row] for row in data["rows"]]
    return Side([str(c) for c in data["columns"]], rows, len(rows))


def explain(question: Question, answer: str, verdict: Verdict) -> RowDiff | None:
    """The aligned grids for a wrong verdict about rows, or None."""
    if verdict.outcome != "wrong" or "expected_rows" not in verdict.details:
        return None
    from drills import kinds

    kind = kinds.of(question)
    dataset = int(verdict.details.get("dataset", 1)) - 1
    expected = kind.result_rows(question, question.solution, dataset)
    got = kind.result_rows(question, answer, dataset) if expected is not None else None
    if expected is None or got is None:
        return None
    return align(question, *expected, *got)


def align(question: Question, exp_cols: list, exp_rows: list, got_cols: list, got_rows: list) -> RowDiff:
    """Line up two results: by position for an ordered drill, else both sorted alike with the
    matching rows side by side."""
    from drills.run import show_value

    def cells(row: Any) -> list[str]:
        return [show_value(v) for v in row]

    def key(row: Any) -> tuple:
        return tuple(_comparable(v, question.float_digits) for v in row)

    left = Side([c for c, _ in exp_cols], [], len(exp_rows))
    right = Side([c for c, _ in got_cols], [], len(got_rows))
    diff = RowDiff(left, right, ordered=question.ordered)
    if question.ordered:
        pairs = [(exp_rows[i] if i < len(exp_rows) else None, got_rows[i] if i < len(got_rows) else None)
                 for i in range(max(len(exp_rows), len(got_rows)))]
        marked = [(SAME if e is not None and g is not None and key(e) == key(g) else
                   MISSING if g is None else EXTRA if e is None else MOVED, e, g) for e, g in pairs]
    else:
        marked = _unordered(sorted(exp_rows, key=_sort_key), sorted(got_rows, key=_sort_key), key)
    _keep(diff, marked, cells)
    return diff


def _unordered(exp: list, got: list, key: Any) -> list[tuple[str, Any, Any]]:
    """Merge two sorted lists: equal rows paired, the rest on their own side."""
    from collections import Counter

    left, right = Counter(key(r) for r in exp), Counter(key(r) for r in got)
    both = left & right
    marked: list[tuple[str, Any, Any]] = []
    pending: dict[tuple, list] = {}
    for row in got:
        k = key(row)
        if both[k]:
            both[k] -= 1
            pending.setdefault(k, []).append(row)
    for row in exp:
        k = key(row)
        if pending.get(k):
            marked.append((SAME, row, pending[k].pop(0)))
        else:
            marked.append((MISSING, row, None))
    extra = Counter(key(r) for r in got) - Counter(key(r) for r in exp)
    for row in got:
        k = key(row)
        if extra[k]:
            extra[k] -= 1
            marked.append((EXTRA, None, row))
    return sorted(marked, key=lambda m: _sort_key(m[1] if m[1] is not None else m[2]))


def _keep(diff: RowDiff, marked: list[tuple[str, Any, Any]], cells: Any) -> None:
    """Every differing row up to a limit, and a few matching rows for context."""
    different = same = 0
    for mark, e, g in marked:
        if mark == SAME:
            same += 1
            if same > SHOW_SAME:
                diff.same_hidden += 1
                continue
        else:
            different += 1
            if different > SHOW_DIFFERENT:
                diff.different_hidden += 1
                continue
        diff.marks.append(mark)
        diff.expected.rows.append(cells(e) if e is not None else None)
        diff.actual.rows.append(cells(g) if g is not None else None)


def _comparable(value: Any, digits: int) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        try:
            return round(float(value), digits) + 0.0
        except (OverflowError, ValueError):
            return str(value)
    return str(value)


def _sort_key(row: Any) -> tuple:
    """One order for both sides: NULLs first, numbers by value, everything else as text."""
    out: list[tuple[int, float, str]] = []
    for v in row:
        if v is None:
            out.append((0, 0, ""))
        elif isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
            try:
                out.append((1, float(v), ""))
            except (OverflowError, ValueError):
                out.append((2, 0, str(v)))
        else:
            out.append((2, 0, str(v)))
    return tuple(out)
