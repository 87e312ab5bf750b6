"""The cache folder: derived data kept in drill's home, as JSON that only its owner wrote.

Everything cached (parsed drills, table previews, reference outputs) can be rebuilt, so a
missing, stale or doubtful file is simply ignored. A cache never holds code: values go
through a small tagged JSON codec, and a file or folder that another user could have written
is not read at all. The home is the one `--home` / DRILL_HOME chose.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

_home: Path | None = None


def set_home(home: Path | None) -> None:
    """Use `home` (None: the default data folder) for every cache of this process."""
    global _home
    _home = Path(home).expanduser() if home else None


def home() -> Path:
    if _home is not None:
        return _home
    from drills.store import default_home

    return default_home()


def folder(name: str) -> Path:
    """The folder of one cache, inside the home's `cache` folder."""
    return home() / "cache" / name


def _trusted(st: os.stat_result, is_dir: bool) -> bool:
    kind_ok = stat.S_ISDIR(st.st_mode) if is_dir else stat.S_ISREG(st.st_mode)
    return kind_ok and st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted_folders(path: Path) -> bool:
    """The file's folder and every folder up to the home's `cache` folder: ours, not shared."""
    root = home() / "cache"
    folder = path.parent
    try:
        while True:
            if not _trusted(os.lstat(folder), is_dir=True):
                return False
            if folder == root or folder == folder.parent or root not in folder.parents:
                return True
            folder = folder.parent
    except OSError:
        return False


def read_json(path: Path) -> Any | None:
    """The file's JSON, or None if it is missing, damaged, or could have been written by others."""
    if not hasattr(os, "geteuid"):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not _trusted(os.fstat(fd), is_dir=False) or not _trusted_folders(path):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> bool:
    """Write atomically, readable and writable by the owner only; False if it could not be."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _make_folders(path.parent)
        text = json.dumps(data, separators=(",", ":"), allow_nan=False)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        return True
    except (OSError, ValueError, TypeError, RecursionError):
        try:
            tmp.unlink()
        except OSError:
            pass
        return False


def _make_folders(folder: Path) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        os.mkdir(f, 0o700)


class Unencodable(ValueError):
    """A value the cache codec does not know; the entry is simply not cached."""


def encode(value: Any) -> Any:
    """JSON-ready data for the values YAML and DuckDB produce, tagged where JSON has no type."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        if value != value or value in (float("inf"), float("-inf")):
            return {"$float": repr(value)}
        return value
    if type(value) in (list, tuple):
        items = [encode(v) for v in value]
        return items if type(value) is list else {"$tuple": items}
    if type(value) is dict:
        return {"$dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    raise Unencodable(type(value).__name__)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "$float": float,
    "$tuple": lambda items: tuple(decode(v) for v in items),
    "$dict": lambda pairs: {decode(k): decode(v) for k, v in pairs},
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$timedelta": lambda parts: dt.timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "$decimal": Decimal,
    "$uuid": uuid.UUID,
    "$bytes": lambda text: base64.b64decode(text.encode("ascii")),
}


def decode(data: Any) -> Any:
    """The value `encode` was given; raises ValueError (or TypeError) on anything else."""
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v) for v in data]
    if type(data) is dict and len(data) == 1:
        ((tag, body),) = data.items()
        if tag in _DECODERS:
            return _DECODERS[tag](body)
    raise ValueError("not a cached value")
