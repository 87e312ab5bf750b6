"""The pandas judge: the answer's function gets one DataFrame per table of the drill's setup
and its result is compared with the reference's by the SQL rules the drill declares.

The tables come from the same `setup` SQL a SQL drill uses, run once per dataset by the SQL
worker and kept (in memory, per drill content), so a check sends plain columns to the
sandbox and never waits for DuckDB. Each dataset is also given with its rows reversed, so an
answer that leans on the order rows happen to be stored in fails there. Answer and reference
run in separate sandboxed children; values are compared here, outside.

What counts as the same result: a DataFrame or a Series is a table of rows. A named index
(what `groupby`, `set_index` and `pivot_table` leave) counts as leading columns, so returning
it or calling `reset_index()` are both right; an unnamed index is ignored, unless the drill
sets `index: true`. Then the rules of drills/judge/sqlcompare.py: row order only when
`ordered: true`, column names when `column_names: match`, numbers within `float_digits`
(an int equals the float it would become), and every kind of missing value (None, NaN, NaT,
pd.NA) equal to every other. Categoricals compare as their values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

from drills import sandbox
from drills.errors import AnswerError, BankError
from drills.judge import explaining, shrinking, sqlcompare
from drills.judge import python as py
from drills.model import Question, Verdict
from drills.sandbox.report import Run, TestResult

MAX_TABLE_ROWS = 20_000
VARIANTS = ("as stored", "rows reversed")
_tables: dict[tuple, list[list[dict]]] = {}
_expected: dict[tuple, list[Any]] = {}


def judge(question: Question, answer: str) -> Verdict:
    if not answer.strip():
        raise AnswerError(f"The answer is empty; write the function `{question.function}`.")
    tests = inputs(question)
    expected = _reference(question, tests)
    run = _run(question, answer, tests)
    verdict = py._verdict(question, run, expected, None,
                          check=lambda r, want, verdict: _check(question, r, want, verdict),
                          describe=lambda i: describe(question, i))
    if verdict.outcome == "wrong" and "expected_rows" in verdict.details and explaining():
        index = verdict.details["test"] - 1
        got = next(r.value for r in run.results if r.test == index)
        found = counterexample(question, answer, tests[index], (expected[index], got))
        if found is not None:
            verdict = dataclasses.replace(verdict, details={**verdict.details, "counterexample": found})
    return verdict


def describe(question: Question, position: int) -> str:
    dataset, variant = divmod(position, len(VARIANTS))
    return f"dataset {dataset + 1} ({VARIANTS[variant]})"


def _run(question: Question, source: str, tests: list[dict], limit: float | None = None) -> Run:
    return sandbox.run(source, question.function, tests, time_limit=limit or question.time_limit, frames=True)


# --- tables --------------------------------------------------------------------------------


def inputs(question: Question) -> list[dict]:
    """One sandbox test per dataset and row order: {"tables": {name: columns}}."""
    out = []
    for tables in datasets(question):
        for variant in range(len(VARIANTS)):
            out.append({"tables": {t["name"]: _variant(t, variant) for t in tables}})
    return out


def _variant(table: dict, variant: int) -> dict:
    values = [list(reversed(v)) for v in table["values"]] if variant else table["values"]
    return {"columns": table["columns"], "types": table["types"], "values": values}


def datasets(question: Question) -> list[list[dict]]:
    """Each dataset's tables as columns of plain values with a type word, made once."""
    from drills.judge import sql

    key = (question.content_hash or question.id, question.setup, question.extra_setups)
    if key not in _tables:
        found = []
        for index, setup in enumerate(sql.datasets(question)):
            limit = question.time_limit
            try:
                reply = sql.runner().call("tables", ((key[0], index), setup, MAX_TABLE_ROWS, limit),
                                          sql._deadline(limit))
            except sql.WorkerDied:
                reply = ("setup_timeout", limit)
            if reply[0] != "ok":
                raise sql.setup_problem(question, index, reply)
            found.append([_table(question, index, *t) for t in reply[1]])
        if len(_tables) > 64:
            _tables.pop(next(iter(_tables)))
        _tables[key] = found
    return _tables[key]


def _table(question: Question, index: int, name: str, columns: list, rows: list, count: int) -> dict:
    if count > len(rows):
        raise BankError(f"table {name} has {count} rows; a pandas drill's tables hold at most {MAX_TABLE_ROWS}",
                        question.path, question.line_of("setup" if index == 0 else "extra_setups"))
    types = [_type_word(str(t)) for _, t in columns]
    values = [[_plain(row[i], types[i]) for row in rows] for i in range(len(columns))]
    return {"name": name, "columns": [c for c, _ in columns], "types": types, "values": values}


def _type_word(duck_type: str) -> str:
    t = duck_type.upper()
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
             "HUGEINT"):
        return "int"
    if t in ("FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL"):
        return "float"
    if t == "BOOLEAN":
        return "bool"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    return "str"


def _plain(value: Any, word: str) -> Any:
    if value is None:
        return None
    if word == "int":
        return int(value)
    if word == "float":
        return float(value)
    if word == "bool":
        return bool(value)
    if word in ("date", "timestamp"):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


# --- the reference -------------------------------------------------------------------------


def _reference(question: Question, tests: list[dict]) -> list[Any]:
    key = (question.content_hash or question.id, question.solution, question.function)
    if key not in _expected:
        where = (question.path, question.line_of("solution"))
        run = _run(question, question.solution, tests, question.time_limit * py.REFERENCE_ALLOWANCE)
        py._check_run(run)
        if not (len(run.results) == len(tests) and all(r.kind == "value" for r in run.results)):
            raise BankError(f"the reference solution fails on {describe(question, len(run.results))}: "
                            f"{py._failure(run)}; fix `solution`", *where)
        if len(_expected) > 64:
            _expected.pop(next(iter(_expected)))
        _expected[key] = [r.value for r in run.results]
    return _expected[key]


# --- the smallest counterexample ----------------------------------------------------------

COUNTEREXAMPLE_BUDGET = 1.0  # seconds of shrinking; the smallest set found by then is shown
BATCH = 16  # row subsets tried in one sandboxed run: a run's start costs more than a small subset


def counterexample(question: Question, answer: str, test: dict, values: tuple[Any, Any]) -> dict | None:
    """The fewest rows of `test`'s tables on which the answer and the reference still differ,
    with both results, in the shape of the SQL judge's (Verdict.details["counterexample"]).
    `values` are the reference's and the answer's results on the whole test, as judged.

    Delta debugging over the rows of every table, each batch of subsets tried in one run of the
    reference and one of the answer, both sandboxed like any check; None when the two values
    do not differ after all."""
    deadline = time.monotonic() + COUNTEREXAMPLE_BUDGET
    tables = test["tables"]
    names = list(tables)
    items = [(t, i) for t, name in enumerate(names) for i in range(_row_count(tables[name]))]
    rules = sqlcompare.Rules.of(question)
    seen: dict[frozenset, tuple | None] = {frozenset(items): _differ(question, rules, *values)}

    def subset(rows: list[tuple[int, int]]) -> dict:
        keep = [sorted(i for tt, i in rows if tt == t) for t in range(len(names))]
        return {"tables": {name: {**table, "values": [[column[i] for i in keep[t]] for column in table["values"]]}
                           for t, (name, table) in enumerate(tables.items())}}

    def outcomes(candidates: list[list[tuple[int, int]]]) -> list[tuple | None]:
        """(expected reply, actual reply) where they differ, else None, for each candidate."""
        todo = [c for c in candidates if frozenset(c) not in seen]
        while todo and time.monotonic() < deadline:
            limit = min(question.time_limit, max(0.05, deadline - time.monotonic()))
            tried = [subset(c) for c in todo]
            exp = {r.test: r for r in _run(question, question.solution, tried, limit).results}
            got = {r.test: r for r in _run(question, answer, tried, limit).results}
            reached = min(max(exp, default=-1), max(got, default=-1))  # a run stops at its first error
            for j, c in enumerate(todo[:reached + 1]):
                seen[frozenset(c)] = _differ(question, rules, _returned(exp[j]), _returned(got[j]))
            todo = todo[reached + 1:]
            if todo:  # the rest, from after the subset one of them failed on
                seen[frozenset(todo[0])] = None
                todo = todo[1:]
        return [seen.get(frozenset(c)) for c in candidates]

    if seen[frozenset(items)] is None:
        return None
    rows = shrinking.ddmin_batched(items, lambda cs: next((j for j, o in enumerate(outcomes(cs)) if o), None),
                                   deadline, BATCH)
    found = seen[frozenset(rows)]
    assert found is not None
    exp_reply, got_reply = found
    shown = subset(rows)["tables"]
    return {"tables": {name: {"columns": t["columns"],
                              "rows": [[_shown(t["values"][c][r], t["types"][c]) for c in range(len(t["columns"]))]
                                       for r in range(_row_count(t))]}
                       for name, t in shown.items()},
            "expected": sqlcompare.shown_result(exp_reply), "actual": sqlcompare.shown_result(got_reply)}


def _row_count(table: dict) -> int:
    return len(table["values"][0]) if table["values"] else 0


def _returned(result: TestResult) -> Any:
    """What a run returned on one test, or None where it returned nothing (a result is a tuple)."""
    return result.value if result.kind == "value" else None


def _differ(question: Question, rules: sqlcompare.Rules, exp: Any, got: Any) -> tuple | None:
    """(expected reply, actual reply) when two returned values differ under the drill's rules."""
    if exp is None or got is None:
        return None
    try:
        exp_reply, got_reply = reply(question, exp), reply(question, got)
    except ValueError:
        return None
    return None if sqlcompare.same(rules, exp_reply, got_reply) else (exp_reply, got_reply)


def _shown(value: Any, word: str) -> str:
    """A table cell as the SQL grids show it (dates arrive as ISO text, shown unquoted)."""
    return value if value is not None and word in ("date", "timestamp") else sqlcompare.show(value)


# --- comparing -----------------------------------------------------------------------------


def reply(question: Question, value: Any) -> tuple:
    """A frame or scalar from the sandbox as a SQL worker reply ("ok", columns, rows, False)."""
    if not (isinstance(value, tuple) and value and value[0] in ("frame", "scalar")):
        raise ValueError("not a result")
    if value[0] == "scalar":
        return ("ok", [("value", "")], [(_value(value[1]),)], False)
    _, columns, index_names, index_rows, rows = value
    keep = [i for i, n in enumerate(index_names) if n is not None or question.index]
    names = [(index_names[i] or f"level_{i}", "") for i in keep] + [(c, "") for c in columns]
    out = [tuple(_value(x) for x in [*(ix[i] for i in keep), *row]) for ix, row in zip(index_rows, rows, strict=True)]
    return ("ok", names, out, False)


def _value(v: Any) -> Any:
    if isinstance(v, tuple) and len(v) == 2 and v[0] == "timestamp":
        return dt.datetime.fromisoformat(v[1])
    if isinstance(v, tuple) and len(v) == 2 and v[0] == "timedelta":
        return f"timedelta {v[1]}"
    return v


def _check(question: Question, r: TestResult, want: Any, verdict: Any) -> Verdict | None:
    number = r.test + 1
    if r.kind == "unplain":
        return verdict("error", f"On {describe(question, r.test)} it returned {r.what}. {_unplain_advice(r.what)}",
                       test=number)
    try:
        got, exp = reply(question, r.value), reply(question, want)
    except ValueError:
        return verdict("error", "The sandbox sent a result drill cannot read.", test=number)
    if want[0] == "scalar" and r.value[0] != "scalar":
        return verdict("wrong", "Return a single value, not a DataFrame or a Series.", test=number)
    found = sqlcompare.compare(sqlcompare.Rules.of(question), exp, got)
    if found is None:
        return None
    message, details = found
    if len(got[1]) < len(exp[1]) <= len(got[1]) + _unnamed_levels(r.value):
        message += (" Its index has no name, so it is not compared: name it (`rename_axis`) or make it a "
                     "column (`reset_index()`).")
    return verdict("wrong", f"On {describe(question, r.test)}: {message}", test=number, dataset=number,
                   **details)


def _unplain_advice(what: str) -> str:
    if what.startswith("a cell of type"):
        return ("A cell must be a number, text, a boolean, a date or timestamp, or missing: convert that column "
                "(a Period with `.dt.to_timestamp()`, say).")
    if "cells" in what:
        return "Return the result itself, not something that large."
    return "Return a DataFrame, a Series or a single value."


def _unnamed_levels(value: Any) -> int:
    """How many levels of a returned frame's index have no name and are not the default 0, 1, 2, ..."""
    if not (isinstance(value, tuple) and value and value[0] == "frame"):
        return 0
    _, _, names, index_rows, _ = value
    count = 0
    for level, name in enumerate(names):
        values = [row[level] for row in index_rows]
        count += name is None and values != list(range(len(values)))
    return count


def result_rows(question: Question, text: str, position: int) -> tuple[list, list] | None:
    """(columns, rows) `text` returns on one test (a dataset in one row order), for the aligned grids."""
    test = inputs(question)[position]
    run = _run(question, text, [test])
    if len(run.results) != 1 or run.results[0].kind != "value":
        return None
    try:
        _, columns, rows, _ = reply(question, run.results[0].value)
    except ValueError:
        return None
    return columns, rows
