"""The progress store in trouble: a full disk, a read-only file or folder, a damaged page, text
that is not UTF-8, a home that cannot be created. Each gets one message naming the file, what
is wrong and what to do, a non-zero exit and no traceback, and the saved reviews survive."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from drills import repair
from drills.store import Store

from .conftest import flat
from .faults import damage_page, disk_full, permissions_bind, read_only
from .test_cli_today import answers, drill

READING = (("stats",), ("due",), ("export", "-"), ("list",))


def saved_home(tmp_path):
    """A home with two saved reviews: the recall card, then the numeric drill."""
    result = drill(tmp_path, "today", input=answers("It skips NULLs", "good", "1/6", ":quit"))
    assert result.exit_code == 0, result.output
    assert len(Store(tmp_path).history.reviews()) == 2
    return tmp_path / "progress.sqlite3"


def uids(home) -> list[str]:
    with Store(home) as store:
        return [r.uid for r in store.history.reviews()]


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_a_full_disk_mid_session_says_not_saved_keeps_the_answer_and_exits_1(tmp_path, monkeypatch):
    path = saved_home(tmp_path)
    before = uids(tmp_path)
    with disk_full(monkeypatch):
        result = drill(tmp_path, "today", input=answers("SELECT 1 AS wrong", ":quit"))
    assert result.exit_code == 1
    no_traceback(result)
    message = (f"cannot save progress to {path}: the disk is full. Free some space and try again. Nothing already "
               "saved is lost.")
    assert f"NOT SAVED: {message} Your answer is back in the editor: submit it again once that is fixed, or :quit." \
        in flat(result)
    assert result.output.rstrip().endswith(f"Error: {message}")
    assert "2 drills" not in flat(result) and "1 drill ·" not in flat(result)  # nothing counted as done
    assert uids(tmp_path) == before


def test_the_answer_that_was_not_saved_goes_back_to_the_editor(tmp_path, monkeypatch, fixture_questions):
    from drills import scheduler as sched
    from drills.errors import StoreError
    from drills.queue import Queue
    from drills.session import Session
    from drills.ui import PlainUI

    drafts = []

    class Remember(PlainUI):
        def read_answer(self, q, draft=None):
            drafts.append(draft)
            return "1/6" if len(drafts) == 1 else None

    Store(tmp_path).settings.set("new-per-day", "10")
    with disk_full(monkeypatch), pytest.raises(StoreError, match="the disk is full"):
        Session(fixture_questions, Store(tmp_path), Remember(), sched.Settings(fuzz=False)).run(
            Queue([], ["probability/two-dice-seven"]))
    assert drafts == [None, "1/6"]
    assert Store(tmp_path).history.reviews() == []


@pytest.mark.parametrize("args", [("config", "new-per-day", "5"), ("mock", "--count", "1"), ("undo",),
                                  ("suspend", "sql/top-earner")])
def test_a_full_disk_in_other_writing_commands(tmp_path, monkeypatch, args):
    path = saved_home(tmp_path)
    before = uids(tmp_path)
    with disk_full(monkeypatch):
        result = drill(tmp_path, *args, input=answers(":quit"))
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert (f"Error: cannot save progress to {path}: the disk is full. Free some space and try again. Nothing "
            "already saved is lost.") in flat(result)
    assert uids(tmp_path) == before


def test_a_full_disk_in_import(tmp_path, monkeypatch):
    saved_home(tmp_path / "a")
    assert drill(tmp_path / "a", "export", str(tmp_path / "x.json")).exit_code == 0
    path = saved_home(tmp_path / "b")
    before = uids(tmp_path / "b")
    with disk_full(monkeypatch):
        result = drill(tmp_path / "b", "import", str(tmp_path / "x.json"))
    assert result.exit_code == 1
    no_traceback(result)
    assert f"Error: cannot save progress to {path}: the disk is full." in flat(result)
    assert uids(tmp_path / "b") == before


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_still_reads_and_refuses_writes_with_the_fix(tmp_path, what):
    path = saved_home(tmp_path)
    before = uids(tmp_path)
    exported = drill(tmp_path, "export", "-").output
    target = path if what == "file" else tmp_path
    with read_only(target):
        for args in READING:
            result = drill(tmp_path, *args)
            assert result.exit_code == 0, (args, result.output)
            no_traceback(result)
        assert json.loads(drill(tmp_path, "export", "-").output) == json.loads(exported)
        results = [drill(tmp_path, *args, input=answers("1/6")) for args in
                   (("today",), ("undo",), ("config", "new-per-day", "5"), ("mock", "--count", "1"))]
    if what == "file":
        why = f"the file is read-only. Make it writable (chmod u+w '{path}'), or run drill as its owner."
    else:
        why = (f"its folder {tmp_path} is read-only (SQLite keeps a journal beside the file). Make it writable "
               f"(chmod u+w '{tmp_path}'), or run drill as its owner.")
    for result in results:
        assert result.exit_code == 1, result.output
        no_traceback(result)
        assert flat(result) == (f"Error: cannot save progress to {path}: {why} `drill stats`, `due`, `export` and "
                                "`list` still work. Nothing already saved is lost.")
    assert uids(tmp_path) == before


def test_a_home_whose_parent_cannot_be_written(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    home = parent / "sub" / "home"
    with read_only(parent):
        results = [drill(home, *args, input=answers(":quit")) for args in (("stats",), ("today",), ("export", "-"))]
        listed = drill(home, "list")
    for result in results:
        assert result.exit_code == 1
        no_traceback(result)
        assert flat(result) == (f"Error: cannot use the progress store {home}/progress.sqlite3: its folder cannot "
                                f"be created (Permission denied). Make '{parent}' writable, or choose another home "
                                "with --home DIR or DRILL_HOME.")
    assert listed.exit_code == 0 and "sql/top-earner" in listed.output
    assert not (parent / "sub").exists()


def reviews_root_page(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'reviews'").fetchone()[0]


def test_a_damaged_store_names_the_file_and_the_repair(tmp_path):
    path = saved_home(tmp_path)
    damage_page(path, reviews_root_page(path))
    for args in (("stats",), ("export", "-"), ("today",)):
        result = drill(tmp_path, *args, input=answers(":quit"))
        assert result.exit_code == 1, (args, result.output)
        no_traceback(result)
        assert flat(result).endswith(
            f"Error: cannot use the progress store {path}: the file is damaged (database disk image is malformed); "
            "`drill doctor` checks it, and `drill doctor --restore` puts the newest good backup in its place (the "
            "damaged file is kept beside it).")
    doctor = drill(tmp_path, "doctor")
    assert doctor.exit_code == 1
    assert f"✗ progress store {path}: damaged (" in doctor.output
    assert "Restore the newest good backup with `drill doctor --restore`" in flat(doctor)


def test_text_that_is_not_utf8_is_exported_with_a_warning_and_found_by_doctor(tmp_path):
    path = saved_home(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE reviews SET answer = CAST(x'31ff2f36' AS TEXT) "
                   "WHERE drill_id = 'probability/two-dice-seven'")
    result = drill(tmp_path, "export", str(tmp_path / "out.json"))
    assert result.exit_code == 0, result.output
    assert (f"Warning: 1 text value in {path} is not valid UTF-8: shown with \N{REPLACEMENT CHARACTER} in place of "
            "the bad bytes. `drill doctor` checks the store.") in flat(result)
    answers_out = [r["answer"] for r in json.loads((tmp_path / "out.json").read_text("utf-8"))["reviews"]]
    assert "1\N{REPLACEMENT CHARACTER}/6" in answers_out
    for args in (("stats",), ("due",)):
        assert drill(tmp_path, *args).exit_code == 0
    doctor = drill(tmp_path, "doctor")
    assert "✗ 1 text value not valid UTF-8" in doctor.output
    assert f"✓ progress store {path}: integrity ok, 2 reviews" in doctor.output


def test_backups_are_made_before_the_first_write_of_each_day_and_rotate(tmp_path):
    saved_home(tmp_path)  # a new store: nothing to back up before its first write
    assert drill(tmp_path, "config", "backups", "3").exit_code == 0
    today = repair.backups(tmp_path / "progress.sqlite3")
    assert [p.name for p in today] == [f"progress-{dt.date.today().isoformat()}.sqlite3"]
    store = Store(tmp_path)
    start = dt.date(2026, 1, 1)
    for day in range(5):
        assert repair.daily_backup(store, start + dt.timedelta(days=day)) is None
    kept = repair.backups(store.path)
    assert [p.name for p in kept] == ["progress-2026-01-04.sqlite3", "progress-2026-01-05.sqlite3",
                                      f"progress-{dt.date.today().isoformat()}.sqlite3"]
    assert all(repair.integrity(p) == "ok" for p in kept)
    assert len(Store(path=kept[0]).history.reviews()) == 2
    assert (tmp_path / "backups").stat().st_mode & 0o077 == 0  # answers are private


def test_restore_moves_the_damaged_store_aside_and_says_how_far_behind(tmp_path):
    path = saved_home(tmp_path)  # the first write made a store; the next day's first write backs it up
    backup = repair.backups(path)
    assert backup == []
    with Store(tmp_path) as store:
        repair.daily_backup(store)
    assert drill(tmp_path, "today", input=answers("SELECT 1", ":quit")).exit_code == 0  # a third review
    kept = uids(tmp_path)
    assert len(kept) == 3
    with sqlite3.connect(path) as db:
        index = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'reviews_time'").fetchone()[0]
    damage_page(path, index)
    assert drill(tmp_path, "doctor").exit_code == 1
    result = drill(tmp_path, "doctor", "--restore")
    assert result.exit_code == 0, result.output
    newest = repair.backups(path)[-1]
    aside = next(tmp_path.glob("progress.sqlite3.damaged-*[0-9]"))
    assert flat(result) == (f"restored {newest} (2 reviews) as {path} the replaced store is kept as {aside} the "
                            "backup is 1 review behind: the replaced store had them and the backup does not")
    assert repair.integrity(path) == "ok" and uids(tmp_path) == kept[:2]
    assert repair.integrity(aside) != "ok"  # kept as it was, never deleted
    assert drill(tmp_path, "doctor").exit_code == 0
    assert drill(tmp_path, "stats").exit_code == 0


def test_restore_without_a_good_backup_changes_nothing(tmp_path):
    path = saved_home(tmp_path)
    before = path.read_bytes()
    result = drill(tmp_path, "doctor", "--restore")
    assert result.exit_code == 1
    assert flat(result) == (f"Error: no good backup of {path} in {tmp_path / 'backups'} to restore; the store was "
                            "left as it was")
    assert path.read_bytes() == before


def test_permissions_bind_is_undone(tmp_path):
    """The helper that makes permission bits bind root too must give the override back."""
    target = tmp_path / "f"
    target.write_text("x")
    with read_only(target):
        with pytest.raises(PermissionError):
            target.write_text("y")
    target.write_text("z")
    with permissions_bind():
        pass
    assert target.read_text() == "z"


def _can_mount_tmpfs() -> bool:
    import shutil as sh
    import subprocess

    if not sh.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="mounting a small tmpfs needs a private mount namespace")
def test_a_store_on_a_full_filesystem(tmp_path):
    """A real full disk: a small tmpfs fills up while the store is in use (its WAL files are
    there, as after a crash). The answer is not saved and says so, writing commands say so,
    reading ones work, and once space is freed every saved review is there."""
    import subprocess
    import sys

    from .test_cli_today import ROOT

    saved_home(tmp_path / "seed")
    bank = ROOT / "tests" / "fixtures" / "bank"
    hold = ("import os, sqlite3; db = sqlite3.connect('/mnt/home/progress.sqlite3'); "
            "db.execute('SELECT count(*) FROM reviews').fetchall(); "
            "os.system('dd if=/dev/zero of=/mnt/filler bs=1k 2>/dev/null'); os._exit(0)")
    script = f"""
mount -t tmpfs -o size=400k tmpfs /mnt || exit 99
cp -r '{tmp_path / "seed"}' /mnt/home
'{sys.executable}' -c "{hold}"
drill() {{ '{sys.executable}' -m drills --home /mnt/home --no-builtin --bank '{bank}' "$@"; echo "exit=$?" >&2; }}
printf 'SELECT 1\\n---\\n' | drill today
drill config new-per-day 5 < /dev/null
drill stats > /dev/null
rm /mnt/filler
cp /mnt/home/progress.sqlite3* '{tmp_path / "after"}'
"""
    (tmp_path / "after").mkdir()
    out = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=ROOT,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    text = out.stdout + out.stderr
    message = ("Error: cannot save progress to /mnt/home/progress.sqlite3: the disk is full. Free some space and try "
               "again. Nothing already saved is lost.")
    assert text.count(message) == 2, text
    assert "NOT SAVED: " + message[7:] in " ".join(text.split())
    assert "Stopped early; the last answer was NOT saved." in text
    assert [line for line in text.splitlines() if line.startswith("exit=")] == ["exit=1", "exit=1", "exit=0"], text
    assert "Traceback" not in text
    assert uids(tmp_path / "after") == uids(tmp_path / "seed")
