"""Python drills: a function run in the sandbox on the drill's tests, judged by what it returns."""

from __future__ import annotations

from typing import Any

from drills.kinds import Kind
from drills.kinds import sql as sql_kind
from drills.model import Question, Verdict

FIELDS: dict[str, dict] = {
    "function": {
        "description": "the function the judge calls.",
        "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
    },
    "starter": {"description": "what the answer editor opens with.", "type": "string"},
    "tests": {
        "description": "args + expected, or args_code (an expression building the args) whose expected comes "
                       "from the reference.",
        "type": "array", "minItems": 1,
        "items": {
            "type": "object", "additionalProperties": False,
            "properties": {"args": {"type": "array"}, "args_code": {"type": "string", "minLength": 1},
                           "expected": {}},
            "oneOf": [{"required": ["args"]}, {"required": ["args_code"]}],
            "if": {"required": ["args"]}, "then": {"required": ["expected"]},
        },
    },
    "pure": {"description": "mutating an input argument is wrong.", "type": "boolean"},
    "unordered": {"description": "a returned list compares as a multiset.", "type": "boolean"},
}


class SandboxedKind(Kind):
    """A kind whose answer is a Python function run in the sandbox."""

    lexer = "python"
    sandboxed = True

    def starter(self, question: Question) -> str:
        return question.starter

    def warm(self) -> None:
        from drills import sandbox

        sandbox.warm()


class PythonKind(SandboxedKind):
    name = "python"
    title = "Python functions (algorithms, ML)"
    default_topic = "algorithms"
    fields = {**{k: sql_kind.FIELDS[k] for k in ("float_digits", "time_limit", "equivalent_mutants")}, **FIELDS}
    required = ("function", "starter", "tests", "hints", "wrong_answers")
    min_wrong_answers = 2

    def judge(self, question: Question, answer: str) -> Verdict:
        from drills.judge import python

        return python.judge(question, answer)

    def checks(self, question: Question) -> list[tuple[str, str, str]]:
        from drills.judge import python

        return python.checks(question)

    def run(self, question: Question, text: str) -> Any:
        from drills.run import run_python

        return run_python(question, text)

    def does_not_run(self, question: Question, text: str, verdict: Verdict) -> str:
        from drills import sandbox
        from drills.run import load_problem

        return load_problem(question, sandbox.run(text, question.function, [], time_limit=question.time_limit))


KIND = PythonKind()
