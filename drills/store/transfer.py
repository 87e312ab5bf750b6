"""The whole store to and from the export file (`drill export`, `drill import`).

The file's format, and the checks an import passes before anything is written, are
exports.py's; this module maps it to the tables and back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from drills.exports import FORMAT, check
from drills.store.history import Review, put_card
from drills.store.migrations import SCHEMA_VERSION

if TYPE_CHECKING:
    from drills.store.connection import Store


def export(store: Store) -> dict[str, Any]:
    db = store.db
    cols = [f.name for f in fields(Review) if f.name != "id"] + ["card_before"]
    reviews = [dict(zip(cols, row, strict=True)) for row in
               db.execute("SELECT " + ", ".join(cols) + " FROM reviews ORDER BY id")]
    return {
        "format": FORMAT, "schema": SCHEMA_VERSION,
        "cards": [{"drill_id": d, "card": json.loads(c), "updated_at": u}
                  for d, c, u in db.execute("SELECT drill_id, card, updated_at FROM cards ORDER BY drill_id")],
        "reviews": reviews,
        "suspended": [{"drill_id": d, "since": s} for d, s in db.execute("SELECT * FROM suspended")],
        "settings": store.settings.all(),
        "mock_rounds": [_round_export(store, round_id) for (round_id,) in
                        db.execute("SELECT id FROM mock_rounds ORDER BY id").fetchall()],
        "fits": [{"fitted_at": f, "parameters": json.loads(p) if p else None, "reviews": n,
                  "figures": json.loads(g)} for f, p, n, g in
                 db.execute("SELECT fitted_at, parameters, reviews, figures FROM fits ORDER BY id")],
    }


def _round_export(store: Store, round_id: int) -> dict[str, Any]:
    row = store.rounds.get(round_id)
    assert row is not None  # the id was just read from mock_rounds
    answers = [{"drill_id": d, "answer": a, "seconds": s, "hints": h, "updated_at": u} for d, a, s, h, u in
               store.db.execute("SELECT drill_id, answer, seconds, hints, updated_at FROM mock_answers "
                                "WHERE round_id = ? ORDER BY updated_at, drill_id", (round_id,))]
    predictions = [{"drill_id": d, "predicted": p, "correct": bool(c)} for d, p, c in store.db.execute(
        "SELECT drill_id, predicted, correct FROM mock_predictions WHERE round_id = ? ORDER BY drill_id",
        (round_id,))]
    return {**{k: row[k] for k in ("started_at", "minutes", "drill_ids", "options", "used_s", "status",
                                   "finished_at", "report")}, "answers": answers, "predictions": predictions}


def merge(store: Store, data: Any, cap: Callable[[dict], dict] | None = None) -> tuple[int, int, int]:
    """Merge an export, checked in full first, in one transaction: reviews by uid (never twice),
    cards where the import is newer (each through `cap`, which keeps the interval cap), mock
    rounds not already here. Returns (reviews added, cards updated, rounds added)."""
    data = check(data)
    added = updated = rounds = 0
    with store.transaction() as db:
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
                put_card(db, c["drill_id"], cap(c["card"]) if cap else c["card"], c["updated_at"])
                updated += 1
        for s in data.get("suspended", []):
            db.execute("INSERT OR IGNORE INTO suspended VALUES (?, ?)", (s["drill_id"], s["since"]))
        for key, value in data.get("settings", {}).items():
            db.execute("INSERT OR IGNORE INTO settings VALUES (?, ?)", (key, str(value)))
        for r in data.get("mock_rounds", []):
            rounds += _import_round(db, r)
        for f in data.get("fits", []):
            if not db.execute("SELECT 1 FROM fits WHERE fitted_at = ?", (f["fitted_at"],)).fetchone():
                db.execute("INSERT INTO fits (fitted_at, parameters, reviews, figures) VALUES (?, ?, ?, ?)",
                           (f["fitted_at"], json.dumps(f["parameters"]) if f["parameters"] is not None else None,
                            f["reviews"], json.dumps(f["figures"])))
    return added, updated, rounds


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
