"""The progress store's tables, as the schema versions that build them one after another.

A store records its version in `PRAGMA user_version`; opening it runs the migrations it lacks
(connection.py), in one transaction.
"""

from __future__ import annotations

SCHEMA_VERSION = 3

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


def statements(script: str) -> list[str]:
    """A migration's statements, one by one, its `--` comments left out."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
