"""Near-duplicate drills: a prompt or solution very close to another drill's, or the same answer
to a question with the same numbers however it is worded."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from drills.model import Question

PROMPT_THRESHOLD = 0.6
SOLUTION_THRESHOLD = 0.85
MIN_SHINGLES = 8
_WORD = re.compile(r"[a-z0-9_]+")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?%?")
MIN_NUMBERS = 2  # "a fair die" alone is not a question; two numbers and the same answer are


@dataclass(frozen=True)
class Match:
    question: Question
    other: Question
    field: str
    score: float

    def message(self) -> str:
        if self.field == "answer":
            return (f"warning: the answer and the prompt's numbers are those of {self.other.id} ({self.other.path}); "
                    "make sure this drill does not ask the same question in other words")
        return (f"warning: the {self.field} is {self.score:.0%} similar to {self.other.id} ({self.other.path}); "
                "make sure this drill is not a copy")


def shingles(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return frozenset(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return 0.0
    return len(a & b) / len(a | b)


def question_key(q: Question) -> tuple | None:
    """The prompt's numbers (in order) and the answer's exact value, for answers that are one
    number; None for anything else."""
    from drills.errors import AnswerError
    from drills.judge.numeric import Interval, parse

    numbers = tuple(_NUMBER.findall(q.prompt))
    if len(numbers) < MIN_NUMBERS or len(q.solution) > 200:
        return None
    try:
        value = parse(q.solution).value
    except AnswerError:
        return None
    if isinstance(value, Interval):
        return numbers, (round(value.lo, 9), round(value.hi, 9))
    return numbers, value


def near_duplicates(candidates: Iterable[Question], everyone: Iterable[Question]) -> list[Match]:
    """Each candidate's closest match above a threshold, compared with every other drill."""
    pool = [(q, shingles(q.prompt), shingles(q.solution), question_key(q)) for q in everyone]
    matches = []
    for q in candidates:
        qp, qs, qk = shingles(q.prompt), shingles(q.solution), question_key(q)
        best: Match | None = None
        for other, op, os_, ok in pool:
            if other.id == q.id:
                continue
            for field, score, limit in (("prompt", jaccard(qp, op), PROMPT_THRESHOLD),
                                        ("solution", jaccard(qs, os_), SOLUTION_THRESHOLD),
                                        ("answer", float(qk is not None and qk == ok), 1.0)):
                if score >= limit and (best is None or score > best.score):
                    best = Match(q, other, field, score)
        if best:
            matches.append(best)
    return matches
