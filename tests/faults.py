"""Helpers that put the progress store in trouble: permission bits that bind root too, a full
disk (SQLite's own error, injected), a damaged page."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_CAP_VERSION_3 = 0x20080522
_DAC = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _caps(drop: int) -> int:
    """Clear `drop` from this thread's effective capabilities; returns what was cleared."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    header, data = _Header(_CAP_VERSION_3, 0), (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    had = data[0].effective & drop
    data[0].effective &= ~drop
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    return had


def _raise_caps(bits: int) -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    header, data = _Header(_CAP_VERSION_3, 0), (_Data * 2)()
    libc.capget(ctypes.byref(header), data)
    data[0].effective |= bits
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


@contextmanager
def permissions_bind() -> Iterator[None]:
    """Permission bits apply to this thread as to any user: root's override is dropped meanwhile
    (it stays permitted, so it comes back afterwards)."""
    dropped = _caps(_DAC) if os.geteuid() == 0 else 0
    try:
        yield
    finally:
        if dropped:
            _raise_caps(dropped)


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """`paths` without write permission (and permissions that bind), restored afterwards."""
    modes = {p: p.stat().st_mode & 0o7777 for p in paths}
    for p, mode in modes.items():
        p.chmod(mode & ~0o222)
    try:
        with permissions_bind():
            yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


class _FullDisk(sqlite3.Connection):
    """A connection on a disk with no space left: every write fails as SQLite reports it."""

    def execute(self, sql, *args):
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)


@contextmanager
def disk_full(monkeypatch) -> Iterator[None]:
    """Every SQLite connection opened meanwhile fails its writes with SQLITE_FULL."""
    real = sqlite3.connect

    def connect(*args, **kwargs):
        return real(*args, **{**kwargs, "factory": _FullDisk})

    with monkeypatch.context() as m:
        m.setattr(sqlite3, "connect", connect)
        yield


def damage_page(path: Path, page: int = 2) -> None:
    """Overwrite one page of the database file (after the header page) with junk."""
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    start = size * (page - 1)
    data[start:start + size] = b"\x55" * size
    path.write_bytes(bytes(data))
