"""The queue of a `drill today` or `drill cram` session: which drills, in what order.

Due reviews come first, weakest first; then the day's new drills, introduced across topics in
proportion to their size, easy and short before hard and long; learning steps come back when
their step is due. The drilling loop (session.py) takes drills from it one at a time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from drills import scheduler as sched
from drills.clock import iso
from drills.days import day_start, drill_day
from drills.model import DIFFICULTIES, Question

if TYPE_CHECKING:
    from drills.store import Store

LEARN_AHEAD = dt.timedelta(minutes=20)


@dataclass
class Progress:
    """Where a session is: the counts its header shows."""

    done: int = 0
    due_left: int = 0
    new_left: int = 0
    learning: int = 0
    mode: str = "today"


@dataclass
class Queue:
    """Due reviews, then new drills; learning steps come back when their step is due."""

    due: list[str]
    new: list[str]
    learning: list[tuple[dt.datetime, str]] = field(default_factory=list)
    taken_from: str = field(default="", compare=False)

    def take(self, now: dt.datetime, end_of_queue_ahead: dt.timedelta = LEARN_AHEAD) -> str | None:
        """The next drill; `taken_from` says which list it left ("learning", "due" or "new")."""
        self.learning.sort()
        self.taken_from = "learning"
        if self.learning and self.learning[0][0] <= now:
            return self.learning.pop(0)[1]
        if self.due:
            self.taken_from = "due"
            return self.due.pop(0)
        if self.new:
            self.taken_from = "new"
            return self.new.pop(0)
        if self.learning and self.learning[0][0] <= now + end_of_queue_ahead:
            return self.learning.pop(0)[1]
        return None

    def progress(self, done: int, mode: str) -> Progress:
        """The counts a header shows, the drill on screen included in its own list."""
        on_screen = {self.taken_from: 1}
        return Progress(done, len(self.due) + on_screen.get("due", 0), len(self.new) + on_screen.get("new", 0),
                        len(self.learning) + on_screen.get("learning", 0), mode)

    def put_learning(self, when: dt.datetime, drill_id: str) -> None:
        self.learning = [(w, d) for w, d in self.learning if d != drill_id]
        self.learning.append((when, drill_id))

    def __len__(self) -> int:
        return len(self.due) + len(self.new) + len(self.learning)


def interleave_new(questions: Iterable[Question]) -> list[str]:
    """The order unseen drills are introduced in: easy and short before hard and long within a
    topic, and topics in proportion to their size (each next drill comes from the topic that has
    introduced the smallest share of its drills), so a large topic is not starved by small ones."""
    by_topic: dict[str, list[Question]] = {}
    for q in questions:
        by_topic.setdefault(q.topic, []).append(q)
    lanes = {t: sorted(qs, key=lambda q: (DIFFICULTIES.index(q.difficulty), q.time_target, q.id))
             for t, qs in by_topic.items()}
    taken = dict.fromkeys(lanes, 0)
    order: list[str] = []
    while len(order) < sum(len(lane) for lane in lanes.values()):
        topic = min((t for t in lanes if taken[t] < len(lanes[t])),
                    key=lambda t: ((taken[t] + 0.5) / len(lanes[t]), t))
        order.append(lanes[topic][taken[topic]].id)
        taken[topic] += 1
    return order


def day_order(batch: list[Question]) -> list[str]:
    """A day's new drills: easy before hard, short before long (a day warms up on quick drills
    and does not open on a six-minute algorithm); otherwise in the order they were chosen."""
    return [q.id for q in sorted(batch, key=lambda q: (DIFFICULTIES.index(q.difficulty), q.time_target))]


def in_scope(questions: Mapping[str, Question], topics: Iterable[str] = (),
             tags: Iterable[str] = ()) -> dict[str, Question]:
    """The drills a session draws from: the topics (and tags) asked for, or all."""
    topics, tags = set(topics), set(tags)
    return {d: q for d, q in questions.items()
            if (not topics or q.topic in topics) and (not tags or tags & set(q.tags))}


def build_today(questions: Mapping[str, Question], store: Store, settings: sched.Settings,
                now: dt.datetime, topics: Iterable[str] = (), tags: Iterable[str] = ()) -> tuple[Queue, list[str]]:
    """The day's queue, and notes for the user (interview-date adjustments). `topics` (else the
    topics setting) and `tags` narrow both the reviews and the new drills."""
    questions = in_scope(questions, tuple(topics) or settings.topics, tags)
    start = day_start(now, settings.rollover_hour)
    end = start + dt.timedelta(days=1)
    reviews_done, new_done = store.history.counts_since(iso(start))
    suspended = store.history.suspended()
    cards = store.history.cards()
    live = {d: c for d, c in cards.items() if d in questions and d not in suspended}
    due_cards = {d: c for d, c in live.items() if sched.due_of(c) <= now}
    later_today = [(sched.due_of(c), d) for d, c in live.items()
                   if now < sched.due_of(c) < end and sched.in_learning(c)]
    r = sched.retrievabilities(due_cards, now, settings)
    due = sorted(due_cards, key=lambda d: (r[d], sched.due_of(due_cards[d]), d))
    due = due[: max(0, settings.reviews_per_day - reviews_done)]
    unseen = [q for d, q in questions.items() if d not in cards and d not in suspended]
    quota, note = sched.new_quota(settings, len(unseen), drill_day(now, settings.rollover_hour))
    batch = interleave_new(unseen)[: max(0, quota - new_done)]
    return Queue(due, day_order([questions[d] for d in batch]), later_today), [note] if note else []


def build_cram(questions: Mapping[str, Question], store: Store, settings: sched.Settings, now: dt.datetime,
               count: int, seed: int | None = None) -> Queue:
    """Practice beyond what is due: weakest first (lowest retrievability), then unseen drills."""
    cards = {d: c for d, c in store.history.cards().items() if d in questions}
    r = sched.retrievabilities(cards, now, settings)
    seen = sorted(cards, key=lambda d: (r[d], d))
    unseen = [d for d in questions if d not in cards]
    random.Random(seed).shuffle(unseen)
    return Queue([], (seen + unseen)[:count])
