"""Judges, one module per drill kind, behind `judge(question, answer) -> Verdict`.

Adding a kind is one module here with a `judge` function plus its branch in schema.json.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from drills.errors import DrillError
from drills.model import KINDS, Question, Verdict

_explaining: ContextVar[bool] = ContextVar("explaining", default=True)


def explaining() -> bool:
    """Whether a judge should spend time explaining a wrong answer (a counterexample, say)."""
    return _explaining.get()


@contextmanager
def verdicts_only() -> Iterator[None]:
    """Judge without explanations: validation and mutants need only the outcome."""
    token = _explaining.set(False)
    try:
        yield
    finally:
        _explaining.reset(token)


def judge(question: Question, answer: str) -> Verdict:
    """Judge `answer` to `question` with the module named after the question's kind."""
    if question.kind not in KINDS:
        raise DrillError(f"drill {question.id} has kind '{question.kind}', which this drill cannot judge")
    try:
        module = importlib.import_module(f"drills.judge.{question.kind}")
    except ModuleNotFoundError as exc:
        if exc.name != f"drills.judge.{question.kind}":
            raise
        raise DrillError(f"this version of drill has no judge for {question.kind} drills; upgrade drill") from None
    start = time.perf_counter()
    verdict = module.judge(question, answer)
    if not verdict.elapsed_ms:
        elapsed = (time.perf_counter() - start) * 1000
        verdict = Verdict(verdict.outcome, verdict.message, verdict.details, elapsed, verdict.output)
    return verdict


def kind_checks(question: Question) -> list[tuple[str, str, str]]:
    """(severity, field, message) from the kind's own checks of a drill's data, if it has any:
    severity is "problem" or "warning", field the drill field the message is about."""
    module = importlib.import_module(f"drills.judge.{question.kind}")
    checks = getattr(module, "checks", None)
    return list(checks(question)) if checks else []
