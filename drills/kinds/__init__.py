"""The drill kinds: each kind is one module here that declares everything drill needs to know
about it, and every command asks this registry instead of branching on a kind's name.

A kind module defines `KIND`, an instance of a `Kind` subclass: its fields and their schema
(drills/schema.json is generated from them, see drills/kinds/schema.py), its judge, how its
answer is edited, whether it has tables to show, what `:run` does, its `drill new` template
and how `drill validate` proves it. Kind modules are imported at start-up, so they import
their judges (and duckdb, the sandbox ...) only when asked to judge.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pathlib import Path

    from drills.model import Question, Verdict

NAMES = ("sql", "python", "numeric", "recall", "pandas")  # the registry's order: lists, docs and the schema
ALL_ROWS = 10_000  # `:tables` and `drill show --rows all` show every row of a drill's tables, up to this many each


class Kind:
    """What one kind of drill declares. Subclasses set the class attributes and override the
    methods that differ from these defaults."""

    name: ClassVar[str]
    title: ClassVar[str]                   # for people: "SQL", "algorithms in Python"
    default_topic: ClassVar[str]           # `drill new`: the folder a new drill of this kind goes in
    fields: ClassVar[Mapping[str, dict]] = {}  # kind-specific fields and their JSON Schema
    required: ClassVar[tuple[str, ...]] = ()   # besides the fields every drill needs
    min_wrong_answers: ClassVar[int | None] = 0  # None: the kind takes no listed wrong answers
    lexer: ClassVar[str | None] = None      # Pygments lexer of answers and references; None: plain text
    one_line: ClassVar[bool] = False        # Enter submits (else Esc Enter: answers take several lines)
    markdown_solution: ClassVar[bool] = False  # the reference is prose, shown as Markdown
    self_rated: ClassVar[bool] = False      # never judged: people rate their own recall
    timed: ClassVar[bool] = True            # may appear in a timed mock round
    has_tables: ClassVar[bool] = False      # the drill's `setup` tables are shown with it (`:tables`)
    sandboxed: ClassVar[bool] = False       # answers run in the sandbox (drills/sandbox)

    def judge(self, question: Question, answer: str) -> Verdict:
        raise NotImplementedError

    def checks(self, question: Question) -> Iterable[tuple[str, str, str]]:
        """(severity, field, message): the kind's own checks of a drill's data for validate."""
        return ()

    def starter(self, question: Question) -> str:
        """What the answer editor opens with."""
        return ""

    @property
    def runnable(self) -> bool:
        """Whether `:run` does something for this kind (see drills/run.py)."""
        return type(self).run is not Kind.run

    def run(self, question: Question, text: str) -> Any:
        """`:run`: the answer tried for a look, not judged; None when there is nothing to run."""
        return None

    def does_not_run(self, question: Question, text: str, verdict: Verdict) -> str:
        """Why an answer judged `error` never ran, or '' when it ran and failed on the data."""
        return ""

    def tables(self, question: Question, rows: int, cache: Any = None) -> list | None:
        """The drill's tables with their first `rows` rows, for kinds that have tables."""
        return None

    def result_rows(self, question: Question, text: str, dataset: int) -> tuple[list, list] | None:
        """(columns as (name, type) pairs, rows) that `text` returns on one dataset, for the
        aligned grids under a wrong verdict (drills/rowdiff.py); None when it has no rows."""
        return None

    def warm(self) -> None:
        """Start what judging will need (a worker, the sandbox) before the first answer."""

    def template(self) -> str:
        from importlib import resources

        return (resources.files("drills") / "templates" / f"{self.name}.yaml").read_text("utf-8")


@cache
def _load(name: str) -> Kind:
    return importlib.import_module(f"drills.kinds.{name}").KIND


def get(name: str) -> Kind:
    """The kind called `name`; a DrillError for a kind this version of drill does not know."""
    if name not in NAMES:
        from drills.errors import DrillError

        raise DrillError(f"this version of drill has no judge for {name} drills; upgrade drill")
    return _load(name)


def of(question: Question) -> Kind:
    return get(question.kind)


def table_reader(folder: Path | None) -> Callable[..., list]:
    """The tables of a drill with their first `rows` rows, described once and cached in `folder`."""

    def describe(q: Question, rows: int | None = None) -> list:
        from drills.judge.sql import SHOW_ROWS

        return of(q).tables(q, rows or SHOW_ROWS, folder) or []

    return describe


def all_kinds() -> list[Kind]:
    return [get(n) for n in NAMES]


def with_lexer(lexer_kind: str) -> str | None:
    """The lexer of a kind given by name, or None for an unknown or plain kind (old reports)."""
    return get(lexer_kind).lexer if lexer_kind in NAMES else None


def prose_solution(kind_name: str) -> bool:
    """Whether a kind's reference is prose (Markdown) rather than code or a value."""
    return kind_name in NAMES and get(kind_name).markdown_solution
