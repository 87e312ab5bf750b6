"""Landlock: the kernel's unprivileged access control, driven through raw syscalls.

The server builds one ruleset (read-only access beneath the standard library, nothing else;
no TCP; no signals or abstract sockets outside the sandbox) and each child enforces it with a
single `landlock_restrict_self` call, so the per-check cost is one syscall.
"""

from __future__ import annotations

import ctypes
import os

from . import libc

CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1

READ_FILE = 1 << 2
READ_DIR = 1 << 3
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi() -> int:
    """The Landlock ABI version the kernel offers, 0 when Landlock is unavailable."""
    try:
        return libc.syscall(libc.SYS_LANDLOCK_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION, what="landlock")
    except OSError:
        return 0


def handled_fs(version: int) -> int:
    return _FS_BY_ABI[max(v for v in _FS_BY_ABI if v <= version)]


def describe(version: int) -> str:
    if version <= 0:
        return "not offered by this kernel (Linux 5.13+ with landlock in the LSM list)"
    parts = ["read-only standard library, no other file access"]
    if version >= 4:
        parts.append("no TCP bind/connect")
    if version >= 6:
        parts.append("no signals or abstract sockets outside the sandbox")
    return f"ABI {version}: " + "; ".join(parts)


def build_ruleset(read_only: list[str]) -> tuple[int, int]:
    """Create the ruleset and return (fd, abi); the fd is kept open for children to enforce."""
    version = abi()
    if version <= 0:
        raise OSError(95, "Landlock is not available")
    attr = _RulesetAttr(handled_fs(version), 0, 0)
    size = 8
    if version >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 16
    if version >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = 24
    fd = libc.syscall(libc.SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), size, 0, what="landlock_create_ruleset")
    try:
        for path in read_only:
            try:
                parent = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                is_dir = os.path.isdir(path)
                rule = _PathBeneathAttr(READ_FILE | (READ_DIR if is_dir else 0), parent)
                libc.syscall(
                    libc.SYS_LANDLOCK_ADD_RULE,
                    fd,
                    RULE_PATH_BENEATH,
                    ctypes.byref(rule),
                    0,
                    what="landlock_add_rule",
                )
            finally:
                os.close(parent)
    except BaseException:
        os.close(fd)
        raise
    os.set_inheritable(fd, False)
    return fd, version


def restrict_self(ruleset_fd: int) -> None:
    """Enforce the ruleset on this process and every thread it creates later."""
    libc.syscall(libc.SYS_LANDLOCK_RESTRICT_SELF, ruleset_fd, 0, what="landlock_restrict_self")
