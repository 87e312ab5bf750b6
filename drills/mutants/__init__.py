"""Mutation testing of drills: small rewrites of the reference that the drill's data must reject.

A mutant is the reference with one plausible mistake in it (RANK for DENSE_RANK, `<` for
`<=`, a dropped PARTITION BY ...). It is *killed* when the drill's own judge does not say
"correct" to it, and *survives* when it passes every dataset or test: then the data lets
that mistake through, unless the drill acknowledges the mutant as equivalent with a reason.

Each kind with mutants has a module here, `drills.mutants.<kind>`, with
`mutants(question) -> list[Mutant]`; it may also offer `baseline(question) -> str` (the
reference written the way its mutants are, so a diff shows only the change) and
`killing_data(question, mutant) -> str | None` (data on which the mutant fails). Judging,
acknowledgements and scores are the same for every kind and live here.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from drills.model import Question


@dataclass(frozen=True)
class Mutant:
    # stable id "<operator>#<n>": n = 1-based occurrence of that operator in the reference, in syntax-tree pre-order
    id: str
    operator: str  # short name, e.g. "rank->dense_rank", "drop-partition-by", "lt->le"
    description: str  # one line for people
    source: str  # the mutated reference: a complete answer text


def _module(kind: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"drills.mutants.{kind}")
    except ModuleNotFoundError as exc:
        if exc.name != f"drills.mutants.{kind}":
            raise
        return None


def mutants_for(question: Question) -> list[Mutant]:
    """The mutants of a drill's reference; [] for kinds without a mutants module."""
    module = _module(question.kind)
    return module.mutants(question) if module else []


def has_mutants(kind: str) -> bool:
    return _module(kind) is not None


@dataclass(frozen=True)
class Judged:
    """What the drill's judge made of one mutant."""

    mutant: Mutant
    outcome: str  # a verdict outcome, or "raised" when judging it raised
    message: str
    acknowledged: str | None = None  # the drill's reason when it lists the mutant as equivalent

    @property
    def killed(self) -> bool:
        return self.outcome != "correct"

    @property
    def survivor(self) -> bool:
        """A mutant that passes and that the drill does not explain."""
        return not self.killed and self.acknowledged is None


@dataclass
class DrillMutants:
    """The mutants of one drill and what became of each."""

    question: Question
    judged: list[Judged] = field(default_factory=list)
    unknown_acknowledgements: list[str] = field(default_factory=list)  # ids no mutant has
    killed_acknowledgements: list[str] = field(default_factory=list)  # listed as equivalent, yet killed
    broken: str = ""  # why the mutants could not be made or judged

    @property
    def survivors(self) -> list[Judged]:
        return [j for j in self.judged if j.survivor]

    @property
    def equivalent(self) -> list[Judged]:
        return [j for j in self.judged if not j.killed and j.acknowledged is not None]


def judge_mutants(question: Question, mutants: Iterable[Mutant] | None = None) -> DrillMutants:
    """Judge every mutant of the drill through its own judge, without explanations."""
    from drills.errors import DrillError
    from drills.judge import judge, verdicts_only

    result = DrillMutants(question)
    try:
        mutants = list(mutants_for(question) if mutants is None else mutants)
    except DrillError as exc:
        result.broken = str(exc)
        return result
    acknowledged = {a["mutant"]: a["why"] for a in question.equivalent_mutants}
    with verdicts_only():
        for mutant in mutants:
            try:
                verdict = judge(question, mutant.source)
                outcome, message = verdict.outcome, verdict.message
            except Exception as exc:  # noqa: BLE001 - a mutant that breaks the judge is not correct
                outcome, message = "raised", f"{type(exc).__name__}: {exc}"
            result.judged.append(Judged(mutant, outcome, message, acknowledged.get(mutant.id)))
    ids = {m.id for m in mutants}
    result.unknown_acknowledgements = [m for m in acknowledged if m not in ids]
    result.killed_acknowledgements = [j.mutant.id for j in result.judged if j.killed and j.acknowledged]
    return result


def diff(question: Question, mutant: Mutant) -> str:
    """A unified diff from the reference (as the mutants write it) to the mutant."""
    module = _module(question.kind)
    base = module.baseline(question) if module and hasattr(module, "baseline") else question.solution
    lines = difflib.unified_diff(base.rstrip().splitlines(), mutant.source.rstrip().splitlines(),
                                 "reference", mutant.id, lineterm="", n=1)
    return "\n".join(lines)


def searches_data(kind: str) -> bool:
    """Whether the kind looks for data that kills a survivor (`killing_data`)."""
    module = _module(kind)
    return module is not None and hasattr(module, "killing_data")


def killing_data(question: Question, mutant: Mutant) -> str | None:
    """Data on which the mutant fails, when the kind knows how to look for it."""
    if not searches_data(question.kind):
        return None
    return _module(question.kind).killing_data(question, mutant)  # type: ignore[union-attr]


@dataclass
class Score:
    killed: int = 0
    equivalent: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        """Killed among the mutants that can be killed (all but the acknowledged equivalent ones)."""
        live = self.total - self.equivalent
        return 100.0 if live == 0 else 100.0 * self.killed / live

    def to_dict(self) -> dict[str, Any]:
        return {"killed": self.killed, "equivalent": self.equivalent, "total": self.total,
                "score": round(self.percent, 1)}


def scores(results: Iterable[DrillMutants]) -> dict[str, Score]:
    """The mutation score per drill kind."""
    out: dict[str, Score] = {}
    for r in results:
        if not r.judged:
            continue
        s = out.setdefault(r.question.kind, Score())
        s.total += len(r.judged)
        s.killed += sum(j.killed for j in r.judged)
        s.equivalent += len(r.equivalent)
    return dict(sorted(out.items()))
