"""Recall drills have no judge: the model answer is shown and the user's own rating stands."""

from __future__ import annotations

from drills.model import Question, Verdict


def judge(question: Question, answer: str) -> Verdict:
    """Never `correct` or `wrong`: nothing compares the answer; the person rates it against the model answer."""
    return Verdict(
        "self_rated",
        "Recall cards have no judge: compare your answer with the model answer and rate yourself.",
        {"model_answer": question.solution, "self_rated": True},
    )
