"""Recall cards: a question and a model answer; people rate their own recall."""

from __future__ import annotations

from drills.kinds import Kind
from drills.model import Question, Verdict


class RecallKind(Kind):
    name = "recall"
    title = "recall cards"
    default_topic = "concepts"
    min_wrong_answers = None
    markdown_solution = True
    self_rated = True
    timed = False  # self-rated: not for a timed round

    def judge(self, question: Question, answer: str) -> Verdict:
        from drills.judge import recall

        return recall.judge(question, answer)


KIND = RecallKind()
