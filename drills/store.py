"""The progress database: SQLite in WAL mode, one transaction per review.

A review and the card it produces are committed together before the next prompt, so
Ctrl-C, a closed terminal or `kill -9` loses at most the answer being typed.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from itertools import pairwise
from pathlib import Path
from typing import Any

from drills.errors import DrillError, StoreError

SCHEMA_VERSION = 3
Schedule = Callable[[dict | None], dict | None]  # the card after a review, given the card before
DB_NAME = "progress.sqlite3"

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE cards (
        drill_id TEXT PRIMARY KEY,
        card TEXT NOT NULL,            -- fsrs Card.to_dict() as JSON
        due TEXT NOT NULL,             -- UTC ISO 8601, copied out of the card for the queue
        updated_at TEXT NOT NULL
    );
    CREATE INDEX cards_due ON cards (due);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,      -- stable across export/import
        drill_id TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,     -- UTC ISO 8601
        rating INTEGER NOT NULL,       -- 1 again, 2 hard, 3 good, 4 easy (after any override)
        auto_rating INTEGER NOT NULL,  -- what the verdict and time gave
        verdict TEXT NOT NULL,         -- correct | wrong | error | timeout | revealed | self
        elapsed_ms INTEGER NOT NULL,
        answer TEXT NOT NULL,
        mode TEXT NOT NULL,            -- today | mock | cram
        content_hash TEXT NOT NULL,
        hints INTEGER NOT NULL DEFAULT 0,
        card_before TEXT               -- the card before this review, for undo; NULL when new
    );
    CREATE INDEX reviews_drill ON reviews (drill_id, reviewed_at);
    CREATE INDEX reviews_time ON reviews (reviewed_at);
    CREATE TABLE suspended (drill_id TEXT PRIMARY KEY, since TEXT NOT NULL);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    2: """
    CREATE TABLE mock_rounds (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        minutes REAL NOT NULL,
        drill_ids TEXT NOT NULL,       -- JSON list, in the order shown
        options TEXT NOT NULL,         -- JSON: seed, filters, feedback
        used_s REAL NOT NULL DEFAULT 0, -- answering time spent so far; resume gets the rest
        status TEXT NOT NULL,          -- running | finished
        finished_at TEXT,
        report TEXT                    -- JSON, written when the round is judged
    );
    CREATE TABLE mock_answers (
        round_id INTEGER NOT NULL REFERENCES mock_rounds (id),
        drill_id TEXT NOT NULL,
        answer TEXT NOT NULL,
        seconds REAL NOT NULL,         -- time spent on this drill so far
        hints INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (round_id, drill_id)
    );
    """,
    3: """
    CREATE TABLE fits (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        fitted_at TEXT NOT NULL,       -- UTC ISO 8601
        parameters TEXT,               -- JSON list of the FSRS parameters now in use; NULL: the defaults
        reviews INTEGER NOT NULL,      -- reviews the fit learned from
        figures TEXT NOT NULL          -- JSON: log loss and RMSE, before and after, on the held-out reviews
    );
    CREATE TABLE mock_predictions (
        round_id INTEGER NOT NULL REFERENCES mock_rounds (id),
        drill_id TEXT NOT NULL,
        predicted REAL NOT NULL,       -- recall the forecast gave the drill when the round was judged
        correct INTEGER NOT NULL,      -- 1 when the answer was judged correct
        PRIMARY KEY (round_id, drill_id)
    );
    CREATE INDEX reviews_answers ON reviews (drill_id, rating, elapsed_ms);  -- answer times for `drill plan`
    """,
}


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


def default_home() -> Path:
    env = os.environ.get("DRILL_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("drill", appauthor=False))


class Store:
    """One open progress database. Safe to open from two terminals at once.

    A store that cannot be written (a read-only file or folder) is opened read-only: reading
    commands work, and the first write raises its StoreError. Every SQLite or OS error becomes
    a StoreError naming the file, what is wrong and what to do (`fault`)."""

    def __init__(self, home: Path | None = None, path: Path | None = None):
        self.home = Path(home) if home else default_home()
        self.path = path or self.home / DB_NAME
        self.read_only: StoreError | None = None
        self.bad_text = 0  # text values read that were not UTF-8 (shown with U+FFFD)
        self.problems: list[str] = []  # what went wrong on the side (a backup), for a warning
        self._backed_up = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fault(exc, self.path) from None
        try:
            if _writable(self.path):
                self.db = self._connect(self.path)
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = FULL")
                self.db.execute("PRAGMA foreign_keys = ON")
                self._migrate()
            else:
                self.db = self._open_read_only()
        except sqlite3.Error as exc:
            problem = fault(exc, self.path)
            if problem.kind != FULL or not self.path.exists():
                raise problem from None
            try:  # a full disk cannot hold the WAL's shared-memory file: read without it
                if getattr(self, "db", None) is not None:
                    self.db.close()
                self.db = self._open_read_only(fault(exc, self.path, saving=True))
            except sqlite3.Error:
                raise problem from None

    def _connect(self, target: Path | str, uri: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=10, isolation_level=None, check_same_thread=False, uri=uri)
        db.text_factory = self._text
        return db

    def _text(self, raw: bytes) -> str:
        """A text value; bytes that are not UTF-8 are shown as U+FFFD rather than stopping a command."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.bad_text += 1
            return raw.decode("utf-8", "replace")

    def _open_read_only(self, why: StoreError | None = None) -> sqlite3.Connection:
        """For reading commands on a store nobody may write: WAL needs its -shm file, which a
        read-only folder cannot hold, so such a store is read as immutable (nobody can change it)."""
        if not self.path.exists():
            raise StoreError(f"cannot create the progress store {self.path}: its folder is read-only. Make it "
                             f"writable (chmod u+w '{self.path.parent}') or choose another home with --home DIR.",
                             self.path, "read_only")
        uri = "file:" + urllib.parse.quote(str(self.path)) + "?mode=ro"
        db = self._connect(uri, uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            db.close()
            db = self._connect(uri + "&immutable=1", uri=True)
        self.db = db
        self.read_only = why or fault(sqlite3.OperationalError("attempt to write a readonly database"), self.path, True)
        if self._check_version() < SCHEMA_VERSION:
            raise StoreError(f"{self.read_only} (This drill must also upgrade the store's format, which needs "
                             "to write.)", self.path, "read_only")
        return db

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def require_writable(self) -> None:
        """Before a session: say now, not after the first answer, that nothing could be saved."""
        if self.read_only is not None:
            raise self.read_only

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: all or nothing, and writers queue instead of failing.
        The first write of the day is preceded by a backup (repair.py)."""
        self.require_writable()
        self._daily_backup()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise fault(exc, self.path) from None
        try:
            yield self.db
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise fault(exc, self.path, saving=True) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite rolled back already (a full disk can do that)

    def _daily_backup(self) -> None:
        if self._backed_up:
            return
        self._backed_up = True
        if self.schema_version == 0:
            return  # a new store: nothing to keep yet
        from drills import repair

        try:
            problem = repair.daily_backup(self)
        except (OSError, sqlite3.Error) as exc:
            why = getattr(exc, "strerror", None) or exc
            problem = f"could not back up {self.path} into {repair.folder(self.path)}: {why}"
        if problem:
            self.problems.append(problem)

    def _migrate(self) -> None:
        version = self._check_version()
        if version == SCHEMA_VERSION:
            return
        with self.transaction() as db:
            # read again under the write lock: another terminal may have migrated meanwhile
            for target in range(self._check_version() + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[target]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")

    def _check_version(self) -> int:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DrillError(f"the progress store {self.path} was written by a newer drill (schema {version}, "
                             f"this drill knows {SCHEMA_VERSION}); upgrade drill to use it. Nothing was changed.")
        return version

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # cards
    def card(self, drill_id: str) -> dict | None:
        row = self.db.execute("SELECT card FROM cards WHERE drill_id = ?", (drill_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def cards(self) -> dict[str, dict]:
        return {d: json.loads(c) for d, c in self.db.execute("SELECT drill_id, card FROM cards")}

    def due_before(self, when: str) -> list[tuple[str, str]]:
        return self.db.execute("SELECT drill_id, due FROM cards WHERE due <= ? ORDER BY due", (when,)).fetchall()

    # reviews
    def record(self, review: Review, card_after: dict | None, card_before: dict | None) -> Review:
        """Save a review and the card it produced, in one transaction. Returns it with id and uid."""
        with self.transaction() as db:
            saved = self._insert_review(db, review, card_before)
            if card_after is not None:
                self._put_card(db, review.drill_id, card_after, review.reviewed_at)
        return saved

    def record_scheduled(self, review: Review, schedule: Schedule) -> tuple[Review, dict | None, dict | None]:
        """Save a review and the card `schedule` makes of the drill's card as it is inside the write
        transaction: two terminals answering the same drill both move its card, neither update is
        lost. Returns the saved review, the card before and the card after."""
        with self.transaction() as db:
            before = self._card(db, review.drill_id)
            after = schedule(before)
            saved = self._insert_review(db, review, before)
            if after is not None:
                self._put_card(db, review.drill_id, after, review.reviewed_at)
        return saved, before, after

    @staticmethod
    def _card(db: sqlite3.Connection, drill_id: str) -> dict | None:
        row = db.execute("SELECT card FROM cards WHERE drill_id = ?", (drill_id,)).fetchone()
        return json.loads(row[0]) if row else None

    @staticmethod
    def _insert_review(db: sqlite3.Connection, review: Review, card_before: dict | None) -> Review:
        uid = review.uid or uuid.uuid4().hex
        cur = db.execute(
            "INSERT INTO reviews (uid, drill_id, reviewed_at, rating, auto_rating, verdict, elapsed_ms, answer,"
            " mode, content_hash, hints, card_before) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (uid, review.drill_id, review.reviewed_at, review.rating, review.auto_rating, review.verdict,
             int(review.elapsed_ms), review.answer, review.mode, review.content_hash, review.hints,
             json.dumps(card_before) if card_before is not None else None))
        return Review(**{**asdict(review), "uid": uid, "id": cur.lastrowid})

    def rerate(self, review_id: int, rating: int, card_after: dict | Schedule | None) -> None:
        """The user changed the rating on the result screen: keep both, reschedule the card.
        `card_after` may be a schedule, given the card before the review; the card is then moved
        only if no later review of the drill (from another terminal) has moved it since."""
        with self.transaction() as db:
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
                self._put_card(db, row[0], card_after, row[1])

    @staticmethod
    def _put_card(db: sqlite3.Connection, drill_id: str, card: dict, when: str) -> None:
        db.execute(
            "INSERT INTO cards (drill_id, card, due, updated_at) VALUES (?,?,?,?) "
            "ON CONFLICT (drill_id) DO UPDATE SET card = excluded.card, due = excluded.due, "
            "updated_at = excluded.updated_at",
            (drill_id, json.dumps(card), utc_text(card["due"]), when))

    def reviews(self, since: str | None = None, drill_id: str | None = None, mode: str | None = None) -> list[Review]:
        sql = "SELECT " + ", ".join(f.name for f in fields(Review)) + " FROM reviews WHERE 1=1"
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
        return [Review(*row) for row in self.db.execute(sql + " ORDER BY id", args)]

    def counts_between(self, bounds: list[str]) -> list[int]:
        """Reviews from each bound (UTC text) to the next: one index range each."""
        return [self.db.execute("SELECT count(*) FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?",
                                (a, b)).fetchone()[0] for a, b in pairwise(bounds)]

    def review_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM reviews").fetchone()[0]

    def counts_since(self, since: str) -> tuple[int, int]:
        """(reviews of known drills, drills started) in scheduled modes since `since`."""
        row = self.db.execute(
            "SELECT count(*) FILTER (WHERE card_before IS NOT NULL), count(*) FILTER (WHERE card_before IS NULL) "
            "FROM reviews WHERE reviewed_at >= ? AND mode != 'cram'", (since,)).fetchone()
        return row[0], row[1]

    def failures(self) -> dict[str, int]:
        """Scheduled reviews rated Again, per drill: the leech count."""
        return dict(self.db.execute(
            "SELECT drill_id, count(*) FROM reviews WHERE rating = 1 AND mode != 'cram' GROUP BY drill_id"))

    def undo_last(self) -> Review | None:
        """Remove the newest review and put its drill's card back as it was."""
        with self.transaction() as db:
            row = db.execute("SELECT id, card_before FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            review = self.reviews_by_id(row[0])
            db.execute("DELETE FROM reviews WHERE id = ?", (row[0],))
            if review.mode == "cram":
                return review
            if row[1] is None:
                db.execute("DELETE FROM cards WHERE drill_id = ?", (review.drill_id,))
            else:
                self._put_card(db, review.drill_id, json.loads(row[1]), review.reviewed_at)
        return review

    def reviews_by_id(self, review_id: int) -> Review:
        row = self.db.execute("SELECT " + ", ".join(f.name for f in fields(Review)) + " FROM reviews WHERE id = ?",
                              (review_id,)).fetchone()
        return Review(*row)

    # suspensions, resets
    def suspend(self, drill_id: str, when: str) -> bool:
        with self.transaction() as db:
            return db.execute("INSERT OR IGNORE INTO suspended VALUES (?, ?)", (drill_id, when)).rowcount == 1

    def unsuspend(self, drill_id: str) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM suspended WHERE drill_id = ?", (drill_id,)).rowcount == 1

    def suspended(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT drill_id FROM suspended")}

    def reset(self, drill_id: str | None) -> int:
        """Forget a drill's progress (or everyone's): card and reviews. Returns reviews removed."""
        with self.transaction() as db:
            if drill_id is None:
                n = db.execute("DELETE FROM reviews").rowcount
                db.execute("DELETE FROM cards")
            else:
                n = db.execute("DELETE FROM reviews WHERE drill_id = ?", (drill_id,)).rowcount
                db.execute("DELETE FROM cards WHERE drill_id = ?", (drill_id,))
        return n

    def known_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT drill_id FROM cards UNION SELECT drill_id FROM reviews")}

    # settings
    def settings(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM settings"))

    def set_setting(self, key: str, value: str | None) -> None:
        with self.transaction() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           (key, value))

    # export / import
    def export(self) -> dict[str, Any]:
        cols = [f.name for f in fields(Review) if f.name != "id"] + ["card_before"]
        reviews = [dict(zip(cols, row, strict=True)) for row in
                   self.db.execute("SELECT " + ", ".join(cols) + " FROM reviews ORDER BY id")]
        return {
            "format": "drill-progress", "schema": SCHEMA_VERSION,
            "cards": [{"drill_id": d, "card": json.loads(c), "updated_at": u}
                      for d, c, u in self.db.execute("SELECT drill_id, card, updated_at FROM cards ORDER BY drill_id")],
            "reviews": reviews,
            "suspended": [{"drill_id": d, "since": s} for d, s in self.db.execute("SELECT * FROM suspended")],
            "settings": self.settings(),
            "mock_rounds": [self._round_export(round_id) for (round_id,) in
                            self.db.execute("SELECT id FROM mock_rounds ORDER BY id").fetchall()],
            "fits": [{"fitted_at": f, "parameters": json.loads(p) if p else None, "reviews": n,
                      "figures": json.loads(g)} for f, p, n, g in
                     self.db.execute("SELECT fitted_at, parameters, reviews, figures FROM fits ORDER BY id")],
        }

    def _round_export(self, round_id: int) -> dict[str, Any]:
        row = self.round(round_id)
        assert row is not None  # the id was just read from mock_rounds
        answers = [{"drill_id": d, "answer": a, "seconds": s, "hints": h, "updated_at": u} for d, a, s, h, u in
                   self.db.execute("SELECT drill_id, answer, seconds, hints, updated_at FROM mock_answers "
                                   "WHERE round_id = ? ORDER BY updated_at, drill_id", (round_id,))]
        predictions = [{"drill_id": d, "predicted": p, "correct": bool(c)} for d, p, c in self.db.execute(
            "SELECT drill_id, predicted, correct FROM mock_predictions WHERE round_id = ? ORDER BY drill_id",
            (round_id,))]
        return {**{k: row[k] for k in ("started_at", "minutes", "drill_ids", "options", "used_s", "status",
                                       "finished_at", "report")}, "answers": answers, "predictions": predictions}

    def import_(self, data: Any, cap: Callable[[dict], dict] | None = None) -> tuple[int, int, int]:
        """Merge an export, checked in full first, in one transaction: reviews by uid (never twice),
        cards where the import is newer (each through `cap`, which keeps the interval cap), mock
        rounds not already here. Returns (reviews added, cards updated, rounds added)."""
        from drills.exports import check

        data = check(data)
        added = updated = rounds = 0
        with self.transaction() as db:
            for r in data.get("reviews", []):
                cur = db.execute(
                    "INSERT OR IGNORE INTO reviews (uid, drill_id, reviewed_at, rating, auto_rating, verdict,"
                    " elapsed_ms, answer, mode, content_hash, hints, card_before) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (r["uid"], r["drill_id"], r["reviewed_at"], int(r["rating"]), int(r["auto_rating"]),
                     r["verdict"], int(r["elapsed_ms"]), r["answer"], r["mode"], r["content_hash"],
                     int(r.get("hints", 0)), r.get("card_before")))
                added += cur.rowcount
            for c in data.get("cards", []):
                row = db.execute("SELECT updated_at FROM cards WHERE drill_id = ?", (c["drill_id"],)).fetchone()
                if row is None or row[0] < c["updated_at"]:
                    self._put_card(db, c["drill_id"], cap(c["card"]) if cap else c["card"], c["updated_at"])
                    updated += 1
            for s in data.get("suspended", []):
                db.execute("INSERT OR IGNORE INTO suspended VALUES (?, ?)", (s["drill_id"], s["since"]))
            for key, value in data.get("settings", {}).items():
                db.execute("INSERT OR IGNORE INTO settings VALUES (?, ?)", (key, str(value)))
            for r in data.get("mock_rounds", []):
                rounds += self._import_round(db, r)
            for f in data.get("fits", []):
                if not db.execute("SELECT 1 FROM fits WHERE fitted_at = ?", (f["fitted_at"],)).fetchone():
                    db.execute("INSERT INTO fits (fitted_at, parameters, reviews, figures) VALUES (?, ?, ?, ?)",
                               (f["fitted_at"], json.dumps(f["parameters"]) if f["parameters"] is not None else None,
                                f["reviews"], json.dumps(f["figures"])))
        return added, updated, rounds

    @staticmethod
    def _import_round(db: sqlite3.Connection, r: dict[str, Any]) -> bool:
        """A round is the same round when it started at the same instant on the same drills."""
        drill_ids = json.dumps(r["drill_ids"])
        if db.execute("SELECT 1 FROM mock_rounds WHERE started_at = ? AND drill_ids = ?",
                      (r["started_at"], drill_ids)).fetchone():
            return False
        round_id = db.execute(
            "INSERT INTO mock_rounds (started_at, minutes, drill_ids, options, used_s, status, finished_at, report) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (r["started_at"], r["minutes"], drill_ids, json.dumps(r["options"]), r["used_s"], r["status"],
             r.get("finished_at"), None)).lastrowid
        if r.get("report") is not None:
            db.execute("UPDATE mock_rounds SET report = ? WHERE id = ?",
                       (json.dumps({**r["report"], "round": round_id}), round_id))
        for a in r["answers"]:
            db.execute("INSERT OR REPLACE INTO mock_answers VALUES (?, ?, ?, ?, ?, ?)",
                       (round_id, a["drill_id"], a["answer"], a["seconds"], a.get("hints", 0), a["updated_at"]))
        for p in r.get("predictions", []):
            db.execute("INSERT OR REPLACE INTO mock_predictions VALUES (?, ?, ?, ?)",
                       (round_id, p["drill_id"], p["predicted"], int(p["correct"])))
        return True

    # mock rounds
    def start_round(self, started_at: str, minutes: float, drill_ids: list[str], options: dict) -> int:
        with self.transaction() as db:
            round_id = db.execute("INSERT INTO mock_rounds (started_at, minutes, drill_ids, options, status) "
                                  "VALUES (?, ?, ?, ?, 'running')",
                                  (started_at, minutes, json.dumps(drill_ids), json.dumps(options))).lastrowid
            assert round_id is not None  # set by every INSERT
            return round_id

    def save_answer(self, round_id: int, drill_id: str, answer: str, seconds: float, hints: int, used_s: float,
                    when: str) -> None:
        """An answer typed in a round, and the round's time used: one transaction."""
        with self.transaction() as db:
            db.execute("INSERT INTO mock_answers VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, drill_id) DO "
                       "UPDATE SET answer = excluded.answer, seconds = excluded.seconds, hints = excluded.hints, "
                       "updated_at = excluded.updated_at", (round_id, drill_id, answer, seconds, hints, when))
            db.execute("UPDATE mock_rounds SET used_s = ? WHERE id = ?", (used_s, round_id))

    def set_used(self, round_id: int, used_s: float) -> None:
        with self.transaction() as db:
            db.execute("UPDATE mock_rounds SET used_s = ? WHERE id = ?", (used_s, round_id))

    def round(self, round_id: int | None = None, status: str | None = None) -> dict | None:
        sql = "SELECT id, started_at, minutes, drill_ids, options, used_s, status, finished_at, report FROM mock_rounds"
        if round_id is not None:
            row = self.db.execute(sql + " WHERE id = ?", (round_id,)).fetchone()
        else:
            row = self.db.execute(sql + (" WHERE status = ?" if status else "") + " ORDER BY id DESC LIMIT 1",
                                  (status,) if status else ()).fetchone()
        if row is None:
            return None
        keys = ("id", "started_at", "minutes", "drill_ids", "options", "used_s", "status", "finished_at", "report")
        out = dict(zip(keys, row, strict=True))
        out["drill_ids"] = json.loads(out["drill_ids"])
        out["options"] = json.loads(out["options"])
        out["report"] = json.loads(out["report"]) if out["report"] else None
        out["answers"] = {d: {"answer": a, "seconds": s, "hints": h} for d, a, s, h in self.db.execute(
            "SELECT drill_id, answer, seconds, hints FROM mock_answers WHERE round_id = ?", (out["id"],))}
        return out

    def rounds(self) -> list[dict]:
        rows = self.db.execute("SELECT id, started_at, minutes, status, report FROM mock_rounds ORDER BY id")
        return [{"id": i, "started_at": s, "minutes": m, "status": st, "report": json.loads(r) if r else None}
                for i, s, m, st, r in rows]

    def finish_round(self, round_id: int, finished_at: str, report: dict,
                     reviews: list[tuple[Review, Schedule]],
                     predictions: dict[str, tuple[float, bool]] | None = None) -> None:
        """Close a round: its report, the mock-mode reviews of its answers (each card read and
        scheduled inside the transaction) and the recall the forecast gave each drill beside its
        outcome; all or nothing."""
        with self.transaction() as db:
            for drill_id, (predicted, correct) in (predictions or {}).items():
                db.execute("INSERT OR REPLACE INTO mock_predictions VALUES (?, ?, ?, ?)",
                           (round_id, drill_id, predicted, int(correct)))
            for review, schedule in reviews:
                before = self._card(db, review.drill_id)
                self._insert_review(db, review, before)
                after = schedule(before)
                if after is not None:
                    self._put_card(db, review.drill_id, after, review.reviewed_at)
            db.execute("UPDATE mock_rounds SET status = 'finished', finished_at = ?, report = ? WHERE id = ?",
                       (finished_at, json.dumps(report), round_id))

    # fitted parameters
    def save_fit(self, fitted_at: str, parameters: list[float] | None, reviews: int, figures: dict) -> None:
        """Put parameters in use (None: back to the defaults); earlier fits stay as history."""
        with self.transaction() as db:
            db.execute("INSERT INTO fits (fitted_at, parameters, reviews, figures) VALUES (?, ?, ?, ?)",
                       (fitted_at, json.dumps(parameters) if parameters is not None else None, reviews,
                        json.dumps(figures)))

    def fit(self) -> dict | None:
        """The fit in use: {'fitted_at', 'parameters', 'reviews', 'figures'}, or None for the defaults."""
        row = self.db.execute("SELECT fitted_at, parameters, reviews, figures FROM fits "
                              "ORDER BY fitted_at DESC, id DESC LIMIT 1").fetchone()
        if row is None or row[1] is None:
            return None
        return {"fitted_at": row[0], "parameters": json.loads(row[1]), "reviews": row[2],
                "figures": json.loads(row[3])}

    # forecasts checked against mock rounds
    def predictions(self) -> list[tuple[float, int]]:
        """(predicted recall, 1 when correct) for every drill of every judged mock round."""
        return list(self.db.execute("SELECT predicted, correct FROM mock_predictions ORDER BY round_id, drill_id"))

    def integrity(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]


def _may(path: Path, mode: int) -> bool:
    """os.access as the process is (its effective uid and capabilities), not its real uid."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _writable(path: Path) -> bool:
    """Whether this process may write the store: the file (if it exists) and its folder, which
    holds the WAL and shared-memory files beside it."""
    return _may(path.parent, os.W_OK | os.X_OK) and (not path.exists() or _may(path, os.W_OK))


def _no_space(path: Path) -> bool:
    """Whether the store's filesystem is (almost) full: SQLite reports some writes that fail for
    lack of space (its shared-memory file, say) as I/O errors."""
    folder = next((p for p in (path.parent, *path.parents) if p.exists()), path.parent)
    try:
        found = os.statvfs(folder)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < 1 << 20


def _why_read_only(path: Path, exc: BaseException) -> str:
    still = " `drill stats`, `due`, `export` and `list` still work."
    if not path.exists():
        folder = next((p for p in path.parents if p.exists()), path.parent)
        return (f"its folder cannot be created ({getattr(exc, 'strerror', None) or exc}). Make '{folder}' writable, "
                "or choose another home with --home DIR or DRILL_HOME.")
    if not _may(path.parent, os.W_OK | os.X_OK):
        return (f"its folder {path.parent} is read-only (SQLite keeps a journal beside the file). Make it writable "
                f"(chmod u+w '{path.parent}'), or run drill as its owner.{still}")
    if not _may(path, os.W_OK):
        return f"the file is read-only. Make it writable (chmod u+w '{path}'), or run drill as its owner.{still}"
    return f"it is on a read-only filesystem or cannot be written ({exc}). Make it writable.{still}"


FULL, READ_ONLY, DAMAGED, BUSY = "full", "read_only", "damaged", "busy"
RESTORE_HINT = ("`drill doctor` checks it, and `drill doctor --restore` puts the newest good backup in its place "
                "(the damaged file is kept beside it).")


def fault(exc: BaseException, path: Path, saving: bool = False) -> StoreError:
    """What an SQLite or OS error on the store at `path` means, and what to do about it."""
    text = str(exc)
    low = text.lower()
    code = getattr(exc, "errno", None)
    name = getattr(exc, "sqlite_errorname", "") or ""
    lost = " Nothing already saved is lost." if saving else ""
    if code == errno.ENOSPC or "full" in low or name == "SQLITE_FULL" or ("i/o" in low and _no_space(path)):
        what, kind = f"the disk is full. Free some space and try again.{lost}", FULL
    elif (code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in low or "read-only" in low
          or name.startswith("SQLITE_READONLY") or name in ("SQLITE_PERM", "SQLITE_CANTOPEN")
          and not _writable(path)):
        what, kind = f"{_why_read_only(path, exc)}{lost}", READ_ONLY
    elif ("malformed" in low or "not a database" in low or "decode" in low
          or name in ("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        what, kind = f"the file is damaged ({text}); {RESTORE_HINT}", DAMAGED
    elif "i/o" in low or name.startswith("SQLITE_IOERR"):
        what, kind = (f"the disk reported an error ({text}). Check the disk and that it has space, then try again; "
                      f"`drill doctor` checks the store.{lost}"), "other"
    elif "locked" in low or "busy" in low:
        what, kind = "another drill is writing to it and did not finish in 10 seconds; try again.", BUSY
    else:
        what, kind = f"{text}.{lost}", "other"
    doing = "cannot save progress to" if saving else "cannot use the progress store"
    return StoreError(f"{doing} {path}: {what}", path, kind)


def _statements(script: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def utc_text(value: str) -> str:
    """Datetimes as the store keeps them, sortable as text: UTC, ISO 8601 with microseconds
    (2026-01-01T00:10:00.000000+00:00); a naive one is taken as UTC."""
    import datetime as dt

    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
