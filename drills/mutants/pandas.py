"""pandas mutants: the reference's syntax tree (`ast`) with one pandas mistake in it.

Every Python mutant (drills/mutants/python.py: comparisons, constants off by one,
conditions and negations dropped...) plus the method arguments and calls that interviews
punish in pandas: NaN keys dropped or kept (`dropna`), the other duplicate kept (`keep`),
the rank method changed (average, min, max, first, dense), a sort direction flipped, a
merge's `how` changed, merge_asof's `by` dropped or its direction changed, `sort=False`
dropped, a `.reset_index()` whose result is used further dropped, a groupby dropped before
a per-group step (shift, cumsum, rank, ffill...: the whole table instead of each group), a
shift turned the other way, a time window ("7D") moved by a unit, a resample period
labelled at its other end ("MS" / "ME"), `min_periods` dropped, `closed=` and `pd.cut`'s
`right=` changed, `pivot_table`'s `aggfunc` dropped (the mean), and look-alike methods or
aggregation names swapped (nunique / count / size, first / last, min / max, idxmin /
idxmax, nlargest / nsmallest, ffill / bfill, sum / mean).

Not mutated: a sort's `kind` (on the small data of a drill NumPy's default sort is stable
too, so no dataset could tell them apart) and `validate=` (it raises or changes nothing).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from drills.model import Question
from drills.mutants import Mutant
from drills.mutants import python as py
from drills.mutants.python import Change, Operators


def baseline(question: Question) -> str:
    """The reference as its mutants are written: the same tree, unparsed."""
    return py.baseline(question)


def mutants(question: Question) -> list[Mutant]:
    """The Python mutants of the reference (comparisons, constants, conditions...) and the pandas ones."""
    return py.mutants(question, py.OPERATORS + OPERATORS)


# --- helpers --------------------------------------------------------------------------------


def _method(node: ast.AST | None) -> str | None:
    """The name of a called method (`x.name(...)`) or function (`pd.name(...)`, `name(...)`)."""
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else None


def _keyword(node: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in node.keywords if k.arg == name), None)


def _constant(node: ast.Call, name: str) -> tuple[bool, object]:
    """(present, value) of a keyword argument given as a constant."""
    k = _keyword(node, name)
    if k is None:
        return False, None
    return True, k.value.value if isinstance(k.value, ast.Constant) else ...


def _set(name: str, value: Any) -> Change:
    def change(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        k = _keyword(n, name)
        if k is None:
            n.keywords.append(ast.keyword(arg=name, value=ast.Constant(value)))
        else:
            k.value = ast.Constant(value)
        return n
    return change


def _drop(name: str) -> Change:
    def change(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        n.keywords = [k for k in n.keywords if k.arg != name]
        return n
    return change


def _choices(node: ast.Call, name: str, values: tuple, default: object, what: str) -> Operators:
    """A keyword argument set to each other value it can take (its default when it is absent)."""
    present, value = _constant(node, name)
    if value is ...:
        return
    current = value if present else default
    for other in values:
        if other != current:
            yield (f"{name}={other}", f"{what}: {name}={current!r} made {name}={other!r}", _set(name, other))


# --- the operators: each yields (operator, description, change) for one node ---------------


def dropna(node: ast.AST, facts: py._Facts) -> Operators:
    """`dropna=` flipped where it is given: NaN keys kept or dropped."""
    if not isinstance(node, ast.Call):
        return
    if isinstance(node, ast.Call):
        present, value = _constant(node, "dropna")
        if present and isinstance(value, bool):
            yield ("flip-dropna", f"dropna={value} made dropna={not value}", _set("dropna", not value))


KEEP = {"drop_duplicates": ("first", "last", False), "duplicated": ("first", "last", False),
        "nlargest": ("first", "last", "all"), "nsmallest": ("first", "last", "all")}


def keep(node: ast.AST, facts: py._Facts) -> Operators:
    if not isinstance(node, ast.Call):
        return
    name = _method(node)
    if name not in KEEP:
        return
    whole_rows = name in ("drop_duplicates", "duplicated") and not node.args and _keyword(node, "subset") is None
    for mutant in _choices(node, "keep", KEEP[name], "first", f"{name} keeps another row"):
        if not whole_rows or mutant[0] == "keep=False":  # rows equal in every column: which one is kept is moot
            yield mutant


RANK_METHODS = ("average", "min", "max", "first", "dense")


def rank(node: ast.AST, facts: py._Facts) -> Operators:
    if not isinstance(node, ast.Call):
        return
    if _method(node) == "rank":
        yield from _choices(node, "method", RANK_METHODS, "average", "another rank method")
        present, value = _constant(node, "pct")
        if present and isinstance(value, bool):
            yield ("flip-pct", f"pct={value} made pct={not value}", _set("pct", not value))


def ascending(node: ast.AST, facts: py._Facts) -> Operators:
    """A sort direction flipped: `ascending=` negated (each one of a list), or added as False."""
    if not isinstance(node, ast.Call):
        return
    if _method(node) not in ("sort_values", "rank", "sort_index"):
        return
    k = _keyword(node, "ascending")
    if k is None:
        yield ("flip-ascending", "the sort made descending (ascending=False)", _set("ascending", False))
    elif isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool):
        yield ("flip-ascending", f"ascending={k.value.value} flipped", _set("ascending", not k.value.value))
    elif isinstance(k.value, ast.List):
        for i, item in enumerate(k.value.elts):
            if isinstance(item, ast.Constant) and isinstance(item.value, bool):
                yield ("flip-ascending", f"ascending[{i}]={item.value} flipped", _flip_item(i))


def _flip_item(i: int) -> Change:
    def change(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        item = _keyword(n, "ascending").value.elts[i]  # type: ignore[union-attr]
        item.value = not item.value
        return n
    return change


def merge_how(node: ast.AST, facts: py._Facts) -> Operators:
    if not isinstance(node, ast.Call):
        return
    name = _method(node)
    if name == "merge":
        yield from _choices(node, "how", ("inner", "left", "outer"), "inner", "another join")
    elif name == "join":
        yield from _choices(node, "how", ("inner", "left", "outer"), "left", "another join")


def sort_false(node: ast.AST, facts: py._Facts) -> Operators:
    """`sort=False` dropped: groups or counts come back sorted by key instead of as found."""
    if not isinstance(node, ast.Call):
        return
    if isinstance(node, ast.Call) and _constant(node, "sort") == (True, False):
        yield ("drop-sort-false", "sort=False dropped", _drop("sort"))


def reset_index(node: ast.AST, facts: py._Facts) -> Operators:
    """A `.reset_index()` dropped where its result is used further (a returned named index
    already counts as columns, so dropping the last one changes nothing the judge sees)."""
    if not isinstance(node, ast.Call):
        return
    if _method(node) == "reset_index" and isinstance(node.func, ast.Attribute) \
            and not isinstance(facts.parent(node), ast.Return):
        yield ("drop-reset-index", ".reset_index() dropped", lambda n: n.func.value)


PER_GROUP = {"shift", "diff", "cumsum", "cumcount", "cummax", "cummin", "cumprod", "rank", "ffill", "bfill",
             "fillna", "pct_change", "rolling", "expanding", "transform", "head", "tail", "nth"}


def drop_groupby(node: ast.AST, facts: py._Facts) -> Operators:
    """A per-group step run over the whole table: `df.groupby(k)[c].shift()` made `df[c].shift()`."""
    if not isinstance(node, ast.Call):
        return
    name = _method(node)
    if name not in PER_GROUP or not isinstance(node.func, ast.Attribute):
        return
    receiver = node.func.value
    grouped = receiver.value if isinstance(receiver, ast.Subscript) else receiver
    if isinstance(grouped, ast.Call) and _method(grouped) == "groupby" and isinstance(grouped.func, ast.Attribute):
        yield (f"drop-groupby-{name}", f"groupby dropped before .{name}(): the whole table, not each group",
               _ungroup)


def _ungroup(n: ast.AST) -> ast.AST:
    # drop_groupby made this mutant only for `<x>.groupby(k)[c].<step>(...)` or `<x>.groupby(k).<step>(...)`
    assert isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    receiver = n.func.value
    if isinstance(receiver, ast.Subscript):
        grouped = receiver.value
        assert isinstance(grouped, ast.Call) and isinstance(grouped.func, ast.Attribute)
        receiver.value = grouped.func.value
    else:
        assert isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute)
        n.func.value = receiver.func.value
    return n


OFFSET = re.compile(r"^(\d+)([A-Za-z]+)$")
# a period labelled by its start or by its end; weeks ending on Sunday (pandas' "W") or starting on Monday
ANCHORS = {"MS": "ME", "ME": "MS", "QS": "QE", "QE": "QS", "YS": "YE", "YE": "YS", "W": "W-MON", "W-SUN": "W-MON",
           "W-MON": "W-SUN"}


def window(node: ast.AST, facts: py._Facts) -> Operators:
    """A shift or diff turned the other way, a time offset moved by one, a resample period
    labelled at its other end, `min_periods` dropped, `closed=` changed. (An integer window,
    period or `min_periods` moved by one is the Python `constant` operator's.)"""
    if not isinstance(node, ast.Call):
        return
    name = _method(node)
    if name not in ("rolling", "resample", "shift", "diff", "pct_change", "expanding"):
        return
    first = node.args[0] if node.args else None
    value = first.value if isinstance(first, ast.Constant) else None
    if name in ("shift", "diff", "pct_change") and type(value) is int and value:
        yield (f"{name}-direction", f"{name}({value}) made {name}({-value})", _first_arg(-value))
    elif name == "resample" and value in ANCHORS:
        yield ("resample-anchor", f"the rule {value!r} made {ANCHORS[value]!r}", _first_arg(ANCHORS[value]))
    elif isinstance(value, str) and (m := OFFSET.match(value)):
        amount, unit = int(m.group(1)), m.group(2)
        for delta in (1, -1):
            if amount + delta > 0:
                new = f"{amount + delta}{unit}"
                yield (f"offset{'+' if delta > 0 else '-'}1", f"the window {value!r} made {new!r}", _first_arg(new))
    if _keyword(node, "min_periods") is not None:
        yield ("drop-min-periods", "min_periods dropped (the window size)", _drop("min_periods"))
    if name == "rolling":
        yield from _choices(node, "closed", ("right", "left", "both", "neither"), "right", "another closed side")
    if name == "resample":
        present, _ = _constant(node, "closed")
        if present:
            yield from _choices(node, "closed", ("right", "left"), None, "another closed side")
        present, _ = _constant(node, "label")
        if present:
            yield from _choices(node, "label", ("right", "left"), None, "another label side")


def _first_arg(value: Any) -> Change:
    def change(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        n.args[0] = ast.Constant(value)
        return n
    return change


def asof(node: ast.AST, facts: py._Facts) -> Operators:
    """merge_asof's `by=` dropped, its `direction` changed, `allow_exact_matches` flipped."""
    if not isinstance(node, ast.Call):
        return
    if _method(node) != "merge_asof":
        return
    if _keyword(node, "by") is not None:
        yield ("drop-asof-by", "merge_asof's by= dropped: a match from any group", _drop("by"))
    yield from _choices(node, "direction", ("backward", "forward", "nearest"), "backward", "another direction")
    present, value = _constant(node, "allow_exact_matches")
    current = value if present else True
    if isinstance(current, bool):
        yield ("flip-allow-exact-matches", f"allow_exact_matches={current} made {not current}",
               _set("allow_exact_matches", not current))


def cut(node: ast.AST, facts: py._Facts) -> Operators:
    """pd.cut's `right=` flipped (which edge a bin includes), `include_lowest=` flipped."""
    if not isinstance(node, ast.Call):
        return
    if _method(node) != "cut":
        return
    right = _constant(node, "right")
    for name, default in (("right", True), ("include_lowest", False)):
        present, value = _constant(node, name)
        current = value if present else default
        if name == "include_lowest" and right[0] and right[1] is not True:
            continue  # bins closed on the left already include the lowest edge
        if isinstance(current, bool):
            yield (f"flip-{name.replace('_', '-')}", f"{name}={current} made {name}={not current}",
                   _set(name, not current))


def pivot_aggfunc(node: ast.AST, facts: py._Facts) -> Operators:
    if not isinstance(node, ast.Call):
        return
    if _method(node) in ("pivot_table", "crosstab") and _keyword(node, "aggfunc") is not None:
        yield ("drop-aggfunc", "aggfunc dropped (pivot_table then takes the mean)", _drop("aggfunc"))


SWAPS = {"nunique": "count", "count": "size", "size": "count", "first": "last", "last": "first", "min": "max",
         "max": "min", "idxmin": "idxmax", "idxmax": "idxmin", "nlargest": "nsmallest", "nsmallest": "nlargest",
         "ffill": "bfill", "bfill": "ffill", "cummax": "cummin", "cummin": "cummax", "sum": "mean",
         "mean": "sum", "median": "mean"}


def swapped(node: ast.AST, facts: py._Facts) -> Operators:
    """A method replaced by its look-alike (`.nunique()` by `.count()`), here or as an agg string."""
    name = _method(node)
    if name in SWAPS and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        other = SWAPS[name]
        yield (f"{name}->{other}", f".{name}() replaced by .{other}()", lambda n, o=other: _renamed(n, o))
    if isinstance(node, ast.Constant) and node.value in SWAPS and _in_aggregation(node, facts):
        other = SWAPS[node.value]
        yield (f"{node.value}->{other}", f"the aggregation {node.value!r} replaced by {other!r}",
               lambda n, o=other: ast.Constant(o))


def _in_aggregation(node: ast.AST, facts: py._Facts) -> bool:
    """A string argument of agg / aggregate / transform / pivot_table's aggfunc, or a named aggregation."""
    up = facts.parent(node)
    while isinstance(up, (ast.Tuple, ast.List, ast.Dict, ast.keyword)):
        if isinstance(up, ast.keyword) and up.arg not in (None, "aggfunc", "func") \
                and _method(facts.parent(up)) not in ("agg", "aggregate"):
            return False
        up = facts.parent(up)
    return _method(up) in ("agg", "aggregate", "transform", "pivot_table", "crosstab", "resample")


def _renamed(n: ast.AST, name: str) -> ast.AST:
    n.func.attr = name  # type: ignore[attr-defined]
    return n


OPERATORS = (dropna, keep, rank, ascending, merge_how, sort_false, reset_index, drop_groupby, window, asof, cut,
             pivot_aggfunc, swapped)
