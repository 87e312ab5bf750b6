"""Prove a bank: every file loads, ids are unique, references pass, wrong answers fail."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from pathlib import Path

from drills import kinds
from drills.bank import bank_root, load_bank
from drills.errors import BankError, DrillError
from drills.model import Question
from drills.mutants import DrillMutants, Score
from drills.scaffold import placeholders
from drills.similar import near_duplicates


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    id: str = ""
    detail: str = ""  # lines shown under the message: a mutant's diff, data to paste

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        first, *rest = self.message.strip().splitlines() or [""]
        text = f"{loc}: {first}" + (" [...]" if rest else "")
        if self.detail:
            text += "\n" + "\n".join(f"    {line}" for line in self.detail.rstrip().splitlines())
        return text


@dataclass
class Report:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    mutation: dict[str, Score] | None = None  # per kind, with --mutants

    @property
    def ok(self) -> bool:
        return not self.problems

    def score_lines(self) -> list[str]:
        return [f"mutation score, {kind}: {s.killed} of {s.total - s.equivalent} mutants killed ({s.percent:.1f}%)"
                + (f", {s.equivalent} acknowledged as equivalent" if s.equivalent else "")
                for kind, s in (self.mutation or {}).items()]


@dataclass
class Checked:
    """What validation found in one drill."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    mutants: DrillMutants | None = None


def validate_paths(paths: Iterable[Path], context: Iterable[Path] = (), jobs: int = 1,
                   mutants: bool = False, reuse: bool = False) -> Report:
    """Validate the drills under `paths`; ids are also checked for clashes with `context` banks.

    With `mutants`, every drill's mutants are judged too: a survivor is a problem. With
    `reuse`, a drill this home already proved, unchanged since and with the same code, is
    not judged again (see drills/proofs.py); the checks of the bank as a whole always run."""
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
            other = known[q.id].path if q.id in known else None
            if other is not None and q.path is not None and other.resolve() != q.path.resolve():
                report.problems.append(Problem(str(q.path), q.line_of("id"),
                                               f"duplicate id '{q.id}', also used by {known[q.id].path}", q.id))
        everyone = {**known, **everyone}
    proofs = None
    if reuse:
        from drills.proofs import Proofs, counts

        proofs = Proofs()
    remembered: list[tuple[str, tuple[int, int, int]]] = []
    to_judge = []
    for q in bank.questions.values():
        report.checked += 1
        report.problems += _unknown_tags(q)
        left = placeholders(q.path) if q.path else []
        if left:
            report.problems.append(Problem(str(q.path), left[0], "a TODO from the template is still here; "
                                           "replace it with the drill's own text", q.id))
            continue
        entry = proofs.get(q, mutants) if proofs else None
        if entry is not None:
            report.warnings += [Problem(**w) for w in entry.get("warnings") or [] if isinstance(w, dict)]
            if mutants and (found := counts(entry["mutants"])) is not None:
                remembered.append((q.kind, found))
            continue
        to_judge.append(q)
    judged = []
    for q, checked in zip(to_judge, _judged(to_judge, jobs, mutants), strict=True):
        report.problems += checked.problems
        report.warnings += checked.warnings
        if checked.mutants is not None:
            judged.append(checked.mutants)
        if proofs is not None and not checked.problems:
            proofs.put(q, [asdict(w) for w in checked.warnings], _mutant_counts(checked.mutants, mutants))
    if proofs is not None:
        proofs.save()
    if mutants:
        from drills.mutants import Score, scores

        report.mutation = scores(judged)
        for kind, (killed, equivalent, total) in remembered:
            s = report.mutation.setdefault(kind, Score())
            s.killed, s.equivalent, s.total = s.killed + killed, s.equivalent + equivalent, s.total + total
        report.mutation = dict(sorted(report.mutation.items()))
    for match in near_duplicates(bank.questions.values(), everyone.values()):
        q = match.question
        report.warnings.append(Problem(str(q.path), q.line_of(match.field), match.message(), q.id))
    report.seconds = time.perf_counter() - start
    return report


def _mutant_counts(result: DrillMutants | None, asked: bool) -> dict | None:
    """What a pass proved of the mutants: None when they were not asked for; none to judge
    (a recall card) is a proof too."""
    if result is None:
        return {"killed": 0, "equivalent": 0, "total": 0} if asked else None
    return {"killed": sum(j.killed for j in result.judged), "equivalent": len(result.equivalent),
            "total": len(result.judged)}


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


def _judged(questions: list[Question], jobs: int, mutants: bool = False) -> Iterable[Checked]:
    """check_question for each drill, in `jobs` processes when there is enough to share.

    Most of the time goes to waiting on the judges' own processes (a too-slow wrong answer
    runs to its time limit), so a second worker process halves the wall time on two cores.
    """
    check = partial(check_question, mutants=mutants)
    if jobs <= 1 or len(questions) < 8:
        return map(check, questions)
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from drills import cache

    # spawn, not fork: each worker starts its own SQL worker and sandbox server, with this home
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start, initargs=(cache.home(), os.getpid()))
    with pool:
        return list(pool.map(check, questions, chunksize=1))


def _worker_start(home: Path, parent: int) -> None:
    """A validate worker dies with validate, however validate ends (SIGKILL included): the kernel
    kills it when its parent goes (Linux), else a thread watches for that. Its SQL worker and
    sandbox server then see their request pipes close and stop too."""
    import os
    import signal
    import threading

    from drills import cache

    cache.set_home(home)
    try:
        from drills.sandbox import libc

        libc.prctl(libc.PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError, ImportError):
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # gone before the death signal was set
        os._exit(1)


def _watch_parent(parent: int) -> None:
    import os

    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def check_question(q: Question, mutants: bool = False) -> Checked:
    """Run the reference and every listed wrong answer through the drill's own judge, then the
    kind's own checks of its data and, with `mutants`, the mutants of the reference."""
    from drills.judge import judge, kind_checks, verdicts_only

    checked = Checked()
    if kinds.of(q).self_rated:
        return checked
    path = str(q.path)
    with verdicts_only():
        try:
            verdict = judge(q, q.solution)
            if not verdict.correct:
                checked.problems.append(Problem(path, q.line_of("solution"), "the reference solution is judged "
                                                f"{verdict.outcome}: {verdict.message}", q.id))
                return checked
            for i, wrong in enumerate(q.wrong_answers, 1):
                verdict = judge(q, wrong.answer)
                where = wrong.line or q.line_of("wrong_answers")
                if wrong.slow and verdict.outcome != "timeout":
                    checked.problems.append(Problem(path, where, _not_slow(i, q, verdict), q.id))
                elif verdict.correct:
                    checked.problems.append(Problem(
                        path, where,
                        f"wrong answer {i} is judged correct; it should fail because: {wrong.why} "
                        "(fix the data or the comparison settings so it fails)", q.id))
            for severity, key, message in kind_checks(q):
                found = Problem(path, q.line_of(key), message, q.id)
                (checked.problems if severity == "problem" else checked.warnings).append(found)
        except BankError as exc:
            checked.problems.append(Problem(str(exc.path or path), exc.line, exc.message, q.id))
            return checked
        except DrillError as exc:
            checked.problems.append(Problem(path, None, str(exc), q.id))
            return checked
    if mutants and not checked.problems:
        checked.mutants = _mutants(q, checked)
    return checked


def _mutants(q: Question, checked: Checked) -> DrillMutants:
    from drills.mutants import diff, judge_mutants, killing_data, searches_data

    path = str(q.path)
    result = judge_mutants(q)
    if result.broken:
        checked.problems.append(Problem(path, q.line_of("solution"), f"no mutants: {result.broken}", q.id))
    for j in result.survivors:
        m = j.mutant
        data = killing_data(q, m)
        if data:
            found = f"data that kills it (check that it fits the prompt, then add it to extra_setups):\n{data}"
        elif searches_data(q.kind):
            found = "no small change of the drill's data kills it: if no data can, acknowledge it"
        else:
            found = "add a test on which it and the reference differ; if no input the prompt allows can, acknowledge it"
        checked.problems.append(Problem(
            path, q.line_of("solution"),
            f"mutant {m.id} survives ({m.description}): no dataset or test tells it from the reference; add one "
            "that does, or list it under equivalent_mutants with the reason none can", q.id,
            detail=f"{diff(q, m)}\n{found}"))
    for mutant_id in result.unknown_acknowledgements:
        checked.problems.append(Problem(path, q.line_of("equivalent_mutants"),
                                        f"equivalent_mutants lists {mutant_id}, which the reference has no longer; "
                                        "remove it or use the id `drill validate --mutants` prints", q.id))
    for mutant_id in result.killed_acknowledgements:
        checked.warnings.append(Problem(path, q.line_of("equivalent_mutants"),
                                        f"equivalent_mutants lists {mutant_id}, but the data kills it: it is not "
                                        "equivalent; remove it from the list", q.id))
    return result


def _not_slow(i: int, q: Question, verdict) -> str:
    used = verdict.details.get("cpu_seconds")
    took = f" after {used:.3f} s of CPU time" if isinstance(used, (int, float)) else ""
    return (f"wrong answer {i} is marked slow but was judged {verdict.outcome}{took} (time_limit {q.time_limit:g} s): "
            f"{verdict.message} Make the large tests larger, or drop `slow: true` if it fails for another reason.")


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
    if root is None or vocab is None:
        return []
    unknown = [t for t in q.tags if t not in vocab]
    if not unknown:
        return []
    close = {t: difflib.get_close_matches(t, vocab, n=1) for t in unknown}
    hints = "; ".join(f"'{t}'" + (f" (did you mean '{close[t][0]}'?)" if close[t] else "") for t in unknown)
    return [Problem(str(q.path), q.line_of("tags"),
                    f"tag {hints} is not in {root / TAGS_FILE}; use a listed tag or add it there", q.id)]


def _from_error(err: BankError) -> Problem:
    return Problem(str(err.path) if err.path else "", err.line, err.message)
