"""User and network namespaces for the server, and dropping capabilities in each child.

The server enters a fresh user+network namespace once at start-up, so every child it forks
has no network and no privilege over the host, at no per-check cost (a namespace per child
measured about 0.8 ms, as much as the fork itself).
"""

from __future__ import annotations

import ctypes

from . import libc

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
_CAP_VERSION_3 = 0x20080522


def enter_private() -> tuple[bool, str]:
    """Move this (single-threaded) process into new namespaces; report what happened."""
    try:
        libc.unshare(CLONE_NEWUSER | CLONE_NEWNET)
        return True, "private user and network namespace (no network, no host privileges)"
    except OSError as e:
        user_error = e.strerror
    try:
        libc.unshare(CLONE_NEWNET)
        return True, f"private network namespace only (user namespace refused: {user_error})"
    except OSError:
        return False, f"unshare refused ({user_error}); user namespaces may be disabled"


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities() -> None:
    """Clear every capability of this process, which matters most when drill runs as root."""
    number = libc.SYS_CAPSET.get(libc.machine())
    if number is None:
        raise OSError(38, "capset: unknown architecture")
    header = _CapHeader(_CAP_VERSION_3, 0)
    data = (_CapData * 2)()
    libc.syscall(number, ctypes.byref(header), ctypes.byref(data), what="capset")
