"""`drill mock`: timed rounds like a technical screen, saved as they go, judged into a report at the end."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, Protocol

from drills import commands, kinds
from drills import scheduler as sched
from drills.catalog import select
from drills.clock import Clock, iso, utc_now
from drills.errors import BankError, DrillError, StoreError
from drills.model import Question, Verdict
from drills.report import NotAttempted, RoundReport, build
from drills.session import Drilling
from drills.store import Review, Schedule, Store

UNSEEN_SHARE = 1 / 3
HEARTBEAT_S = 5  # how often the time used is saved while an answer is typed


def plan_round(questions: Mapping[str, Question], store: Store, settings: sched.Settings, now: dt.datetime,
               minutes: float = 30, count: int | None = None, topics: Sequence[str] = (),
               tags: Sequence[str] = (), difficulties: Sequence[str] = (), seed: int | None = None) -> list[str]:
    """Weakest drills first (lowest retrievability, most lapses) with a share never seen, topics
    taking turns, fitted to the minutes given (or `count` drills)."""
    timed = [k.name for k in kinds.all_kinds() if k.timed]  # recall cards are self-rated: not for a timed round
    pool = select(questions.values(), topics, tags, timed, difficulties)
    if not pool:
        raise DrillError("no drills match those filters for a mock round (recall cards are left out); "
                         "see `drill list`")
    rng = random.Random(seed)
    cards = {q.id: c for q in pool if (c := store.history.card(q.id)) is not None}
    recall = sched.retrievabilities(cards, now, settings)
    lapses = store.history.failures()
    seen = [q for q in pool if q.id in cards]
    unseen = [q for q in pool if q.id not in cards]
    rng.shuffle(seen)
    rng.shuffle(unseen)
    seen.sort(key=lambda q: (recall[q.id] - 0.05 * lapses.get(q.id, 0)))
    ordered: list[Question] = []
    while seen or unseen:  # two weak drills for each unseen one
        take_unseen = unseen and (not seen or len(ordered) % 3 == 2 or rng.random() < UNSEEN_SHARE / 3)
        ordered.append((unseen if take_unseen else seen).pop(0))
    lanes: dict[str, list[Question]] = defaultdict(list)
    for q in ordered:
        lanes[q.topic].append(q)
    mixed: list[Question] = []
    order = sorted(lanes, key=lambda t: ordered.index(lanes[t][0]))
    while any(lanes.values()):
        for topic in order:
            if lanes[topic]:
                mixed.append(lanes[topic].pop(0))
    budget = minutes * 60
    chosen: list[str] = []
    used = 0
    for q in mixed:
        if count is not None and len(chosen) >= count:
            break
        if count is None and used + q.time_target > budget:
            continue
        chosen.append(q.id)
        used += q.time_target
    return chosen or [mixed[0].id]


class MockUI(Protocol):
    def notice(self, text: str) -> None: ...
    def mock_overview(self, questions: list[Question], minutes: float, left_s: float, resumed: bool,
                      feedback: bool = False) -> None: ...
    def mock_question(self, q: Question, tables: list | None, index: int, total: int, left_s: float,
                      previous: str | None) -> None: ...
    def mock_answer(self, q: Question, previous: str | None, seconds_left: Callable[[], float]) -> str | None: ...
    def mock_confirm_quit(self) -> bool: ...
    def mock_all_answered(self, left_s: float) -> int | str | None: ...
    def mock_feedback(self, q: Question, verdict: Verdict) -> None: ...
    def show_run(self, q: Question, result: Any) -> None: ...
    def show_tables(self, q: Question, tables: list) -> None: ...


class MockRound(Drilling):
    """One round: shows drills, saves each answer with the time used, judges at the end."""

    def __init__(self, questions: Mapping[str, Question], store: Store, ui: MockUI, settings: sched.Settings,
                 round_id: int, clock: Clock = utc_now, judge: Callable[[Question, str], Verdict] | None = None,
                 tables: Callable[[Question], list] | None = None):
        super().__init__(questions, store, ui, settings, clock, judge, tables)
        row = store.rounds.get(round_id)
        if row is None:
            raise DrillError(f"no mock round {round_id}")
        self.row: dict = row
        self.id = round_id
        self.ids = [d for d in self.row["drill_ids"] if d in questions]
        self.answers: dict[str, dict] = dict(self.row["answers"])
        self.spent = {d: a["seconds"] for d, a in self.answers.items()}  # time on each drill, every visit
        self.feedback = self.row["options"].get("feedback") == "now"
        self.drafts: dict[str, str | None] = {}  # text kept above a command, shown on the next visit
        self.started = self._saved_at = self.clock()
        self.used_before = self.row["used_s"]

    def used(self) -> float:
        return self.used_before + (self.clock() - self.started).total_seconds()

    def left(self) -> float:
        return self.row["minutes"] * 60 - self.used()

    def _left_saving(self) -> float:
        """The seconds left, as the editor's countdown asks for them each second; the time used is
        saved every few seconds meanwhile, so a round killed mid-answer resumes with that time
        counted (at most HEARTBEAT_S is given back)."""
        if (self.clock() - self._saved_at).total_seconds() >= HEARTBEAT_S:
            self._save_used()
        return self.left()

    def _save_used(self) -> None:
        self._saved_at = self.clock()
        try:
            self.store.rounds.set_used(self.id, min(self.used(), self.row["minutes"] * 60))
        except StoreError:
            pass  # the answer's own save says so, when it is submitted

    def run(self) -> RoundReport:
        """Ask until time is up, every drill is answered and the user is done, or they quit."""
        qs = [self.questions[d] for d in self.ids]
        self.ui.mock_overview(qs, self.row["minutes"], self.left(), resumed=bool(self.row["answers"]),
                              feedback=self.feedback)
        queue = [d for d in self.ids if d not in self.answers]
        quit_early = False
        try:
            while self.left() > 0:
                if not queue:
                    choice = self.ui.mock_all_answered(self.left())
                    if self.left() <= 0 or choice in (None, "done"):
                        break
                    if choice == "quit":
                        if self.ui.mock_confirm_quit():
                            break
                        continue
                    queue = [self.ids[choice - 1]]
                    continue
                drill_id = queue.pop(0)
                outcome = self._visit(drill_id)
                if outcome == "quit":
                    if self.ui.mock_confirm_quit():
                        quit_early = True
                        break
                    queue.insert(0, drill_id)
                elif outcome == "skip":
                    queue.append(drill_id)
                elif isinstance(outcome, int):
                    if drill_id not in self.answers:
                        queue.append(drill_id)
                    target = self.ids[outcome - 1]
                    queue = [target] + [d for d in queue if d != target]
        except KeyboardInterrupt:
            # Ctrl-C: everything typed so far is saved; the round can be resumed
            self.store.rounds.set_used(self.id, self.used())
            raise
        self.store.rounds.set_used(self.id, min(self.used(), self.row["minutes"] * 60))
        if self.left() <= 0:
            self.ui.notice("Time is up.")
            quit_early = False
        return finish(self.questions, self.store, self.settings, self.id, self.clock(), self.judge,
                      quit_early=quit_early)

    def _visit(self, drill_id: str) -> Any:
        q = self.questions[drill_id]
        previous = self.answers.get(drill_id, {}).get("answer")
        try:
            tables = self.tables(q) if kinds.of(q).has_tables else None
        except BankError as exc:
            self.ui.notice(f"{q.id} is broken ({exc}); it is left out of the round.")
            self.ids.remove(drill_id)
            return None
        self.ui.mock_question(q, tables, self.ids.index(drill_id) + 1, len(self.ids), self.left(), previous)
        self._save_used()
        start = self._visit_start = self.clock()
        try:
            return self._answer(q, previous)
        finally:
            self.spent[drill_id] = self.spent.get(drill_id, 0) + (self.clock() - start).total_seconds()

    def _answer(self, q: Question, previous: str | None) -> Any:
        drill_id = q.id
        while True:
            draft = self.drafts.get(drill_id)
            text = self.ui.mock_answer(q, draft if draft is not None else previous, self._left_saving)
            entry = commands.read(text, commands.MOCK) if text is not None else commands.Entry(":quit", "", "")
            if self.left() <= 0:
                # time ran out mid-answer: what was typed (above any command) is the answer
                text = entry.text
                if not text.strip() or text.strip() == q.starter.strip():
                    return None
                break
            if entry.command is not None and text is not None:
                self.drafts[drill_id] = entry.text or None  # kept in the editor, not submitted
            if entry.command == ":quit":
                return "quit"
            if entry.command in (":skip", ":next") or not (text or "").strip():
                return "skip"
            if entry.command == ":goto":
                try:
                    number = int(entry.argument)
                    if not 1 <= number <= len(self.ids):
                        raise ValueError
                except ValueError:
                    self.ui.notice(f"Use :goto N with N from 1 to {len(self.ids)}.")
                    continue
                return number
            if entry.command in (":hint", ":reveal"):
                self.ui.notice("No hints or reveals in a mock round, as in an interview; :skip moves on.")
                continue
            try:
                if self.look(q, entry, commands.MOCK):
                    continue
            except BankError as exc:
                self.ui.notice(f"{q.id} is broken ({exc}); it is left out of the round.")
                self.ids.remove(drill_id)
                return None
            break
        seconds = self.spent.get(drill_id, 0) + (self.clock() - self._visit_start).total_seconds()
        try:
            self.store.rounds.save_answer(self.id, drill_id, text, seconds, 0,
                                          min(self.used(), self.row["minutes"] * 60), iso(self.clock()))
        except StoreError as exc:
            self.drafts[drill_id] = text
            self.ui.notice(f"NOT SAVED: {exc}\nYour answer is back in the editor: submit it again once that is "
                           "fixed, or :quit (the answers saved before it are kept).")
            return self._answer(q, previous)
        self.drafts.pop(drill_id, None)
        self.answers[drill_id] = {"answer": text, "seconds": seconds, "hints": 0}
        if self.feedback:
            self.ui.mock_feedback(q, judged(self.judge, q, text))
        return "answered"


def finish(questions: Mapping[str, Question], store: Store, settings: sched.Settings, round_id: int,
           now: dt.datetime, judge: Callable[[Question, str], Verdict], quit_early: bool = False) -> RoundReport:
    """Judge every answer, log each as a mock review (it feeds the schedule), write the report.

    A round quit early reports only the drills answered: the others are named, not counted
    as missed and not revealed."""
    from drills.forecast import predicted_recall

    row = store.rounds.get(round_id)
    if row is None:
        raise DrillError(f"no mock round {round_id}")
    forecast = predicted_recall(store, [d for d in row["drill_ids"] if d in questions], settings, now)
    results: list[tuple[Question, Verdict | None, float, str | None]] = []
    reviews: list[tuple[Review, Schedule]] = []
    untouched: list[NotAttempted] = []
    for drill_id in row["drill_ids"]:
        q = questions.get(drill_id)
        if q is None:
            continue
        given = row["answers"].get(drill_id)
        if given is None or not given["answer"].strip():
            if quit_early:
                untouched.append(NotAttempted(id=q.id, title=q.title))
            else:
                results.append((q, None, 0.0, None))
            continue
        verdict = judged(judge, q, given["answer"])
        seconds = given["seconds"]
        results.append((q, verdict, seconds, given["answer"]))
        rating = sched.rating_for(verdict.outcome, seconds, q.time_target)
        reviews.append((Review(drill_id, iso(now), rating, rating, verdict.outcome, int(seconds * 1000),
                               given["answer"], "mock", q.content_hash),
                        partial(sched.review, drill_id=drill_id, rating=rating, now=now, settings=settings)))
    report = build(row, results, store.rounds.all(), untouched)
    predictions = {q.id: (forecast[q.id], verdict is not None and verdict.correct) for q, verdict, _, _ in results}
    store.rounds.finish(round_id, iso(now), report.to_dict(), reviews, predictions)
    return report


def judged(judge: Callable[[Question, str], Verdict], q: Question, answer: str) -> Verdict:
    """The verdict, whatever the judge raises: an answer that crashes a judge is an error, and the
    round still finishes (and every --resume with it)."""
    try:
        return judge(q, answer)
    except DrillError as exc:
        return Verdict("error", str(exc))
    except Exception as exc:  # noqa: BLE001 - a judge's bug must not wedge the round
        return Verdict("error", f"the judge failed on this answer ({type(exc).__name__}: {exc})")
