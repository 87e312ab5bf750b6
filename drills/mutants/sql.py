"""SQL mutants: the reference's syntax tree (sqlglot, DuckDB dialect) with one mistake in it.

The operators are the mistakes interviews punish: the wrong ranking function, a dropped
PARTITION BY, a window ordered the other way or not at all, ROWS for RANGE, a frame bound
off by one, LAG's offset or default changed, `<` for `<=`, INNER for LEFT JOIN, the wrong
COUNT, DISTINCT dropped, UNION for UNION ALL, `/` for `//`, a WHERE or ON condition dropped
or moved from ON to WHERE, COALESCE dropped, ROUND truncating, MIN for MAX, `=` for a
null-safe comparison, a constant off by one, and (for ordered drills) the final ORDER BY.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache

from drills.errors import DrillError
from drills.model import Question
from drills.mutants import Mutant

Change = Callable[[object], None]  # mutates the copy of the node it is given


@lru_cache(maxsize=256)
def _parse(sql: str):
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        return sqlglot.parse_one(sql, read="duckdb")
    except SqlglotError as exc:
        raise DrillError(f"the reference cannot be parsed for mutants: {str(exc).splitlines()[0]}") from None


def _write(tree) -> str:
    return tree.sql(dialect="duckdb", pretty=True)


def baseline(question: Question) -> str:
    """The reference as its mutants are written: the same tree, unchanged."""
    return _write(_parse(question.solution))


def mutants(question: Question) -> list[Mutant]:
    tree = _parse(question.solution)
    base = _write(tree)
    nodes = list(tree.walk(bfs=False))
    seen: set[str] = {base}
    count: Counter[str] = Counter()
    out = []
    for index, node in enumerate(nodes):
        for operator, description, change in _operators(node, question, tree):
            count[operator] += 1
            copy = tree.copy()
            target = list(copy.walk(bfs=False))[index]
            change(target)
            source = _write(copy)
            if source in seen:
                continue  # a no-op or the same text as an earlier mutant
            seen.add(source)
            out.append(Mutant(f"{operator}#{count[operator]}", operator, description, source))
    return out


def _operators(node, question: Question, tree) -> Iterator[tuple[str, str, Change]]:
    from sqlglot import exp

    for make in OPERATORS:
        yield from make(node, question, tree, exp)


# --- the operators: each yields (operator, description, change) for one node ---------------

RANKING = {"rank": "RANK", "dense_rank": "DENSE_RANK", "row_number": "ROW_NUMBER"}


def ranking(node, q, tree, exp):
    classes = {"rank": exp.Rank, "dense_rank": exp.DenseRank, "row_number": exp.RowNumber}
    for name, cls in classes.items():
        if type(node) is cls and not node.args.get("this"):
            for other, other_cls in classes.items():
                if other != name:
                    yield (f"{name}->{other}", f"{RANKING[name]} replaced by {RANKING[other]}",
                           lambda n, c=other_cls: n.replace(c()))


def window(node, q, tree, exp):
    if not isinstance(node, exp.Window):
        return
    if node.args.get("partition_by"):
        yield ("drop-partition-by", "a window's PARTITION BY dropped", lambda n: n.set("partition_by", None))
    order = node.args.get("order")
    if order is not None and order.expressions:
        yield ("drop-window-order-by", "a window's ORDER BY dropped", lambda n: n.set("order", None))
        yield ("reverse-window-order-by", "a window's ORDER BY reversed", _reverse_order)
    spec = node.args.get("spec")
    if spec is None and order is not None and _uses_frame(node.this, exp):
        yield ("default-frame->rows", "the default RANGE frame made ROWS (ties in the ORDER BY then differ)",
               lambda n: n.set("spec", exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                                      end="CURRENT ROW")))


def _uses_frame(func, exp) -> bool:
    """Aggregates and FIRST/LAST/NTH_VALUE read the frame; ranking functions, NTILE, LAG and LEAD do not."""
    ignore = (exp.Rank, exp.DenseRank, exp.RowNumber, exp.Ntile, exp.PercentRank, exp.CumeDist, exp.Lag, exp.Lead)
    return isinstance(func, exp.AggFunc) and not isinstance(func, ignore)


def _reverse_order(n) -> None:
    for o in n.args["order"].expressions:
        o.set("desc", not o.args.get("desc"))
        o.set("nulls_first", not o.args.get("nulls_first"))


def frame(node, q, tree, exp):
    if not isinstance(node, exp.WindowSpec):
        return
    kind = (node.args.get("kind") or "").upper()
    whole = all(str(node.args.get(end) or "").upper() == "UNBOUNDED" for end in ("start", "end"))
    for other in ("ROWS", "RANGE", "GROUPS") if not whole else ():  # the whole partition either way
        if kind and other != kind:
            yield (f"{kind.lower()}->{other.lower()}", f"a {kind} frame made {other}",
                   lambda n, o=other: n.set("kind", o))
    for end in ("start", "end"):
        bound = node.args.get(end)
        side = node.args.get(f"{end}_side")
        if isinstance(bound, exp.Literal) and not bound.is_string:
            value = int(bound.this)
            for delta in (1, -1):
                if value + delta >= 0:
                    yield (f"frame-{end}{'+' if delta > 0 else '-'}1",
                           f"the frame's {end} {value} {side} moved to {value + delta}",
                           lambda n, e=end, v=value + delta: n.set(e, exp.Literal.number(v)))
        elif isinstance(bound, str) and bound.upper() == "CURRENT ROW":
            for new_side in ("PRECEDING", "FOLLOWING"):
                yield (f"frame-{end}-current->1-{new_side.lower()}",
                       f"the frame's {end} moved from CURRENT ROW to 1 {new_side}",
                       lambda n, e=end, s=new_side: (n.set(e, exp.Literal.number(1)), n.set(f"{e}_side", s)))


def lag_lead(node, q, tree, exp):
    if not isinstance(node, (exp.Lag, exp.Lead)):
        return
    name = "lag" if isinstance(node, exp.Lag) else "lead"
    other = exp.Lead if name == "lag" else exp.Lag
    yield (f"{name}->{'lead' if name == 'lag' else 'lag'}", f"{name.upper()} replaced by the other direction",
           lambda n: n.replace(other(**{k: v for k, v in n.args.items()})))
    offset = node.args.get("offset")
    if offset is None:
        value: int | None = 1
    else:
        value = int(offset.this) if isinstance(offset, exp.Literal) and not offset.is_string else None
    if value is not None:
        for new in (value + 1, value - 1):
            if new >= 1:
                yield (f"{name}-offset{'+' if new > value else '-'}1", f"{name.upper()}'s offset {value} made {new}",
                       lambda n, v=new: n.set("offset", exp.Literal.number(v)))
    if node.args.get("default") is not None:
        yield (f"{name}-drop-default", f"{name.upper()}'s default dropped (NULL instead)",
               lambda n: n.set("default", None))
    elif offset is None or value is not None:
        yield (f"{name}-default-0", f"{name.upper()} given a default of 0",
               lambda n: (n.set("offset", n.args.get("offset") or exp.Literal.number(1)),
                          n.set("default", exp.Literal.number(0))))


def ordered(node, q, tree, exp):
    if not isinstance(node, exp.Ordered):
        return
    if _in_outer_order_by(node, tree, exp) and not q.ordered and not _has_limit(tree, exp):
        return  # the final order of an unordered drill: any order is right
    desc = bool(node.args.get("desc"))
    yield ("desc->asc" if desc else "asc->desc", "a sort key's direction flipped",
           lambda n: n.set("desc", not desc))


def _in_outer_order_by(node, tree, exp) -> bool:
    return node.parent is tree.args.get("order")


def _has_limit(tree, exp) -> bool:
    return tree.args.get("limit") is not None or tree.args.get("offset") is not None


def final_order(node, q, tree, exp):
    if node is tree and q.ordered and tree.args.get("order") is not None:
        yield ("drop-final-order-by", "the final ORDER BY dropped", lambda n: n.set("order", None))


COMPARISONS = {"LT": ("lt", "<", "LTE"), "LTE": ("le", "<=", "LT"), "GT": ("gt", ">", "GTE"),
               "GTE": ("ge", ">=", "GT")}


def comparison(node, q, tree, exp):
    name = type(node).__name__
    if name in COMPARISONS:
        short, symbol, to = COMPARISONS[name]
        other_short, other_symbol, _ = COMPARISONS[to]
        swapped = getattr(exp, to)
        yield (f"{short}->{other_short}", f"{symbol} replaced by {other_symbol}",
               lambda n, c=swapped: n.replace(c(this=n.this, expression=n.expression)))
    if isinstance(node, exp.NullSafeEQ):
        yield ("null-safe-eq->eq", "IS NOT DISTINCT FROM replaced by =",
               lambda n: n.replace(exp.EQ(this=n.this, expression=n.expression)))
    if isinstance(node, exp.NullSafeNEQ):
        yield ("null-safe-neq->neq", "IS DISTINCT FROM replaced by <>",
               lambda n: n.replace(exp.NEQ(this=n.this, expression=n.expression)))


def join(node, q, tree, exp):
    if not isinstance(node, exp.Join) or node.args.get("using") is None and node.args.get("on") is None:
        return
    side = (node.args.get("side") or "").upper()
    kind = (node.args.get("kind") or "").upper()
    if side == "LEFT":
        yield ("left->inner", "LEFT JOIN replaced by INNER JOIN", lambda n: n.set("side", None))
    elif not side and kind in ("", "INNER"):
        yield ("inner->left", "INNER JOIN replaced by LEFT JOIN",
               lambda n: (n.set("side", "LEFT"), n.set("kind", None)))


def count(node, q, tree, exp):
    if not isinstance(node, exp.Count):
        return
    arg = node.this
    if isinstance(arg, exp.Star):
        for column in _columns_near(node, exp)[:3]:
            yield ("count-star->count-col", f"COUNT(*) replaced by COUNT({column.sql('duckdb')})",
                   lambda n, c=column: n.set("this", c.copy()))
    elif isinstance(arg, exp.Distinct):
        yield ("count-distinct->count", "COUNT(DISTINCT x) replaced by COUNT(x)",
               lambda n: n.set("this", n.this.expressions[0]))
        yield ("count-distinct->count-star", "COUNT(DISTINCT x) replaced by COUNT(*)",
               lambda n: n.set("this", exp.Star()))
    elif arg is not None:
        yield ("count-col->count-star", "COUNT(x) replaced by COUNT(*)", lambda n: n.set("this", exp.Star()))
        yield ("count->count-distinct", "COUNT(x) replaced by COUNT(DISTINCT x)",
               lambda n: n.set("this", exp.Distinct(expressions=[n.this])))


def _columns_near(node, exp) -> list:
    """Columns of tables outer-joined in the COUNT(*)'s SELECT: counting one of them instead
    of the rows is the LEFT JOIN trap (an unmatched row counts 1 with *, 0 with the column)."""
    select = node.find_ancestor(exp.Select)
    if select is None:
        return []
    outer = set()
    for j in select.args.get("joins") or []:
        if (j.args.get("side") or "").upper() in ("LEFT", "RIGHT", "FULL"):
            outer.add(j.this.alias_or_name)
    seen, out = set(), []
    for column in select.find_all(exp.Column):
        if column.find_ancestor(exp.Select) is not select or column.table not in outer:
            continue
        key = column.sql("duckdb")
        if key not in seen:
            seen.add(key)
            out.append(column)
    return out


def distinct(node, q, tree, exp):
    if isinstance(node, exp.Select) and node.args.get("distinct") is not None:
        yield ("drop-distinct", "SELECT DISTINCT made SELECT", lambda n: n.set("distinct", None))
    if isinstance(node, exp.Distinct) and isinstance(node.parent, exp.AggFunc) and len(node.expressions) == 1 \
            and not isinstance(node.parent, exp.Count):
        yield ("drop-distinct", "an aggregate's DISTINCT dropped", lambda n: n.replace(n.expressions[0]))


def union(node, q, tree, exp):
    if isinstance(node, exp.Union):
        if node.args.get("distinct"):
            yield ("union->union-all", "UNION replaced by UNION ALL", lambda n: n.set("distinct", False))
        else:
            yield ("union-all->union", "UNION ALL replaced by UNION", lambda n: n.set("distinct", True))


def division(node, q, tree, exp):
    if type(node) is exp.Div:
        # DuckDB's // divides DECIMALs and DOUBLEs exactly like /: truncate the quotient instead,
        # which is what integer / integer gives in PostgreSQL and what `//` gives on integers
        yield ("div->intdiv", "/ made integer division (the quotient truncated)",
               lambda n: n.replace(exp.Anonymous(this="trunc", expressions=[n.copy()])))
    elif type(node) is exp.IntDiv:
        yield ("intdiv->div", "// replaced by /", lambda n: n.replace(exp.Div(this=n.this, expression=n.expression)))


def conjunct(node, q, tree, exp):
    """Each condition of a WHERE, ON, HAVING or QUALIFY dropped; an ON condition moved to WHERE."""
    holders = {exp.Where: "WHERE", exp.Having: "HAVING", exp.Qualify: "QUALIFY"}
    if type(node) in holders:
        place, condition = holders[type(node)], node.this
    elif isinstance(node, exp.Join) and node.args.get("on") is not None:
        place, condition = "ON", node.args["on"]
    else:
        return
    parts = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
    op = f"drop-{place.lower()}-condition"
    for i, part in enumerate(parts):
        text = part.sql("duckdb")
        yield (op, f"the {place} condition {text} dropped", lambda n, i=i: _drop_part(n, i, place, exp))
    side = (node.args.get("side") or "").upper() if place == "ON" else ""
    if side == "LEFT" and len(parts) > 1:
        for i, part in enumerate(parts):
            yield ("on->where", f"the LEFT JOIN condition {part.sql('duckdb')} moved from ON to WHERE",
                   lambda n, i=i: _move_to_where(n, i, exp))


def _parts(n, place, exp):
    condition = n.args["on"] if place == "ON" else n.this
    return list(condition.flatten()) if isinstance(condition, exp.And) else [condition]


def _drop_part(n, i: int, place: str, exp) -> None:
    parts = _parts(n, place, exp)
    rest = [p.copy() for j, p in enumerate(parts) if j != i]
    if place == "ON":
        n.set("on", exp.and_(*rest) if rest else exp.true())
    elif rest:
        n.set("this", exp.and_(*rest))
    else:
        n.pop()


def _move_to_where(n, i: int, exp) -> None:
    parts = _parts(n, "ON", exp)
    moved = parts[i].copy()
    n.set("on", exp.and_(*[p.copy() for j, p in enumerate(parts) if j != i]))
    select = n.parent
    if isinstance(select, exp.Select):
        select.where(moved, copy=False)


def functions(node, q, tree, exp):
    if isinstance(node, exp.Coalesce):
        yield ("drop-coalesce", "COALESCE(x, ...) replaced by x", lambda n: n.replace(n.this))
    if isinstance(node, exp.Round):
        yield ("round->trunc", "ROUND replaced by truncation",
               lambda n: n.replace(exp.Anonymous(this="trunc", expressions=[n.this, n.args.get("decimals")
                                                                            or exp.Literal.number(0)])))
    if type(node) is exp.Min:
        yield ("min->max", "MIN replaced by MAX", lambda n: n.replace(exp.Max(this=n.this)))
    if type(node) is exp.Max:
        yield ("max->min", "MAX replaced by MIN", lambda n: n.replace(exp.Min(this=n.this)))


def constant(node, q, tree, exp):
    """An integer compared with, a LIMIT, an INTERVAL or a BETWEEN bound moved by one."""
    if not isinstance(node, exp.Literal) or node.is_string or not node.this.lstrip("-").isdigit():
        return
    parent = node.parent
    compared = isinstance(parent, (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Between))
    if not (compared or isinstance(parent, (exp.Limit, exp.Offset, exp.Interval))):
        return
    value = int(node.this)
    for delta in (1, -1):
        yield (f"constant{'+' if delta > 0 else '-'}1", f"the constant {value} made {value + delta}",
               lambda n, v=value + delta: n.replace(exp.Literal.number(v)))


OPERATORS = (final_order, ranking, window, frame, lag_lead, ordered, comparison, join, count, distinct, union,
             division, conjunct, functions, constant)


def killing_data(question: Question, mutant: Mutant) -> str | None:
    """A small dataset on which the mutant and the reference differ, as a setup to paste."""
    from drills.judge.sql import search_data

    return search_data(question, mutant.source)
