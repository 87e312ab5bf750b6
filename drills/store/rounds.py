"""Mock rounds: the drills of each round, every answer as it is typed, and the judged report.

An answer and the round's time used are saved together, so a round resumed after Ctrl-C or a
crash has every answer and the time it had left.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from drills.store.history import Review, Schedule, record_in

if TYPE_CHECKING:
    from drills.store.connection import Store

ROW = ("id", "started_at", "minutes", "drill_ids", "options", "used_s", "status", "finished_at", "report")


class Rounds:
    """The `mock_rounds`, `mock_answers` and (written when a round is judged) `mock_predictions`
    tables of an open store."""

    def __init__(self, store: Store):
        self.store = store

    def start(self, started_at: str, minutes: float, drill_ids: list[str], options: dict) -> int:
        with self.store.transaction() as db:
            round_id = db.execute("INSERT INTO mock_rounds (started_at, minutes, drill_ids, options, status) "
                                  "VALUES (?, ?, ?, ?, 'running')",
                                  (started_at, minutes, json.dumps(drill_ids), json.dumps(options))).lastrowid
            assert round_id is not None  # set by every INSERT
            return round_id

    def save_answer(self, round_id: int, drill_id: str, answer: str, seconds: float, hints: int, used_s: float,
                    when: str) -> None:
        """An answer typed in a round, and the round's time used: one transaction."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO mock_answers VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, drill_id) DO "
                       "UPDATE SET answer = excluded.answer, seconds = excluded.seconds, hints = excluded.hints, "
                       "updated_at = excluded.updated_at", (round_id, drill_id, answer, seconds, hints, when))
            db.execute("UPDATE mock_rounds SET used_s = ? WHERE id = ?", (used_s, round_id))

    def set_used(self, round_id: int, used_s: float) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE mock_rounds SET used_s = ? WHERE id = ?", (used_s, round_id))

    def get(self, round_id: int | None = None, status: str | None = None) -> dict | None:
        """Round `round_id`, else the newest (with `status`, if given), with its answers so far."""
        db = self.store.db
        sql = f"SELECT {', '.join(ROW)} FROM mock_rounds"
        if round_id is not None:
            row = db.execute(sql + " WHERE id = ?", (round_id,)).fetchone()
        else:
            row = db.execute(sql + (" WHERE status = ?" if status else "") + " ORDER BY id DESC LIMIT 1",
                             (status,) if status else ()).fetchone()
        if row is None:
            return None
        out = dict(zip(ROW, row, strict=True))
        out["drill_ids"] = json.loads(out["drill_ids"])
        out["options"] = json.loads(out["options"])
        out["report"] = json.loads(out["report"]) if out["report"] else None
        out["answers"] = {d: {"answer": a, "seconds": s, "hints": h} for d, a, s, h in db.execute(
            "SELECT drill_id, answer, seconds, hints FROM mock_answers WHERE round_id = ?", (out["id"],))}
        return out

    def all(self) -> list[dict]:
        """Every round, oldest first, without its answers."""
        rows = self.store.db.execute("SELECT id, started_at, minutes, status, report FROM mock_rounds ORDER BY id")
        return [{"id": i, "started_at": s, "minutes": m, "status": st, "report": json.loads(r) if r else None}
                for i, s, m, st, r in rows]

    def finish(self, round_id: int, finished_at: str, report: dict, reviews: list[tuple[Review, Schedule]],
               predictions: dict[str, tuple[float, bool]] | None = None) -> None:
        """Close a round: its report, the mock-mode reviews of its answers (each card read and
        scheduled inside the transaction) and the recall the forecast gave each drill beside its
        outcome; all or nothing."""
        with self.store.transaction() as db:
            for drill_id, (predicted, correct) in (predictions or {}).items():
                db.execute("INSERT OR REPLACE INTO mock_predictions VALUES (?, ?, ?, ?)",
                           (round_id, drill_id, predicted, int(correct)))
            for review, schedule in reviews:
                record_in(db, review, schedule)
            db.execute("UPDATE mock_rounds SET status = 'finished', finished_at = ?, report = ? WHERE id = ?",
                       (finished_at, json.dumps(report), round_id))
