"""Cards, reviews and suspensions: the record every schedule, count and figure is read from.

A review and the card it produces are written in one transaction, and a card is always read
again inside the write transaction that moves it, so two terminals never lose an update.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from drills.clock import utc_text
from drills.errors import DrillError

if TYPE_CHECKING:
    from drills.store.connection import Store

Schedule = Callable[[dict | None], dict | None]  # the card after a review, given the card before


@dataclass(frozen=True)
class Review:
    drill_id: str
    reviewed_at: str
    rating: int
    auto_rating: int
    verdict: str
    elapsed_ms: int
    answer: str
    mode: str
    content_hash: str
    hints: int = 0
    uid: str = ""
    id: int = 0


COLUMNS = ", ".join(f.name for f in fields(Review))


class History:
    """The `cards`, `reviews` and `suspended` tables of an open store."""

    def __init__(self, store: Store):
        self.store = store

    # cards
    def card(self, drill_id: str) -> dict | None:
        return card_in(self.store.db, drill_id)

    def cards(self) -> dict[str, dict]:
        return {d: json.loads(c) for d, c in self.store.db.execute("SELECT drill_id, card FROM cards")}

    def due_before(self, when: str) -> list[tuple[str, str]]:
        return self.store.db.execute("SELECT drill_id, due FROM cards WHERE due <= ? ORDER BY due",
                                     (when,)).fetchall()

    # writing reviews
    def record(self, review: Review, card_after: dict | None, card_before: dict | None) -> Review:
        """Save a review and the card it produced, in one transaction. Returns it with id and uid."""
        with self.store.transaction() as db:
            saved = insert_review(db, review, card_before)
            if card_after is not None:
                put_card(db, review.drill_id, card_after, review.reviewed_at)
        return saved

    def record_scheduled(self, review: Review, schedule: Schedule) -> tuple[Review, dict | None, dict | None]:
        """Save a review and the card `schedule` makes of the drill's card as it is inside the write
        transaction: two terminals answering the same drill both move its card, neither update is
        lost. Returns the saved review, the card before and the card after."""
        with self.store.transaction() as db:
            saved, before, after = record_in(db, review, schedule)
        return saved, before, after

    def rerate(self, review_id: int, rating: int, card_after: dict | Schedule | None) -> None:
        """The user changed the rating on the result screen: keep both, reschedule the card.
        `card_after` may be a schedule, given the card before the review; the card is then moved
        only if no later review of the drill (from another terminal) has moved it since."""
        with self.store.transaction() as db:
            row = db.execute("SELECT drill_id, reviewed_at, card_before FROM reviews WHERE id = ?",
                             (review_id,)).fetchone()
            if row is None:
                raise DrillError(f"no review {review_id}")
            db.execute("UPDATE reviews SET rating = ? WHERE id = ?", (rating, review_id))
            if callable(card_after):
                later = db.execute("SELECT 1 FROM reviews WHERE drill_id = ? AND id > ? AND mode != 'cram'",
                                   (row[0], review_id)).fetchone()
                card_after = None if later else card_after(json.loads(row[2]) if row[2] else None)
            if card_after is not None:
                put_card(db, row[0], card_after, row[1])

    def undo_last(self) -> Review | None:
        """Remove the newest review and put its drill's card back as it was."""
        with self.store.transaction() as db:
            row = db.execute("SELECT id, card_before FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            review = self.review(row[0])
            db.execute("DELETE FROM reviews WHERE id = ?", (row[0],))
            if review.mode == "cram":
                return review
            if row[1] is None:
                db.execute("DELETE FROM cards WHERE drill_id = ?", (review.drill_id,))
            else:
                put_card(db, review.drill_id, json.loads(row[1]), review.reviewed_at)
        return review

    def reset(self, drill_id: str | None) -> int:
        """Forget a drill's progress (or everyone's): card and reviews. Returns reviews removed."""
        with self.store.transaction() as db:
            if drill_id is None:
                n = db.execute("DELETE FROM reviews").rowcount
                db.execute("DELETE FROM cards")
            else:
                n = db.execute("DELETE FROM reviews WHERE drill_id = ?", (drill_id,)).rowcount
                db.execute("DELETE FROM cards WHERE drill_id = ?", (drill_id,))
        return n

    # reading reviews
    def reviews(self, since: str | None = None, drill_id: str | None = None, mode: str | None = None) -> list[Review]:
        sql = f"SELECT {COLUMNS} FROM reviews WHERE 1=1"
        args: list[Any] = []
        if since:
            sql += " AND reviewed_at >= ?"
            args.append(since)
        if drill_id:
            sql += " AND drill_id = ?"
            args.append(drill_id)
        if mode:
            sql += " AND mode = ?"
            args.append(mode)
        return [Review(*row) for row in self.store.db.execute(sql + " ORDER BY id", args)]

    def review(self, review_id: int) -> Review:
        row = self.store.db.execute(f"SELECT {COLUMNS} FROM reviews WHERE id = ?", (review_id,)).fetchone()
        return Review(*row)

    def count(self) -> int:
        return self.store.db.execute("SELECT count(*) FROM reviews").fetchone()[0]

    def counts_between(self, bounds: list[str]) -> list[int]:
        """Reviews from each bound (UTC text) to the next: one index range each."""
        return [self.store.db.execute("SELECT count(*) FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?",
                                      (a, b)).fetchone()[0] for a, b in pairwise(bounds)]

    def counts_since(self, since: str) -> tuple[int, int]:
        """(reviews of known drills, drills started) in scheduled modes since `since`."""
        row = self.store.db.execute(
            "SELECT count(*) FILTER (WHERE card_before IS NOT NULL), count(*) FILTER (WHERE card_before IS NULL) "
            "FROM reviews WHERE reviewed_at >= ? AND mode != 'cram'", (since,)).fetchone()
        return row[0], row[1]

    def failures(self) -> dict[str, int]:
        """Scheduled reviews rated Again, per drill: the leech count."""
        return dict(self.store.db.execute(
            "SELECT drill_id, count(*) FROM reviews WHERE rating = 1 AND mode != 'cram' GROUP BY drill_id"))

    def retention_since(self, since: str) -> tuple[int, int]:
        """(passed, asked): scheduled reviews since `since` of drills in the Review state (learnt,
        not being learnt), the reviews true retention is measured on."""
        kept, asked = self.store.db.execute(
            "SELECT coalesce(sum(rating > 1), 0), count(*) FROM reviews WHERE reviewed_at >= ? AND mode != 'cram' "
            "AND json_extract(card_before, '$.state') = 2", (since,)).fetchone()
        return kept, asked

    def outcomes(self) -> Iterable[tuple[str, int, int]]:
        """(drill id, 1 when passed, milliseconds) of every review."""
        return self.store.db.execute("SELECT drill_id, rating > 1, elapsed_ms FROM reviews")

    def answer_times(self, longest_ms: int) -> list[tuple[str, int, int, int, int]]:
        """Per drill and rating: (drill id, 1 when passed, milliseconds in all with each answer
        counted up to `longest_ms`, answers, the id of the first). One pass over the covering
        index reviews_answers, no table read."""
        return self.store.db.execute(
            "SELECT drill_id, rating > 1, sum(min(elapsed_ms, ?)), count(*), min(id) FROM reviews "
            "GROUP BY drill_id, rating", (longest_ms,)).fetchall()

    def answers_by_id(self, ids: Iterable[int], longest_ms: int) -> list[tuple[str, int, int]]:
        """(drill id, milliseconds up to `longest_ms`, 1 when passed) of the reviews `ids`."""
        return self.store.db.execute(
            "SELECT drill_id, min(elapsed_ms, ?), rating > 1 FROM reviews WHERE id IN (SELECT value FROM json_each(?))",
            (longest_ms, json.dumps(list(ids)))).fetchall()

    def time_since(self, since: str, longest_ms: int) -> tuple[int, int]:
        """(milliseconds spent answering, each answer up to `longest_ms`; answers) since `since`."""
        total, n = self.store.db.execute("SELECT coalesce(sum(min(elapsed_ms, ?)), 0), count(*) FROM reviews "
                                         "WHERE reviewed_at >= ?", (longest_ms, since)).fetchone()
        return total, n

    def log(self, modes: Iterable[str]) -> Iterable[tuple[str, str, int]]:
        """(drill id, reviewed at, rating) of the reviews in `modes`, in the order they happened."""
        modes = tuple(modes)
        marks = ",".join("?" * len(modes))
        return self.store.db.execute(f"SELECT drill_id, reviewed_at, rating FROM reviews WHERE mode IN ({marks}) "
                                     "ORDER BY reviewed_at, id", modes)

    # suspensions
    def suspend(self, drill_id: str, when: str) -> bool:
        with self.store.transaction() as db:
            return db.execute("INSERT OR IGNORE INTO suspended VALUES (?, ?)", (drill_id, when)).rowcount == 1

    def unsuspend(self, drill_id: str) -> bool:
        with self.store.transaction() as db:
            return db.execute("DELETE FROM suspended WHERE drill_id = ?", (drill_id,)).rowcount == 1

    def suspended(self) -> set[str]:
        return {r[0] for r in self.store.db.execute("SELECT drill_id FROM suspended")}

    def known_ids(self) -> set[str]:
        return {r[0] for r in self.store.db.execute("SELECT drill_id FROM cards UNION SELECT drill_id FROM reviews")}


# Inside a transaction another table family's write is part of (a mock round's end, an import).

def card_in(db: sqlite3.Connection, drill_id: str) -> dict | None:
    row = db.execute("SELECT card FROM cards WHERE drill_id = ?", (drill_id,)).fetchone()
    return json.loads(row[0]) if row else None


def record_in(db: sqlite3.Connection, review: Review, schedule: Schedule) -> tuple[Review, dict | None, dict | None]:
    """A review and the card `schedule` makes of the card read here, inside the caller's transaction."""
    before = card_in(db, review.drill_id)
    after = schedule(before)
    saved = insert_review(db, review, before)
    if after is not None:
        put_card(db, review.drill_id, after, review.reviewed_at)
    return saved, before, after


def insert_review(db: sqlite3.Connection, review: Review, card_before: dict | None) -> Review:
    uid = review.uid or uuid.uuid4().hex
    cur = db.execute(
        "INSERT INTO reviews (uid, drill_id, reviewed_at, rating, auto_rating, verdict, elapsed_ms, answer,"
        " mode, content_hash, hints, card_before) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (uid, review.drill_id, review.reviewed_at, review.rating, review.auto_rating, review.verdict,
         int(review.elapsed_ms), review.answer, review.mode, review.content_hash, review.hints,
         json.dumps(card_before) if card_before is not None else None))
    return Review(**{**asdict(review), "uid": uid, "id": cur.lastrowid})


def put_card(db: sqlite3.Connection, drill_id: str, card: dict, when: str) -> None:
    db.execute(
        "INSERT INTO cards (drill_id, card, due, updated_at) VALUES (?,?,?,?) "
        "ON CONFLICT (drill_id) DO UPDATE SET card = excluded.card, due = excluded.due, "
        "updated_at = excluded.updated_at",
        (drill_id, json.dumps(card), utc_text(card["due"]), when))
