from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.errors import DrillError
from drills.store import SCHEMA_VERSION, Review, Store, transfer

CARD = {"card_id": 1, "state": 2, "step": None, "stability": 3.1, "difficulty": 5.0,
        "due": "2026-03-05T09:00:00+00:00", "last_review": "2026-03-02T09:00:00+00:00"}


def review(drill_id="sql/a", when="2026-03-02T09:00:00.000000+00:00", rating=3, answer="SELECT 1", mode="today"):
    return Review(drill_id, when, rating, rating, "correct", 4200, answer, mode, "abc123")


def test_record_and_read_back(tmp_path):
    with Store(tmp_path) as store:
        saved = store.history.record(review(), CARD, None)
        assert saved.id == 1 and len(saved.uid) == 32
        assert store.history.card("sql/a") == CARD
        assert store.history.reviews() == [saved]
        assert store.history.due_before("2026-03-06") == [("sql/a", "2026-03-05T09:00:00.000000+00:00")]
    assert (tmp_path / "progress.sqlite3").exists()
    with sqlite3.connect(tmp_path / "progress.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_undo_restores_the_card_before(tmp_path):
    store = Store(tmp_path)
    store.history.record(review(), CARD, None)
    later = {**CARD, "due": "2026-03-20T09:00:00+00:00"}
    store.history.record(review(when="2026-03-05T09:00:00.000000+00:00"), later, CARD)
    assert store.history.undo_last().reviewed_at.startswith("2026-03-05")
    assert store.history.card("sql/a") == CARD
    store.history.undo_last()
    assert store.history.card("sql/a") is None  # back to new
    assert store.history.undo_last() is None


def test_rerate_keeps_both_ratings(tmp_path):
    store = Store(tmp_path)
    saved = store.history.record(review(rating=1), CARD, None)
    store.history.rerate(saved.id, 3, {**CARD, "due": "2026-04-01T00:00:00+00:00"})
    (r,) = store.history.reviews()
    assert (r.auto_rating, r.rating) == (1, 3)
    assert store.history.card("sql/a")["due"].startswith("2026-04-01")


def test_a_newer_store_is_refused_untouched(tmp_path):
    Store(tmp_path).close()
    path = tmp_path / "progress.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(DrillError, match=r"written by a newer drill \(schema 4, this drill knows 3\); upgrade"):
        Store(tmp_path)
    assert path.read_bytes() == before


def test_corrupt_store_is_a_clear_error(tmp_path):
    (tmp_path / "progress.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(DrillError, match="progress store .*: the file is damaged .*drill doctor --restore"):
        Store(tmp_path)


def test_suspend_reset_settings(tmp_path):
    store = Store(tmp_path)
    assert store.history.suspend("sql/a", "t") and not store.history.suspend("sql/a", "t")
    assert store.history.suspended() == {"sql/a"}
    assert store.history.unsuspend("sql/a") and not store.history.unsuspend("sql/a")
    store.history.record(review(), CARD, None)
    store.history.record(review("sql/b"), CARD, None)
    assert store.history.reset("sql/a") == 1
    assert store.history.card("sql/a") is None and store.history.card("sql/b") == CARD
    assert store.history.reset(None) == 1 and store.history.count() == 0
    store.settings.set("new-per-day", "5")
    assert store.settings.all() == {"new-per-day": "5"}
    store.settings.set("new-per-day", None)
    assert store.settings.all() == {}


def test_import_merges_and_never_duplicates(tmp_path):
    a = Store(tmp_path / "a")
    a.history.record(review(), CARD, None)
    a.history.suspend("sql/z", "2026-03-02T09:00:00.000000+00:00")
    exported = json.loads(json.dumps(transfer.export(a)))
    b = Store(tmp_path / "b")
    b.history.record(review("sql/b"), CARD, None)
    assert transfer.merge(b, exported) == (1, 1, 0)
    assert transfer.merge(b, exported) == (0, 0, 0)
    assert sorted(r.drill_id for r in b.history.reviews()) == ["sql/a", "sql/b"]
    assert b.history.suspended() == {"sql/z"}


def test_damaged_import_changes_nothing(tmp_path):
    store = Store(tmp_path)
    data = Store(tmp_path / "src")
    data.history.record(review(), CARD, None)
    exported = transfer.export(data)
    del exported["reviews"][0]["rating"]
    with pytest.raises(DrillError, match=r"1 problem; nothing was imported:\n  reviews\[0\]: missing required "
                                         "field 'rating'"):
        transfer.merge(store, exported)
    assert store.history.count() == 0
    with pytest.raises(DrillError, match="not a drill progress export"):
        transfer.merge(store, {"hello": 1})


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=200), st.integers(1, 4), st.sampled_from(["today", "mock", "cram"])),
                min_size=1, max_size=8))
def test_export_import_round_trip(tmp_path_factory, items):
    src = Store(tmp_path_factory.mktemp("src"))
    for i, (answer, rating, mode) in enumerate(items):
        src.history.record(review(f"sql/d{i % 3}", f"2026-03-02T09:00:{i:02d}.000000+00:00", rating, answer, mode),
                   CARD, None)
    dst = Store(tmp_path_factory.mktemp("dst"))
    transfer.merge(dst, json.loads(json.dumps(transfer.export(src))))
    assert transfer.export(dst) == transfer.export(src)


def _writer(home, name, n):
    store = Store(home)
    for i in range(n):
        store.history.record(review(f"sql/{name}{i}", answer=f"{name}{i}"), CARD, None)
    store.close()


def test_two_processes_writing_at_once_corrupt_nothing(tmp_path):
    Store(tmp_path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(tmp_path, name, 150)) for name in ("x", "y")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = Store(tmp_path)
    assert store.history.count() == 300
    assert len(store.history.cards()) == 300
    assert store.integrity() == "ok"


def test_a_version_1_store_is_migrated_and_keeps_its_reviews(tmp_path):
    from drills.store.migrations import MIGRATIONS, statements

    path = tmp_path / "progress.sqlite3"
    with sqlite3.connect(path) as db:  # exactly what drill 0.1 created
        for statement in statements(MIGRATIONS[1]):
            db.execute(statement)
        db.execute("INSERT INTO reviews (uid, drill_id, reviewed_at, rating, auto_rating, verdict, elapsed_ms,"
                   " answer, mode, content_hash) VALUES ('u1', 'sql/a', '2026-01-01', 3, 3, 'correct', 5, 'x',"
                   " 'today', 'h')")
        db.execute("PRAGMA user_version = 1")
    store = Store(tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    assert [r.uid for r in store.history.reviews()] == ["u1"]
    assert store.rounds.all() == []


def test_two_terminals_answering_one_drill_both_move_its_card(tmp_path):
    """Each card update reads the card inside its own write transaction: none is lost."""
    import threading

    Store(tmp_path).close()
    rounds = 25
    start = threading.Barrier(2)

    def count(before):
        time.sleep(0.001)  # a wide window between reading the card and writing it
        n = (before or {"n": 0})["n"] + 1
        return {"n": n, "due": f"2026-03-{1 + n % 28:02d}T00:00:00+00:00"}

    def writer():
        store = Store(tmp_path)
        start.wait()
        for _ in range(rounds):
            store.history.record_scheduled(review(), count)
        store.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = Store(tmp_path)
    assert store.history.card("sql/a")["n"] == 2 * rounds
    befores = [json.loads(r[0])["n"] if r[0] else 0 for r in store.db.execute(
        "SELECT card_before FROM reviews ORDER BY id")]
    assert befores == list(range(2 * rounds))  # each review saw the card the one before it made


def test_only_the_store_package_touches_the_store_connection():
    """Every query is a named method of drills/store/, the one place that knows the tables: a
    module elsewhere reading `store.db` would bypass read-only mode, faults and transactions."""
    import re
    from pathlib import Path

    import drills

    root = Path(drills.__file__).parent
    outside = [p for p in root.rglob("*.py") if p.relative_to(root).parts[0] != "store"]
    assert len(outside) > 50
    for path in outside:
        assert not re.search(r"\.db\b", path.read_text(encoding="utf-8")), path
