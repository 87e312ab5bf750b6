"""Recall drills have no judge: the model answer is shown and the user's own rating stands."""

from __future__ import annotations

from drills.model import Question, Verdict


def judge(question: Question, answer: str) -> Verdict:
    return Verdict(
        "correct" if answer.strip() else "wrong",
        "Compare your answer with the model answer below and rate yourself.",
        {"model_answer": question.solution, "self_rated": True},
    )
