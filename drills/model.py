"""Frozen value objects shared by the bank, the judges and the commands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DIFFICULTIES = ("easy", "medium", "hard")
OUTCOMES = ("correct", "wrong", "error", "timeout", "self_rated")  # self_rated: recall cards, never judged

@dataclass(frozen=True)
class WrongAnswer:
    answer: str
    why: str
    line: int = 0
    slow: bool = False  # right values, too slow: it must be judged a timeout


@dataclass(frozen=True)
class Question:
    """One drill, as loaded from its YAML file.

    Kind-specific fields live beside the common ones with defaults, so a judge reads
    `question.setup` or `question.tests` directly; the schema guarantees which are set.
    """

    id: str
    kind: str
    title: str
    topic: str
    prompt: str
    solution: str
    difficulty: str = "medium"
    time_target: int = 120
    tags: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    explanation: str = ""
    see_also: tuple[str, ...] = ()
    wrong_answers: tuple[WrongAnswer, ...] = ()
    # sql
    setup: str = ""
    extra_setups: tuple[str, ...] = ()
    ordered: bool = False
    column_names: str = "ignore"
    float_digits: int = 6
    # sql and python: seconds an answer may run before it is a timeout
    time_limit: float = 5.0
    # sql and python: mutants of the reference that cannot be told from it, {mutant: id, why: reason}
    equivalent_mutants: tuple[Mapping[str, str], ...] = ()
    # numeric
    tolerance: float | None = None
    # python
    function: str = ""
    starter: str = ""
    tests: tuple[Mapping[str, Any], ...] = ()
    pure: bool = False
    unordered: bool = False
    # pandas: the index is part of the answer
    index: bool = False
    # where it came from: file, line of each top-level field, hash of the file's content
    path: Path | None = None
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    content_hash: str = ""

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def location(self) -> str:
        return str(self.path) if self.path else self.id


@dataclass(frozen=True)
class Verdict:
    """What a judge decided. `details` holds structured data for display and --json."""

    outcome: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    output: str = ""

    @property
    def correct(self) -> bool:
        return self.outcome == "correct"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.outcome,
            "message": self.message,
            "details": dict(self.details),
            "elapsed_ms": round(self.elapsed_ms, 3),
            "output": self.output,
        }
