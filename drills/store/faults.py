"""What an SQLite or OS error on the progress store means, and what to do about it.

Every error the store meets becomes a StoreError naming the file, what is wrong and the fix,
with a kind (full, read_only, damaged, busy) that callers branch on instead of the text.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from drills.errors import StoreError


def may(path: Path, mode: int) -> bool:
    """os.access as the process is (its effective uid and capabilities), not its real uid."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def writable(path: Path) -> bool:
    """Whether this process may write the store: the file (if it exists) and its folder, which
    holds the WAL and shared-memory files beside it."""
    return may(path.parent, os.W_OK | os.X_OK) and (not path.exists() or may(path, os.W_OK))


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
    if not may(path.parent, os.W_OK | os.X_OK):
        return (f"its folder {path.parent} is read-only (SQLite keeps a journal beside the file). Make it writable "
                f"(chmod u+w '{path.parent}'), or run drill as its owner.{still}")
    if not may(path, os.W_OK):
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
          and not writable(path)):
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
