"""The progress store's connection: SQLite in WAL mode, one transaction per write.

`Store` opens the database (read-only when it cannot be written), brings its tables up to date
(migrations.py) and runs every write in a transaction preceded, once a day, by a backup
(repair.py). The tables are read and written through one object per table family, attributes
of the open store: `history` (cards, reviews, suspensions), `rounds` (mock rounds), `fits`
(fitted parameters and forecasts) and `settings`. A review and the card it produces are
committed together before the next prompt, so Ctrl-C, a closed terminal or `kill -9` loses at
most the answer being typed.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from drills.errors import DrillError, StoreError
from drills.store.faults import FULL, fault, writable
from drills.store.fits import Fits
from drills.store.history import History
from drills.store.migrations import MIGRATIONS, SCHEMA_VERSION, statements
from drills.store.rounds import Rounds
from drills.store.settings import Settings

DB_NAME = "progress.sqlite3"


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
        # each table family reads and writes through this store's connection and transactions
        self.history = History(self)
        self.rounds = Rounds(self)
        self.fits = Fits(self)
        self.settings = Settings(self)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fault(exc, self.path) from None
        try:
            if writable(self.path):
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
                for statement in statements(MIGRATIONS[target]):
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

    def integrity(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def copy_into(self, target: sqlite3.Connection) -> None:
        """SQLite's online backup into `target`: consistent while other terminals write."""
        self.db.backup(target)
