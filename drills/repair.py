"""Rolling backups of the progress store, its health check, and restoring a backup.

Before the first write of each day the store is copied with SQLite's online backup API
(consistent while other terminals write) into `backups/` beside it, and the copy is checked
with `PRAGMA integrity_check` before it replaces anything. `drill doctor` checks the store;
`drill doctor --restore` moves a damaged store aside, never deleting it, and copies the
newest good backup in its place. (The JSON export file is exports.py's business.)
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drills.errors import StoreError

if TYPE_CHECKING:
    from drills.store import Store

FOLDER = "backups"


def folder(path: Path) -> Path:
    return path.parent / FOLDER


def backups(path: Path) -> list[Path]:
    """The store's backups, oldest first (their names sort by date)."""
    try:
        return sorted(p for p in folder(path).glob(f"{path.stem}-*{path.suffix}") if p.is_file())
    except OSError:
        return []


def keep(store: Store) -> int:
    """The `backups` setting: how many daily copies to keep."""
    from drills.errors import DrillError
    from drills.scheduler import Settings

    try:
        return max(1, Settings.from_store(store.settings.all()).backups)
    except DrillError:  # another setting is broken: that is `drill config`'s to say
        return Settings.backups


def daily_backup(store: Store, today: dt.date | None = None) -> str | None:
    """Copy the store into today's backup unless one exists, then keep only the newest `keep`.
    Returns a problem to report (the copy failed its check), or None."""
    day = today or dt.date.today()
    target = folder(store.path) / f"{store.path.stem}-{day.isoformat()}{store.path.suffix}"
    if target.exists():
        return None
    target.parent.mkdir(mode=0o700, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        copy = sqlite3.connect(tmp)
        try:
            store.copy_into(copy)
        finally:
            copy.close()
        verdict = integrity(tmp)
        if verdict != "ok":
            return (f"today's backup of {store.path} failed its integrity check ({verdict}), so older backups "
                    "were kept; run `drill doctor`")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    for old in backups(store.path)[: -keep(store)]:
        old.unlink(missing_ok=True)
    return None


def _open_ro(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect("file:" + urllib.parse.quote(str(path)) + "?mode=ro", uri=True)
    db.text_factory = bytes  # a check reads what is there, valid UTF-8 or not
    return db


def integrity(path: Path) -> str:
    """'ok', or what SQLite's integrity check (or opening the file) says is wrong."""
    try:
        db = _open_ro(path)
        try:
            rows = db.execute("PRAGMA integrity_check").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return str(exc)
    found = [r[0].decode("utf-8", "replace") if isinstance(r[0], bytes) else str(r[0]) for r in rows]
    if found == ["ok"]:
        return "ok"
    return "; ".join(found[:3]) + (f" (and {len(found) - 3} more)" if len(found) > 3 else "")


def _not_utf8(path: Path) -> int:
    """Text values that are not UTF-8 (a bad write, or an edit by another program)."""
    db = _open_ro(path)
    try:
        bad = 0
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            name = table.decode()
            for row in db.execute(f'SELECT * FROM "{name}"'):
                for value in row:
                    if isinstance(value, bytes):
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError:
                            bad += 1
        return bad
    finally:
        db.close()


@dataclass(frozen=True)
class Health:
    path: Path
    problem: str | None        # None when the store is sound
    reviews: int | None        # None when they cannot be counted
    not_utf8: int
    backups: list[Path]

    @property
    def ok(self) -> bool:
        return self.problem is None


def check(path: Path) -> Health:
    """The store's integrity, its review count and its backups."""
    found = backups(path)
    if not path.exists():
        return Health(path, None, 0, 0, found)
    problem = integrity(path)
    reviews = _reviews(path)
    try:
        bad = _not_utf8(path) if problem == "ok" else 0
    except sqlite3.Error:
        bad = 0
    return Health(path, None if problem == "ok" else problem, reviews, bad, found)


def _uids(path: Path) -> set[bytes] | None:
    try:
        db = _open_ro(path)
        try:
            return {r[0] for r in db.execute("SELECT uid FROM reviews")}
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _reviews(path: Path) -> int | None:
    uids = _uids(path)
    return None if uids is None else len(uids)


@dataclass(frozen=True)
class Restored:
    backup: Path
    aside: Path | None         # where the replaced store now is
    reviews: int               # in the restored store
    behind: int | None         # reviews in the replaced store that the backup lacks; None: unknown
    made: str                  # the day the backup was made


def restore(path: Path, backup: Path | None = None, now: dt.datetime | None = None) -> Restored:
    """Put `backup` (default: the newest that passes its check) in place of the store, after
    moving the store and its WAL files aside under a dated name."""
    if backup is not None:
        problem = integrity(backup) if backup.is_file() else "no such file"
        if problem != "ok":
            raise StoreError(f"cannot restore {backup}: {problem}; `drill doctor` lists the backups", backup,
                             "damaged")
        chosen = backup
    else:
        good = [b for b in reversed(backups(path)) if integrity(b) == "ok"]
        if not good:
            raise StoreError(f"no good backup of {path} in {folder(path)} to restore; the store was left as it was",
                             path, "damaged")
        chosen = good[0]
    before = _uids(path) if path.exists() else set()
    kept = _uids(chosen) or set()
    aside = None
    if path.exists():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    source = _open_ro(chosen)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        source.close()
        target.close()
    made = chosen.stem[-10:]
    try:
        dt.date.fromisoformat(made)
    except ValueError:  # a file given by name: its modification day
        made = dt.date.fromtimestamp(chosen.stat().st_mtime).isoformat()
    return Restored(chosen, aside, len(kept), None if before is None else len(before - kept), made)
