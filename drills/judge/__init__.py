"""Judges, one module per drill kind, behind `judge(question, answer) -> Verdict`.

Adding a kind is one module here with a `judge` function plus its branch in schema.json.
"""

from __future__ import annotations

import importlib
import time

from drills.model import Question, Verdict


def judge(question: Question, answer: str) -> Verdict:
    """Judge `answer` to `question` with the module named after the question's kind."""
    module = importlib.import_module(f"drills.judge.{question.kind}")
    start = time.perf_counter()
    verdict = module.judge(question, answer)
    if not verdict.elapsed_ms:
        elapsed = (time.perf_counter() - start) * 1000
        verdict = Verdict(verdict.outcome, verdict.message, verdict.details, elapsed, verdict.output)
    return verdict
