"""Judges, one module per drill kind, behind `judge(question, answer) -> Verdict`.

Each kind's module under drills/kinds/ says which judge it uses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from drills import kinds
from drills.model import Question, Verdict

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
    """Judge `answer` to `question` with the judge of the question's kind."""
    kind = kinds.of(question)
    start = time.perf_counter()
    verdict = kind.judge(question, answer)
    if not verdict.elapsed_ms:
        elapsed = (time.perf_counter() - start) * 1000
        verdict = Verdict(verdict.outcome, verdict.message, verdict.details, elapsed, verdict.output)
    return verdict


def kind_checks(question: Question) -> list[tuple[str, str, str]]:
    """(severity, field, message) from the kind's own checks of a drill's data, if it has any:
    severity is "problem" or "warning", field the drill field the message is about."""
    return list(kinds.of(question).checks(question))
