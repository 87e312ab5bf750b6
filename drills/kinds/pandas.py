"""pandas drills: a function that takes the drill's tables as DataFrames (built from the same
`setup` SQL a SQL drill uses) and returns a DataFrame, a Series or a single value, run in the
sandbox and compared by the SQL drills' rules (drills/judge/pandas.py)."""

from __future__ import annotations

from typing import Any

from drills.kinds import python as python_kind
from drills.kinds import sql as sql_kind
from drills.model import Question, Verdict

FIELDS: dict[str, dict] = {
    "index": {
        "description": "the index is part of the answer: every level is compared as a leading column. "
                       "Otherwise a named index counts as columns and an unnamed one is ignored.",
        "type": "boolean",
    },
}


class PandasKind(python_kind.SandboxedKind):
    name = "pandas"
    title = "pandas"
    default_topic = "pandas"
    fields = {
        **{k: sql_kind.FIELDS[k] for k in ("setup", "extra_setups", "ordered", "column_names", "float_digits",
                                             "time_limit", "equivalent_mutants")},
        **{k: python_kind.FIELDS[k] for k in ("function", "starter")},
        **FIELDS,
    }
    required = ("setup", "extra_setups", "function", "starter", "hints", "wrong_answers")
    min_wrong_answers = 2
    has_tables = True

    def judge(self, question: Question, answer: str) -> Verdict:
        from drills.judge import pandas

        return pandas.judge(question, answer)

    def checks(self, question: Question) -> list[tuple[str, str, str]]:
        from drills.judge import pandas, python

        return python.checks(question, pandas.judge)  # the reference needs at most a fifth of time_limit

    def run(self, question: Question, text: str) -> Any:
        from drills.judge import pandas
        from drills.run import QueryRun, shown_rows

        if not text.strip():
            return QueryRun(error="Nothing to run: write the function above :run.")
        found = pandas.result_rows(question, text, 0)
        if found is None:
            verdict = pandas.judge(question, text)
            return QueryRun(error=verdict.message)
        columns, rows = found
        return shown_rows([name for name, _ in columns], rows, False)

    def does_not_run(self, question: Question, text: str, verdict: Verdict) -> str:
        from drills import sandbox
        from drills.run import load_problem

        return load_problem(question, sandbox.run(text, question.function, [], time_limit=question.time_limit,
                                                  frames=True))

    def result_rows(self, question: Question, text: str, dataset: int) -> tuple[list, list] | None:
        from drills.judge import pandas

        return pandas.result_rows(question, text, dataset)

    def tables(self, question: Question, rows: int, cache: Any = None) -> list | None:
        return sql_kind.KIND.tables(question, rows, cache)

    def warm(self) -> None:
        from drills import sandbox

        sandbox.warm(with_packages=True)
        sql_kind.KIND.warm()


KIND = PandasKind()
