"""SQL drills: a query on DuckDB tables the drill's `setup` creates, judged by its rows."""

from __future__ import annotations

from typing import Any

from drills.kinds import Kind
from drills.model import Question, Verdict

STATIC_ERRORS = ("Parser Error", "Catalog Error", "Binder Error")  # DuckDB's, before a query runs

FIELDS: dict[str, dict] = {
    "setup": {
        "description": "trusted DuckDB SQL that creates and fills the tables.",
        "type": "string", "minLength": 1,
    },
    "extra_setups": {
        "description": "more datasets, at least one, with other rows than setup's; the answer must be right "
                       "on every one.",
        "type": "array", "items": {"type": "string", "minLength": 1},
    },
    "ordered": {
        "description": "row order is part of the answer; the answer then needs an outer ORDER BY.",
        "type": "boolean",
    },
    "column_names": {
        "description": "ignore (compare by position) or match (case-insensitive).",
        "enum": ["ignore", "match"],
    },
    "float_digits": {
        "description": "numbers are equal when they differ by at most half a unit of this many decimals, "
                       "computed exactly (no float rounding of DECIMAL, HUGEINT or big integers).",
        "type": "integer", "minimum": 0, "maximum": 12,
    },
    "time_limit": {
        "description": "seconds an answer may run: for sql a query's wall-clock time; for a Python function "
                       "the CPU time of its own work in all, at reference speed (the reference must need at "
                       "most a fifth).",
        "type": "number", "exclusiveMinimum": 0, "maximum": 60,
    },
    "equivalent_mutants": {
        "description": "mutants of the reference (see `drill validate --mutants`) that give the reference's "
                       "result on every possible input, each with the reason.",
        "type": "array",
        "items": {
            "type": "object", "additionalProperties": False, "required": ["mutant", "why"],
            "properties": {
                "mutant": {"description": "The mutant's id as validate prints it, e.g. rank->dense_rank#1.",
                           "type": "string", "pattern": "^[a-z0-9_+<>=-]+#[1-9][0-9]*$"},
                "why": {"description": "Why no data can tell it from the reference, for a reviewer.",
                        "type": "string", "minLength": 1},
            },
        },
    },
}


class SqlKind(Kind):
    name = "sql"
    title = "SQL"
    default_topic = "sql"
    fields = FIELDS
    required = ("setup", "hints", "wrong_answers")
    min_wrong_answers = 2
    lexer = "sql"
    has_tables = True

    def judge(self, question: Question, answer: str) -> Verdict:
        from drills.judge import sql

        return sql.judge(question, answer)

    def checks(self, question: Question) -> list[tuple[str, str, str]]:
        from drills.judge import sql

        return sql.checks(question)

    def run(self, question: Question, text: str) -> Any:
        from drills.judge import sql as sql_judge
        from drills.run import QueryRun, query, shown_rows

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
        return shown_rows([name for name, _ in columns], rows, truncated)

    def does_not_run(self, question: Question, text: str, verdict: Verdict) -> str:
        from drills.run import query

        reply = query(question, text)
        if reply[0] == "refused" or (reply[0] == "error" and str(reply[1]).startswith(STATIC_ERRORS)):
            return str(reply[1])
        return ""

    def result_rows(self, question: Question, text: str, dataset: int) -> tuple[list, list] | None:
        from drills.run import query

        reply = query(question, text, dataset)
        return (reply[1], reply[2]) if reply[0] == "ok" else None

    def tables(self, question: Question, rows: int, cache: Any = None) -> list | None:
        from drills.judge.sql import describe_tables

        return describe_tables(question, sample=rows, cache=cache)

    def warm(self) -> None:
        from drills.judge.sql import runner

        runner().warm()


KIND = SqlKind()
