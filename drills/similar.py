"""Near-duplicate drills: a prompt or solution very close to another drill's."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from drills.model import Question

PROMPT_THRESHOLD = 0.6
SOLUTION_THRESHOLD = 0.85
MIN_SHINGLES = 8
_WORD = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class Match:
    question: Question
    other: Question
    field: str
    score: float

    def message(self) -> str:
        return (f"warning: the {self.field} is {self.score:.0%} similar to {self.other.id} ({self.other.path}); "
                "make sure this drill is not a copy")


def shingles(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return frozenset(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicates(candidates: Iterable[Question], everyone: Iterable[Question]) -> list[Match]:
    """Each candidate's closest match above a threshold, compared with every other drill."""
    pool = [(q, shingles(q.prompt), shingles(q.solution)) for q in everyone]
    matches = []
    for q in candidates:
        qp, qs = shingles(q.prompt), shingles(q.solution)
        best: Match | None = None
        for other, op, os_ in pool:
            if other.id == q.id:
                continue
            for field, score, limit in (("prompt", jaccard(qp, op), PROMPT_THRESHOLD),
                                        ("solution", jaccard(qs, os_), SOLUTION_THRESHOLD)):
                if score >= limit and (best is None or score > best.score):
                    best = Match(q, other, field, score)
        if best:
            matches.append(best)
    return matches
