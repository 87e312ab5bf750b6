"""`:run`: try an answer without judging it, and tell an answer that does not run at all.

Like the Run button of an online editor: a SQL query runs on the drill's main dataset and
shows what it returns, exploratory queries included; a Python function runs on the drill's
visible examples (its first tests with literal arguments) and shows what it returns. Nothing
is compared with the reference, rated or saved.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from drills.errors import BankError
from drills.model import Question, Verdict

EXAMPLES = 3          # visible examples of a Python drill: its first tests with literal `args`
SHOW_ROWS = 50        # rows of a query's result shown by :run
STATIC_ERRORS = ("Parser Error", "Catalog Error", "Binder Error")  # DuckDB's, before a query runs


@dataclass
class QueryRun:
    """What a query returned on the main dataset, or why it did not."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)   # the first SHOW_ROWS, as display strings
    count: int = 0
    more_than: bool = False                               # the result was cut at the worker's maximum
    error: str = ""


@dataclass
class Example:
    call: str
    returned: str | None = None
    expected: str | None = None
    error: str = ""


@dataclass
class CodeRun:
    """What a function returned on each visible example, or why it did not load."""

    examples: list[Example] = field(default_factory=list)
    hidden: int = 0                                        # tests judged only on submit
    error: str = ""
    output: str = ""


def run(question: Question, text: str) -> QueryRun | CodeRun | None:
    """Run `text` for a look, by the drill's kind; None when the kind has nothing to run."""
    runner = RUNNERS.get(question.kind)
    return runner(question, text) if runner else None


def runnable(question: Question) -> bool:
    return question.kind in RUNNERS


def show_value(value: Any) -> str:
    """A database value as a grid shows it."""
    if value is None:
        return "NULL"
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def query(question: Question, sql: str, dataset: int = 0) -> tuple:
    """The SQL judge's worker reply for `sql` on one dataset, not compared with anything."""
    from drills.judge import sql as sql_judge

    return sql_judge.run_query(question, dataset, sql)


def run_sql(question: Question, text: str) -> QueryRun:
    from drills.judge import sql as sql_judge

    if not text.strip():
        return QueryRun(error="Nothing to run: type a query above :run.")
    reply = query(question, text)
    status = reply[0]
    if status.startswith("setup_"):
        raise sql_judge.setup_problem(question, 0, reply)
    if status == "timeout":
        return QueryRun(error=f"The query ran longer than {question.time_limit:g} s and was stopped.")
    if status == "memory":
        return QueryRun(error=f"The query needed more memory than the {reply[1]} MB a query may use.")
    if status != "ok":
        return QueryRun(error=str(reply[1]))
    _, columns, rows, truncated = reply[:4]
    return QueryRun([name for name, _ in columns], [[show_value(v) for v in row] for row in rows[:SHOW_ROWS]],
                    len(rows), truncated)


_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 120
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 12
_repr.maxlevel = 4


def visible_tests(question: Question) -> list[int]:
    """Which tests :run shows: the first few with literal arguments, the drill's examples."""
    return [i for i, t in enumerate(question.tests) if "args" in t][:EXAMPLES]


def _call(question: Question, test: dict) -> str:
    return f"{question.function}({', '.join(_repr.repr(a) for a in test.get('args') or [])})"


def run_python(question: Question, text: str) -> CodeRun:
    from drills import sandbox
    from drills.sandbox import plain

    shown = visible_tests(question)
    # only literal `args` are shown, so nothing needs `args_code` built (which can take a while)
    try:
        wire = [{"args": plain.encode(list(question.tests[i]["args"]))} for i in shown]
    except plain.NotPlain as e:
        raise BankError(f"a test's `args` holds {e}", question.path, question.line_of("tests")) from None
    result = sandbox.run(text, question.function, wire, time_limit=question.time_limit)
    out = CodeRun(hidden=len(question.tests) - len(shown), output=result.output)
    problem = "The sandbox could not run this code; try again." if result.garbled or not result.layers \
        else _load_problem(question, result)
    if problem:
        out.error = problem
        return out
    for position, index in enumerate(shown):
        test = question.tests[index]
        example = Example(_call(question, test),
                          expected=_repr.repr(test["expected"]) if "expected" in test else None)
        if position < len(result.results):
            r = result.results[position]
            if r.kind == "value":
                example.returned = _repr.repr(r.value)
            elif r.kind == "raised" and r.error:
                where = f" at line {r.error['line']}" if r.error.get("line") else ""
                example.error = f"{r.error['type']}{where}: {r.error['message']}".rstrip(": ")
            else:
                example.error = f"returned {r.what}, which is not plain data"
        elif position == len(result.results):
            example.error = {"timeout": f"ran out of time (the limit is {question.time_limit:g} s)",
                             "idle": f"waited longer than {question.time_limit:g} s without running",
                             "memory": "used more memory than the sandbox allows"}.get(
                result.status, f"stopped ({result.status})")
        else:
            example.error = "not run"
        out.examples.append(example)
    return out


def _load_problem(question: Question, result: Any) -> str:
    """Why a Python answer did not get as far as its function, or ''."""
    if result.load_error is not None:
        error = result.load_error
        where = f" at line {error['line']}" if error.get("line") else ""
        return f"{error['type']}{where} while loading: {error['message']}".rstrip(": ")
    if result.missing_function:
        return f"The code does not define a function named `{question.function}`; keep the starter's name."
    return ""


RUNNERS: dict[str, Callable[[Question, str], Any]] = {"sql": run_sql, "python": run_python}


# --- answers that do not run -------------------------------------------------------------


def does_not_run(question: Question, text: str, verdict: Verdict) -> str:
    """The reason an answer judged `error` never ran (a parse error, an unknown name, no
    function), so it goes back to the editor instead of counting as a failed review; '' when
    it ran and failed on the data, which is a real mistake."""
    if verdict.outcome != "error":
        return ""
    check = _STATIC_CHECKS.get(question.kind)
    return check(question, text, verdict) if check else ""


def _sql_static(question: Question, text: str, verdict: Verdict) -> str:
    reply = query(question, text)
    if reply[0] == "refused" or (reply[0] == "error" and str(reply[1]).startswith(STATIC_ERRORS)):
        return str(reply[1])
    return ""


def _python_static(question: Question, text: str, verdict: Verdict) -> str:
    from drills import sandbox

    return _load_problem(question, sandbox.run(text, question.function, [], time_limit=question.time_limit))


def _numeric_static(question: Question, text: str, verdict: Verdict) -> str:
    return verdict.message  # the numeric judge says `error` only for an answer it cannot read


_STATIC_CHECKS: dict[str, Callable[[Question, str, Verdict], str]] = {
    "sql": _sql_static, "python": _python_static, "numeric": _numeric_static,
}
