"""Small datasets that show why two queries differ, built from a drill's own rows.

`shrink` is delta debugging (drills/judge/shrinking.py) over the rows of every table: it finds a
1-minimal set of rows on which an answer and the reference still give different results.
`search` looks for a dataset that tells a surviving mutant from the reference: the drill's
rows with one small change (a tie with the next value, a value moved by one, a row removed
or repeated, a NULL), then shrunk the same way, printed as SQL an author can paste.

Both run inside the SQL worker, on a scratch connection of their own, within a time budget.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from drills.judge.shrinking import ddmin
from drills.judge.sql_worker import connect, quote, run
from drills.judge.sqlcompare import Rules, same, show, shown_result

Edit = tuple[str, int, str, list]  # (what, table, SQL on __drill_edit, parameters)
MAX_ROWS = 10_000


class Scratch:
    """A private copy of one dataset whose tables can be refilled with any subset of its rows."""

    def __init__(self, setup: str, variant: int, time_limit: float) -> None:
        self.con = connect(setup, variant, time_limit)
        found = self.con.execute(
            "SELECT table_name, sql FROM duckdb_tables() WHERE NOT internal AND database_name = 'memory' "
            "AND schema_name = 'main' ORDER BY table_name").fetchall()
        self.raw_names = [name for name, _ in found]
        self.names = [quote(name) for name in self.raw_names]
        self.ddl = [sql.rstrip(";") + ";" for _, sql in found]
        self.snapshot()

    def snapshot(self) -> None:
        """Take the tables' current rows as the rows subsets are made of."""
        self.items: list[tuple[int, int]] = []
        for t, name in enumerate(self.names):
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE __drill_all_{t} AS "
                             f"SELECT row_number() OVER () AS __drill_i, * FROM {name}")
            count = self.con.execute(f"SELECT count(*) FROM __drill_all_{t}").fetchone()[0]
            self.items += [(t, i) for i in range(1, count + 1)]
        self.loaded: dict[int, tuple[int, ...] | None] = {
            t: tuple(i for tt, i in self.items if tt == t) for t in range(len(self.names))}

    def load(self, subset: Sequence[tuple[int, int]], edited: int | None = None) -> None:
        """Fill the tables with `subset`'s rows; table `edited` from __drill_edit instead."""
        wanted: dict[int, list[int]] = {t: [] for t in range(len(self.names))}
        for t, i in subset:
            wanted[t].append(i)
        for t, ids in wanted.items():
            ids_t = tuple(sorted(ids))
            if self.loaded.get(t) == ids_t and t != edited:
                continue
            source = "__drill_edit" if t == edited else f"__drill_all_{t}"
            self.con.execute(f"DELETE FROM {self.names[t]}")
            # a filtered scan keeps the stored order (one thread); list_contains beats a semi join here
            self.con.execute(f"INSERT INTO {self.names[t]} SELECT * EXCLUDE (__drill_i) FROM {source} "
                             "WHERE list_contains(?::BIGINT[], __drill_i)", [list(ids_t)])
            self.loaded[t] = None if t == edited else ids_t

    def outcome(self, reference: str, other: str, rules: Rules, limit: float) -> tuple[bool | None, tuple, tuple]:
        """(differ?, reference reply, other reply); None when either fails to run."""
        exp = run(self.con, reference, limit, MAX_ROWS)
        got = run(self.con, other, limit, MAX_ROWS)
        if exp[0] != "ok" or got[0] != "ok":
            return None, exp, got
        return not same(rules, exp, got), exp, got

    def fails(self, reference: str, other: str, rules: Rules, limit: float,
              nonempty: bool = False) -> Callable[[list], bool]:
        """The test ddmin shrinks with: the two queries differ (and, with `nonempty`, the
        reference returns rows, so the dataset also proves an empty answer wrong)."""
        seen: dict[frozenset, bool] = {}

        def test(subset: list) -> bool:
            key = frozenset(subset)
            if key not in seen:
                self.load(subset)
                differ, exp, _ = self.outcome(reference, other, rules, limit)
                seen[key] = differ is True and (not nonempty or bool(exp[2]))
            return seen[key]

        return test

    def shown(self, subset: Sequence[tuple[int, int]]) -> dict[str, dict]:
        """The subset's rows per table, as display strings."""
        self.load(subset)
        out = {}
        for t, name in enumerate(self.names):
            result = self.con.execute(f"SELECT * FROM {name}")
            columns = [d[0] for d in result.description]
            out[self.raw_names[t]] = {"columns": columns, "rows": [[show(v) for v in r] for r in result.fetchall()]}
        return out

    def script(self, subset: Sequence[tuple[int, int]]) -> str:
        """The subset as a setup: CREATE TABLE and INSERT statements."""
        self.load(subset)
        lines = []
        for t, name in enumerate(self.names):
            lines.append(self.ddl[t])
            rows = self.con.execute(f"SELECT * FROM {name}").fetchall()
            if rows:
                values = ",\n  ".join("(" + ", ".join(literal(v) for v in r) + ")" for r in rows)
                lines.append(f"INSERT INTO {name} VALUES\n  {values};")
        return "\n".join(lines)


def shrink(worker: Any, key: Any, setup: str, variant: int, reference: str, answer: str, rules: Rules,
           time_limit: float, budget: float) -> tuple:
    """("ok", counterexample, minimal) or ("none", why): see Verdict.details["counterexample"]."""
    deadline = time.monotonic() + budget
    try:
        scratch = Scratch(setup, variant, time_limit)
    except Exception as exc:  # noqa: BLE001 - no counterexample is better than a broken verdict
        return ("none", str(exc))
    limit = min(time_limit, budget)
    test = scratch.fails(reference, answer, rules, limit)
    if not test(list(scratch.items)):
        return ("none", "the answer and the reference agree on the whole dataset")
    rows = ddmin(scratch.items, test, deadline)
    minimal = time.monotonic() < deadline
    scratch.load(rows)
    _, exp, got = scratch.outcome(reference, answer, rules, limit)
    return ("ok", {"tables": scratch.shown(rows), "expected": shown_result(exp), "actual": shown_result(got)},
            minimal)


def edits(scratch: Scratch) -> list[Edit]:
    """Small changes to one row each, as (what, table, UPDATE/DELETE/INSERT on __drill_edit, parameters):
    removals first (they fit most prompts), moves by one, ties with the next value, repeated
    rows, NULLs last. A key column (named like an id, its values distinct) keeps distinct values."""
    con = scratch.con
    ties: list[Edit] = []
    moves: list[Edit] = []
    removals: list[Edit] = []
    repeats: list[Edit] = []
    nulls: list[Edit] = []
    for t, name in enumerate(scratch.raw_names):
        result = con.execute(f"SELECT * FROM __drill_all_{t} ORDER BY __drill_i")
        columns = [(d[0], str(d[1]).upper()) for d in result.description][1:]
        data = result.fetchall()
        keyed = False
        for c, (column, type_name) in enumerate(columns, 1):
            present = [r[c] for r in data]
            values = sorted({v for v in present if v is not None}, key=_sort_key)
            key = _is_key(column, present)
            keyed = keyed or key
            for r in data:
                i, v = r[0], r[c]
                where = f"WHERE __drill_i = {i}"
                if v is None:
                    continue
                at = values.index(v)
                for near in (values[at - 1] if at else None, values[at + 1] if at + 1 < len(values) else None):
                    if near is not None and not key:
                        ties.append((f"{name}.{column} of row {i} set to {show(near)}", t,
                                     f"UPDATE __drill_edit SET {quote(column)} = ? {where}", [near]))
                step = _step(type_name)
                for sign in ("+", "-") if step else ():
                    moves.append((f"{name}.{column} of row {i} moved by {sign}1", t,
                                  f"UPDATE __drill_edit SET {quote(column)} = {quote(column)} {sign} {step} {where}"
                                  + (f" AND {quote(column)} {sign} {step} NOT IN (SELECT {quote(column)} FROM "
                                     f"__drill_edit WHERE {quote(column)} IS NOT NULL)" if key else ""), []))
                if not key:
                    nulls.append((f"{name}.{column} of row {i} set to NULL", t,
                                  f"UPDATE __drill_edit SET {quote(column)} = NULL {where}", []))
        for r in data:
            i = r[0]
            removals.append((f"row {i} of {name} removed", t, f"DELETE FROM __drill_edit WHERE __drill_i = {i}", []))
            if not keyed:
                repeats.append((f"row {i} of {name} repeated", t,
                                f"INSERT INTO __drill_edit SELECT * REPLACE ({len(data) + 1} AS __drill_i) "
                                f"FROM __drill_edit WHERE __drill_i = {i}", []))
    return [*removals, *moves, *ties, *repeats, *nulls]


def _is_key(column: str, values: list) -> bool:
    name = column.lower()
    return (name == "id" or name.endswith("_id")) and None not in values and len(set(values)) == len(values)


def _sort_key(value: Any) -> tuple:
    return (type(value).__name__, value)


def _step(type_name: str) -> str | None:
    if type_name.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL", "DOUBLE", "FLOAT",
                             "REAL", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "DATE")):
        return "1"
    if type_name.startswith("TIMESTAMP"):
        return "INTERVAL 1 MINUTE"
    if type_name.startswith("TIME"):
        return "INTERVAL 1 MINUTE"
    return None


def search(worker: Any, keys: list, setups: list[str], reference: str, mutant: str, rules: Rules,
           time_limit: float, budget: float) -> tuple:
    """("ok", {"change", "script", "rows"}) for a dataset that kills the mutant, or ("none", why)."""
    import duckdb

    deadline = time.monotonic() + budget
    limit = min(time_limit, 2.0)
    for setup in setups:
        try:
            scratch = Scratch(setup, 0, time_limit)
        except duckdb.Error as exc:
            return ("none", str(exc))
        for change, t, statement, params in edits(scratch):
            if time.monotonic() > deadline:
                return ("none", "no small change of the drill's rows told them apart within the time allowed")
            con = scratch.con
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE __drill_edit AS SELECT * FROM __drill_all_{t}")
                con.execute(statement, params)
                scratch.load([x for x in scratch.items if x[0] != t] +
                             [(t, i) for (i,) in con.execute("SELECT __drill_i FROM __drill_edit").fetchall()],
                             edited=t)
            except duckdb.Error:
                scratch.loaded[t] = None
                continue
            differ, exp, _ = scratch.outcome(reference, mutant, rules, limit)
            if differ and exp[2]:
                scratch.snapshot()
                test = scratch.fails(reference, mutant, rules, limit, nonempty=True)
                rows = ddmin(scratch.items, test, max(deadline, time.monotonic() + 1.0))
                scratch.load(rows)
                _, exp, got = scratch.outcome(reference, mutant, rules, limit)
                return ("ok", {"change": change, "script": scratch.script(rows),
                               "expected": shown_result(exp), "actual": shown_result(got)})
    return ("none", "no small change of the drill's rows told them apart")


def literal(value: Any) -> str:
    """A value as a DuckDB SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else f"'{value}'::DOUBLE"
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, dt.time):
        return f"TIME '{value.isoformat()}'"
    if isinstance(value, dt.timedelta):
        return f"INTERVAL '{value.total_seconds()} seconds'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"'{k}': {literal(v)}" for k, v in value.items()) + "}"
    return "'" + str(value).replace("'", "''") + "'"
