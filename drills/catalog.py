"""Selecting and counting drills: the filters `list` and later commands share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from drills.model import DIFFICULTIES, Question


def select(questions: Iterable[Question], topics: Sequence[str] = (), tags: Sequence[str] = (),
           kinds: Sequence[str] = (), difficulties: Sequence[str] = ()) -> list[Question]:
    """Drills matching every given filter (any value within one filter), in a stable order."""
    out = [
        q for q in questions
        if (not topics or q.topic in topics)
        and (not tags or any(t in q.tags for t in tags))
        and (not kinds or q.kind in kinds)
        and (not difficulties or q.difficulty in difficulties)
    ]
    return sorted(out, key=lambda q: (q.topic, DIFFICULTIES.index(q.difficulty), q.id))


def counts(questions: Iterable[Question]) -> dict[str, dict[str, int]]:
    qs = list(questions)
    tags = Counter(t for q in qs for t in q.tags)
    return {
        "total": {"drills": len(qs)},
        "topic": dict(sorted(Counter(q.topic for q in qs).items())),
        "kind": dict(sorted(Counter(q.kind for q in qs).items())),
        "difficulty": {d: n for d in DIFFICULTIES if (n := sum(q.difficulty == d for q in qs))},
        "tag": dict(sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
