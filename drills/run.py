"""`:run`: try an answer without judging it, and tell an answer that does not run at all.

Like the Run button of an online editor: a SQL query runs on the drill's main dataset and
shows what it returns, exploratory queries included; a Python function runs on the drill's
visible examples (its first tests with literal arguments) and shows what it returns. Nothing
is compared with the reference, rated or saved.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drills.errors import BankError
from drills.model import Question, Verdict

EXAMPLES = 3          # visible examples of a Python drill: its first tests with literal `args`
SHOW_ROWS = 50        # rows of a query's result shown by :run


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
    """Run `text` for a look, as the drill's kind does; None when the kind has nothing to run."""
    from drills import kinds

    return kinds.of(question).run(question, text)


def runnable(question: Question) -> bool:
    from drills import kinds

    return kinds.of(question).runnable


def show_value(value: Any) -> str:
    """A database value as a grid shows it: as the judge's messages do, text left unquoted."""
    from drills.judge.sqlcompare import show

    return value if isinstance(value, str) else show(value)


def query(question: Question, sql: str, dataset: int = 0) -> tuple:
    """The SQL judge's worker reply for `sql` on one dataset, not compared with anything."""
    from drills.judge import sql as sql_judge

    return sql_judge.run_query(question, dataset, sql)


def shown_rows(columns: list[str], rows: list, truncated: bool) -> QueryRun:
    """A result as :run shows it: its first SHOW_ROWS rows as display strings."""
    return QueryRun(columns, [[show_value(v) for v in row] for row in rows[:SHOW_ROWS]], len(rows), truncated)


_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 120
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 12
_repr.maxlevel = 4


def visible_tests(question: Question) -> list[int]:
    """Which tests :run shows: the first few with literal arguments, the drill's examples."""
    return [i for i, t in enumerate(question.tests) if "args" in t][:EXAMPLES]


def _call(question: Question, test: Mapping[str, Any]) -> str:
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
        else load_problem(question, result)
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


def load_problem(question: Question, result: Any) -> str:
    """Why a Python answer did not get as far as its function, or ''."""
    if result.load_error is not None:
        error = result.load_error
        where = f" at line {error['line']}" if error.get("line") else ""
        return f"{error['type']}{where} while loading: {error['message']}".rstrip(": ")
    if result.missing_function:
        return f"The code does not define a function named `{question.function}`; keep the starter's name."
    return ""


# --- answers that do not run -------------------------------------------------------------


def does_not_run(question: Question, text: str, verdict: Verdict) -> str:
    """The reason an answer judged `error` never ran (a parse error, an unknown name, no
    function), so it goes back to the editor instead of counting as a failed review; '' when
    it ran and failed on the data, which is a real mistake."""
    if verdict.outcome != "error":
        return ""
    from drills import kinds

    return kinds.of(question).does_not_run(question, text, verdict)
