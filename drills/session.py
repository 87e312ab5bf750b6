"""`drill today` and `drill cram`: the answer loop, over a queue built by queue.py.

The loop talks to a `UI` (ui.py has a terminal one and a plain-text one for pipes), reads
the time from a clock it is given, and commits every review before the next prompt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from drills import commands, kinds, rowdiff, run
from drills import scheduler as sched
from drills.clock import Clock, iso, utc_now
from drills.daily import due_tomorrow, streak
from drills.errors import BankError, DrillError, StoreError
from drills.model import Question, Verdict
from drills.queue import Progress, Queue
from drills.store import Review, Store


class UI(Protocol):
    def notice(self, text: str) -> None: ...
    def show_question(self, q: Question, tables: list | None, progress: Progress, leech: bool) -> None: ...
    def read_answer(self, q: Question, draft: str | None = None) -> str | None: ...
    def show_run(self, q: Question, result: Any) -> None: ...
    def show_tables(self, q: Question, tables: list) -> None: ...
    def show_hint(self, q: Question, number: int, hint: str | None) -> None: ...
    def show_result(self, q: Question, result: Result) -> None: ...
    def ask_rating(self, q: Question, result: Result) -> int | str | None: ...
    def show_summary(self, summary: Summary) -> None: ...


@dataclass
class Result:
    verdict: Verdict
    rating: int
    elapsed_s: float
    hints: int
    next_due: dt.datetime | None
    now: dt.datetime
    revealed: bool = False
    self_rated: bool = False
    mode: str = "today"
    did_not_run: int = 0  # answers sent back to the editor because they did not run
    rows: Any = None      # a wrong SQL result's rows aligned with the reference's (rowdiff.RowDiff)


@dataclass
class Summary:
    mode: str
    done: int = 0
    correct: int = 0
    seconds: float = 0.0
    streak: int = 0
    due_tomorrow: int = 0
    stopped_early: bool = False
    nothing_to_do: bool = False
    unsaved: bool = False  # the session ended on an answer that could not be saved
    notes: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.done if self.done else None


class Drilling:
    """What a daily session and a mock round share: the bank, the store, the UI and the clock."""

    def __init__(self, questions: Mapping[str, Question], store: Store, ui: Any, settings: sched.Settings,
                 clock: Clock = utc_now, judge: Callable[[Question, str], Verdict] | None = None,
                 tables: Callable[..., list] | None = None):
        from drills.judge import judge as default_judge

        self.questions = questions
        self.store = store
        self.ui = ui
        self.settings = settings
        self.clock = clock
        self.judge = judge or default_judge
        self.tables = tables or kinds.table_reader(None)

    def look(self, q: Question, entry: commands.Entry, known: tuple[str, ...]) -> bool:
        """Commands that look without answering (:run, :tables, or one mistyped); True when
        `entry` was one of them."""
        if entry.command == ":run":
            if run.runnable(q):
                try:
                    self.ui.show_run(q, run.run(q, entry.text))
                except BankError:
                    raise
                except DrillError as exc:  # the sandbox could not start, say
                    self.ui.notice(f"Could not run it: {exc}")
            else:
                self.ui.notice(f"There is nothing to run in a {q.kind} drill; submit the answer.")
        elif entry.command == ":tables":
            if kinds.of(q).has_tables:
                self.ui.show_tables(q, self.tables(q, kinds.ALL_ROWS))
            else:
                self.ui.notice("This drill has no tables.")
        elif entry.unknown:
            self.ui.notice(f"{entry.argument} is not a command; the commands are {commands.names(known)}.")
        else:
            return False
        return True


class Session(Drilling):
    def __init__(self, questions: Mapping[str, Question], store: Store, ui: UI, settings: sched.Settings,
                 clock: Clock = utc_now, mode: str = "today",
                 judge: Callable[[Question, str], Verdict] | None = None,
                 tables: Callable[[Question], list] | None = None):
        super().__init__(questions, store, ui, settings, clock, judge, tables)
        self.mode = mode
        self.failures = store.history.failures()
        self._cold: list[str] = []  # kinds whose judges are still to be started
        self.unsaved: StoreError | None = None  # the last review that could not be saved, if still so

    def run(self, queue: Queue, notes: Iterable[str] = ()) -> Summary:
        summary = Summary(self.mode, notes=list(notes))
        for note in summary.notes:
            self.ui.notice(note)
        skipped: set[str] = set()
        # the judges the queue needs start once the first drill is on the screen, while it is read
        self._cold = list(dict.fromkeys(self.questions[d].kind for d in [*queue.due, *queue.new]))
        if not len(queue):
            summary.nothing_to_do = True
        try:
            while True:
                now = self.clock()
                drill_id = queue.take(now)
                if drill_id is None:
                    break
                q = self.questions[drill_id]
                outcome = self._one(q, queue.progress(summary.done, self.mode))
                if outcome == "quit":
                    summary.stopped_early = True
                    break
                if outcome == "skip":
                    if drill_id not in skipped:  # once to the back of the queue, then gone for today
                        skipped.add(drill_id)
                        queue.new.append(drill_id)
                    continue
                if outcome is None:
                    continue
                result, card, stop = outcome
                summary.done += 1  # saved, so counted, also when the person quit at the rating prompt
                summary.correct += (result.rating != sched.AGAIN) if result.self_rated else result.verdict.correct
                summary.seconds += result.elapsed_s
                if result.rating == sched.AGAIN and self.mode != "cram":
                    self.failures[drill_id] = self.failures.get(drill_id, 0) + 1
                if stop:
                    summary.stopped_early = True
                    break
                if card is not None and sched.in_learning(card):
                    queue.put_learning(sched.due_of(card), drill_id)
        except KeyboardInterrupt:
            summary.stopped_early = True
        summary.streak = streak(self.store, self.settings, self.clock())
        summary.due_tomorrow = due_tomorrow(self.store, self.questions, self.settings, self.clock())
        summary.unsaved = self.unsaved is not None
        self.ui.show_summary(summary)
        if self.unsaved is not None:
            raise self.unsaved  # the session ended with an answer not saved: exit non-zero
        return summary

    def _one(self, q: Question, progress: Progress, draft: str | None = None) -> Any:
        """Ask `q` until it is answered and saved (returns the result, its card and whether to
        stop), skipped, quit or found broken. `draft` opens the editor with an answer kept."""
        leech = self.failures.get(q.id, 0) >= sched.LEECH_THRESHOLD
        try:
            tables = self.tables(q) if kinds.of(q).has_tables else None
        except BankError as exc:
            self.ui.notice(f"Skipping {q.id}: the drill is broken ({exc}).")
            return None
        self.ui.show_question(q, tables, progress, leech)
        while self._cold:
            kinds.get(self._cold.pop(0)).warm()
        start = self.clock()
        hints = did_not_run = 0
        while True:  # `draft`: what the editor opens with next time, such as the text above a command
            text = self.ui.read_answer(q, draft)
            if text is None:
                return "quit"
            entry = commands.read(text, commands.SESSION)
            if entry.command is not None:
                draft = entry.text or None
            if entry.command == ":quit":
                return "quit"
            if entry.command == ":skip":
                return "skip"
            if entry.command == ":hint":
                hint = q.hints[hints] if hints < len(q.hints) else None
                hints += hint is not None
                self.ui.show_hint(q, hints, hint)
                continue
            if entry.command == ":reveal":
                verdict = Verdict("wrong", "Revealed: the reference answer is below.", {"revealed": True})
                break
            try:
                if self.look(q, entry, commands.SESSION):
                    continue
            except BankError as exc:
                self.ui.notice(f"Skipping {q.id}: the drill is broken ({exc}).")
                return None
            if not text.strip() and not kinds.of(q).self_rated:
                self.ui.notice("The answer is empty: type an answer, or :hint, :run, :skip, :reveal, :quit.")
                continue
            try:
                verdict = self.judge(q, text)
                problem = run.does_not_run(q, text, verdict)
            except BankError as exc:
                self.ui.notice(f"Skipping {q.id}: the drill is broken ({exc}).")
                return None
            except DrillError as exc:
                self.ui.notice(f"Could not judge the answer: {exc}")
                draft = text
                continue
            if problem:
                # a typo is not a failed review: back to the editor, the reference still hidden
                did_not_run += 1
                draft = text
                self.ui.notice(f"This answer does not run: {problem}\nFix it and submit again (the reference "
                               "stays hidden; a right answer after this is rated Hard at most).")
                continue
            break
        now = self.clock()
        elapsed = (now - start).total_seconds()
        revealed = bool(verdict.details.get("revealed"))
        if kinds.of(q).self_rated and not revealed:
            # the model answer first, then the person's own rating
            result = Result(verdict, sched.GOOD, elapsed, hints, None, now, self_rated=True, mode=self.mode)
            self.ui.show_result(q, result)
            answer = self.ui.ask_rating(q, result)
            if answer == "quit":
                return "quit"  # nothing saved yet: the rating is the answer
            rating = auto = answer if isinstance(answer, int) else sched.GOOD
            verdict_name = "self"
        else:
            rating = auto = sched.rating_for(verdict.outcome, elapsed, q.time_target, hints + did_not_run)
            verdict_name = "revealed" if revealed else verdict.outcome
        try:
            saved, card_before, card_after = self.store.history.record_scheduled(
                Review(q.id, iso(now), rating, auto, verdict_name, int(elapsed * 1000), text or "", self.mode,
                       q.content_hash, hints),
                lambda before: self._schedule(q, before, rating, now))
        except StoreError as exc:
            self.unsaved = exc
            self.ui.notice(f"NOT SAVED: {exc}\nYour answer is back in the editor: submit it again once that is "
                           "fixed, or :quit.")
            return self._one(q, progress, draft=text)
        self.unsaved = None
        next_due = sched.due_of(card_after) if card_after else None
        if kinds.of(q).self_rated and not revealed:
            result.rating, result.next_due = rating, next_due
            self.ui.notice(f"Rated {sched.RATING_NAMES[rating]}"
                           + (f"; next: {sched.describe_wait(next_due - now)}." if next_due else "."))
            return result, card_after, False
        result = Result(verdict, rating, elapsed, hints, next_due, now, revealed, False, self.mode, did_not_run,
                        rowdiff.explain(q, text, verdict))
        self.ui.show_result(q, result)
        change = self.ui.ask_rating(q, result)
        if change == "quit":
            return result, card_after, True
        if isinstance(change, int) and change != rating:
            try:
                self.store.history.rerate(saved.id, change, lambda before: self._schedule(q, before, change, now))
            except StoreError as exc:
                self.ui.notice(f"The new rating was NOT saved ({exc}); the review stays rated "
                               f"{sched.RATING_NAMES[rating]}.")
                return result, card_after, False
            card_after = self._schedule(q, card_before, change, now)
            result.rating = change
            result.next_due = sched.due_of(card_after) if card_after else None
            self.ui.notice(f"Rated {sched.RATING_NAMES[change]}"
                           + (f"; next: {sched.describe_wait(result.next_due - now)}." if result.next_due else "."))
        return result, card_after, False

    def _schedule(self, q: Question, card_before: dict | None, rating: int, now: dt.datetime) -> dict | None:
        if self.mode == "cram":
            return None  # practice only: the schedule stays as it was
        return sched.review(card_before, q.id, rating, now, self.settings)
