"""What a judged mock round reports, as typed figures for the terminal, the HTML page and the store.

The store and export files hold a report as JSON: `RoundReport.to_dict` writes it and
`RoundReport.from_dict` reads it back, reports written by earlier versions too (they lack
`not_attempted` and each drill's `kind` and `answer`). A leaf module, so export checks and
renderers can use it without loading the session and the store.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from drills.model import Question, Verdict

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

UNANSWERED = "unanswered"


@dataclass(frozen=True, slots=True, kw_only=True)
class DrillResult:
    """One drill of the round. The reference and explanation are kept only for a drill missed."""

    id: str
    title: str
    topic: str
    tags: list[str]
    outcome: str  # a verdict's outcome, or "unanswered"
    message: str
    seconds: float
    target: float
    solution: str | None
    explanation: str | None
    see_also: list[str]
    kind: str = ""  # "" in reports written before kinds were recorded
    answer: str | None = None

    @property
    def correct(self) -> bool:
        return self.outcome == "correct"

    @property
    def slow(self) -> bool:
        """Answered, and over the drill's target time."""
        return self.outcome != UNANSWERED and self.seconds > self.target


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicScore:
    correct: int
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TagAdvice:
    """A tag the round went worst on: what to read and how to practise it."""

    tag: str
    correct: int
    total: int
    read: list[str]
    practise: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendPoint:
    id: int
    started_at: str
    score: float
    seconds_per_drill: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotAttempted:
    """A drill of a round quit early that was never answered: named, not counted or revealed."""

    id: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundReport:
    round: int
    started_at: str
    minutes: float
    used_s: float
    correct: int
    answered: int
    total: int
    score: float  # percent of the drills reported
    seconds_per_drill: float | None
    not_attempted: list[NotAttempted] = field(default_factory=list)
    per_topic: dict[str, TopicScore]
    drills: list[DrillResult]
    weakest_tags: list[TagAdvice]
    trend: list[TrendPoint]  # earlier rounds with an answer, then this one if it has any

    @property
    def missed(self) -> list[DrillResult]:
        return [d for d in self.drills if not d.correct]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form the store and export files hold."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundReport:
        """A report from the store or an export file, checked against REPORT_SCHEMA where it came
        from outside. Keys this version does not know are ignored."""
        return _made(cls, data,
                     not_attempted=[_made(NotAttempted, d) for d in data.get("not_attempted", [])],
                     per_topic={topic: _made(TopicScore, s) for topic, s in data["per_topic"].items()},
                     drills=[_made(DrillResult, d) for d in data["drills"]],
                     weakest_tags=[_made(TagAdvice, w) for w in data["weakest_tags"]],
                     trend=[_made(TrendPoint, t) for t in data["trend"]])


T = TypeVar("T", bound="DataclassInstance")


def _made(cls: type[T], data: Mapping[str, Any], **parts: Any) -> T:
    """An instance of `cls` from the keys of `data` it has fields for (`parts` given already made);
    a ValueError names a field that is required and missing."""
    values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
    values.update(parts)
    for f in fields(cls):
        if f.name not in values and f.default is MISSING and f.default_factory is MISSING:
            raise ValueError(f"a mock round report without {f.name!r}")
    return cls(**values)


def build(row: Mapping[str, Any], results: Sequence[tuple[Question, Verdict | None, float, str | None]],
          history: Sequence[Mapping[str, Any]], untouched: Sequence[NotAttempted] = ()) -> RoundReport:
    """The report of round `row` (as the store holds it) from each drill's verdict (None: not
    answered), seconds and answer; `history` is every round (as `Store.rounds` lists them), for
    the trend."""
    drills: list[DrillResult] = []
    per_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q, verdict, seconds, answer in results:
        outcome = verdict.outcome if verdict else UNANSWERED
        ok = outcome == "correct"
        per_topic[q.topic][0] += ok
        per_topic[q.topic][1] += 1
        for tag in q.tags:
            per_tag[tag][0] += ok
            per_tag[tag][1] += 1
        drills.append(DrillResult(
            id=q.id, title=q.title, topic=q.topic, tags=list(q.tags), outcome=outcome,
            message=verdict.message if verdict else "Not answered.", seconds=round(seconds, 1),
            target=q.time_target, solution=q.solution if not ok else None,
            explanation=q.explanation if not ok else None, see_also=list(q.see_also), kind=q.kind, answer=answer))
    correct = sum(d.correct for d in drills)
    answered = sum(d.outcome != UNANSWERED for d in drills)
    missed_tags = [t for t, (c, n) in per_tag.items() if c < n]
    weakest = sorted(missed_tags, key=lambda t: (per_tag[t][0] / per_tag[t][1], -per_tag[t][1], t))[:3]
    weak = []
    for tag in weakest:
        reading: list[str] = []
        for d in drills:
            if tag in d.tags and not d.correct:
                reading += [link for link in d.see_also if link not in reading]
        weak.append(TagAdvice(tag=tag, correct=per_tag[tag][0], total=per_tag[tag][1], read=reading[:3],
                              practise=f"drill cram --tag {tag}"))
    trend = []
    for r in history:
        earlier = RoundReport.from_dict(r["report"]) if r["status"] == "finished" and r["report"] else None
        if earlier is not None and r["id"] != row["id"] and earlier.answered > 0:
            # a round with no answer says nothing about progress
            trend.append(TrendPoint(id=r["id"], started_at=r["started_at"], score=earlier.score,
                                    seconds_per_drill=earlier.seconds_per_drill))
    timed = [d.seconds for d in drills if d.outcome != UNANSWERED]
    score = round(100 * correct / len(drills), 1) if drills else 0.0
    now = TrendPoint(id=row["id"], started_at=row["started_at"], score=score,
                     seconds_per_drill=round(statistics.mean(timed), 1) if timed else None)
    if answered:
        trend.append(now)
    return RoundReport(
        round=row["id"], started_at=row["started_at"], minutes=row["minutes"],
        used_s=round(min(row["used_s"], row["minutes"] * 60), 1),
        correct=correct, answered=answered, total=len(drills), score=score,
        seconds_per_drill=now.seconds_per_drill, not_attempted=list(untouched),
        per_topic={t: TopicScore(correct=c, total=n) for t, (c, n) in sorted(per_topic.items())},
        drills=drills, weakest_tags=weak, trend=trend)


_COUNT = {"type": "integer", "minimum": 0, "maximum": 10_000}
_SECONDS = {"type": "number", "minimum": 0, "maximum": 10_000_000}
_TEXT = {"type": "string", "maxLength": 1_000_000}
_TEXTS = {"type": "array", "items": {"type": "string", "maxLength": 10_000}}
# What a round's report holds, for reading one back from an export file: the renderers trust it.
REPORT_SCHEMA: dict = {
    "type": "object",
    "required": ["round", "started_at", "minutes", "used_s", "correct", "answered", "total", "score",
                 "seconds_per_drill", "per_topic", "drills", "weakest_tags", "trend"],
    "properties": {
        "round": {"type": "integer"}, "started_at": {"type": "string", "maxLength": 64},
        "minutes": {"type": "number", "minimum": 0, "maximum": 600}, "used_s": _SECONDS,
        "correct": _COUNT, "answered": _COUNT, "total": _COUNT,
        "score": {"type": "number", "minimum": 0, "maximum": 100},
        "seconds_per_drill": {"type": ["number", "null"], "minimum": 0},
        "per_topic": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["correct", "total"], "properties": {"correct": _COUNT, "total": _COUNT}}},
        "drills": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "title", "topic", "tags", "outcome", "message", "seconds", "target", "solution",
                         "explanation", "see_also"],
            "properties": {
                "id": {"type": "string", "maxLength": 200}, "title": {"type": "string", "maxLength": 1000},
                "topic": {"type": "string", "maxLength": 200}, "tags": _TEXTS,
                "outcome": {"enum": ["correct", "wrong", "error", "timeout", UNANSWERED]},
                "message": _TEXT, "seconds": _SECONDS, "target": _SECONDS,
                "solution": {"type": ["string", "null"], "maxLength": 1_000_000},
                "explanation": {"type": ["string", "null"], "maxLength": 1_000_000},
                "answer": {"type": ["string", "null"], "maxLength": 1_000_000}, "see_also": _TEXTS,
                "kind": {"type": "string", "maxLength": 20}}}},
        "not_attempted": {"type": "array", "items": {
            "type": "object", "required": ["id", "title"],
            "properties": {"id": {"type": "string", "maxLength": 200},
                           "title": {"type": "string", "maxLength": 1000}}}},
        "weakest_tags": {"type": "array", "items": {
            "type": "object", "required": ["tag", "correct", "total", "read", "practise"],
            "properties": {"tag": {"type": "string", "maxLength": 200}, "correct": _COUNT, "total": _COUNT,
                           "read": _TEXTS, "practise": {"type": "string", "maxLength": 1000}}}},
        "trend": {"type": "array", "items": {
            "type": "object", "required": ["id", "started_at", "score", "seconds_per_drill"],
            "properties": {"id": {"type": "integer"}, "started_at": {"type": "string", "maxLength": 64},
                           "score": {"type": "number", "minimum": 0, "maximum": 100},
                           "seconds_per_drill": {"type": ["number", "null"], "minimum": 0}}}},
    },
}
