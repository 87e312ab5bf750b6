"""Prove a bank: every file loads, ids are unique, references pass, wrong answers fail."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from drills.bank import bank_root, load_bank
from drills.errors import BankError, DrillError
from drills.model import Question
from drills.scaffold import placeholders
from drills.similar import near_duplicates


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    id: str = ""

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        first, *rest = self.message.strip().splitlines() or [""]
        return f"{loc}: {first}" + (" [...]" if rest else "")


@dataclass
class Report:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_paths(paths: Iterable[Path], context: Iterable[Path] = (), jobs: int = 1) -> Report:
    """Validate the drills under `paths`; ids are also checked for clashes with `context` banks."""
    start = time.perf_counter()
    paths = [Path(p) for p in paths]
    report = Report()
    bank = load_bank(paths, strict=False)
    report.problems += [_from_error(e) for e in bank.errors]
    wanted = {p.resolve() for p in paths}
    others = [c for c in context if c.resolve() not in wanted]
    everyone = dict(bank.questions)
    if others:
        known = load_bank(others, strict=False).questions
        for q in bank.questions.values():
            if q.id in known and known[q.id].path.resolve() != q.path.resolve():
                report.problems.append(Problem(str(q.path), q.line_of("id"),
                                               f"duplicate id '{q.id}', also used by {known[q.id].path}", q.id))
        everyone = {**known, **everyone}
    to_judge = []
    for q in bank.questions.values():
        report.checked += 1
        report.problems += _unknown_tags(q)
        left = placeholders(q.path) if q.path else []
        if left:
            report.problems.append(Problem(str(q.path), left[0], "a TODO from the template is still here; "
                                           "replace it with the drill's own text", q.id))
            continue
        to_judge.append(q)
    for problems in _judged(to_judge, jobs):
        report.problems += problems
    for match in near_duplicates(bank.questions.values(), everyone.values()):
        q = match.question
        report.warnings.append(Problem(str(q.path), q.line_of(match.field), match.message(), q.id))
    report.seconds = time.perf_counter() - start
    return report


def drill_paths(files: Iterable[Path], banks: Iterable[Path]) -> list[Path]:
    """The drill files among `files` that lie inside one of `banks`."""
    roots = [b.resolve() for b in banks]
    out = []
    for f in files:
        f = f.resolve()
        for root in roots:
            if f.is_file() and f.is_relative_to(root) and f.suffix in (".yaml", ".yml"):
                if not any(part.startswith((".", "_")) for part in f.relative_to(root).parts):
                    out.append(f)
                    break
    return out


def _judged(questions: list[Question], jobs: int) -> Iterable[list[Problem]]:
    """check_question for each drill, in `jobs` processes when there is enough to share.

    Most of the time goes to waiting on the judges' own processes (a too-slow wrong answer
    runs to its time limit), so a second worker process halves the wall time on two cores.
    """
    if jobs <= 1 or len(questions) < 8:
        return map(check_question, questions)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: each worker starts its own SQL worker and sandbox server
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
    with pool:
        return list(pool.map(check_question, questions, chunksize=1))


def check_question(q: Question) -> list[Problem]:
    """Run the reference and every listed wrong answer through the drill's own judge."""
    from drills.judge import judge, verdicts_only

    problems: list[Problem] = []
    path = str(q.path)
    if q.kind == "recall":
        return problems
    with verdicts_only():
        return _checked(q, judge, problems, path)


def _checked(q: Question, judge, problems: list[Problem], path: str) -> list[Problem]:
    try:
        verdict = judge(q, q.solution)
        if not verdict.correct:
            problems.append(Problem(path, q.line_of("solution"),
                                    f"the reference solution is judged {verdict.outcome}: {verdict.message}", q.id))
            return problems
        if q.kind == "sql":
            problems += _empty_datasets(q)
        for i, wrong in enumerate(q.wrong_answers, 1):
            verdict = judge(q, wrong.answer)
            if verdict.correct:
                problems.append(Problem(path, wrong.line or q.line_of("wrong_answers"),
                                        f"wrong answer {i} is judged correct; it should fail because: {wrong.why} "
                                        "(fix the data or the comparison settings so it fails)", q.id))
    except BankError as exc:
        problems.append(Problem(str(exc.path or path), exc.line, exc.message, q.id))
    except DrillError as exc:
        problems.append(Problem(path, None, str(exc), q.id))
    return problems


TAGS_FILE = "TAGS.md"


@cache
def tag_vocabulary(root: Path) -> frozenset[str] | None:
    """The `backticked` tags of a bank's TAGS.md, or None when the bank has none."""
    try:
        return frozenset(re.findall(r"`([a-z0-9][a-z0-9-]*)`", (root / TAGS_FILE).read_text("utf-8")))
    except OSError:
        return None


def _unknown_tags(q: Question) -> list[Problem]:
    root = bank_root(q.path.parent) if q.path else None
    vocab = tag_vocabulary(root) if root else None
    if vocab is None:
        return []
    unknown = [t for t in q.tags if t not in vocab]
    if not unknown:
        return []
    close = {t: difflib.get_close_matches(t, vocab, n=1) for t in unknown}
    hints = "; ".join(f"'{t}'" + (f" (did you mean '{close[t][0]}'?)" if close[t] else "") for t in unknown)
    return [Problem(str(q.path), q.line_of("tags"),
                    f"tag {hints} is not in {root / TAGS_FILE}; use a listed tag or add it there", q.id)]


def _empty_datasets(q: Question) -> list[Problem]:
    """A reference with no rows on a dataset lets an empty query pass there."""
    from drills.judge.sql import datasets, expected

    return [
        Problem(str(q.path), q.line_of("setup" if i == 0 else "extra_setups"),
                f"the reference returns no rows on dataset {i + 1}; add data so an empty result is wrong", q.id)
        for i in range(len(datasets(q))) if not expected(q, i)[2]
    ]


def _from_error(err: BankError) -> Problem:
    return Problem(str(err.path) if err.path else "", err.line, err.message)
