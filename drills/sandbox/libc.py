"""ctypes access to the few Linux calls the sandbox needs, so no C extension is required."""

from __future__ import annotations

import ctypes
import os
import platform
import sys

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

# Syscall numbers that glibc may not wrap (x86_64 and the generic table used by aarch64 agree).
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}

_libc: ctypes.CDLL | None = None


def machine() -> str:
    m = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(m, m)


def libc() -> ctypes.CDLL | None:
    """The C library loaded with errno capture, or None off Linux."""
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            from ctypes import util  # slow to import (it loads subprocess): only when needed

            name = util.find_library("c")
            _libc = ctypes.CDLL(name, use_errno=True) if name else None
    return _libc


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _word(arg: object) -> object:
    """Variadic calls need full machine words; a bare Python int would pass as a C int."""
    return ctypes.c_ulong(arg & (2**64 - 1)) if isinstance(arg, int) else arg


_functions: dict[str, object] = {}


def function(name: str, restype: type = ctypes.c_int):
    """A libc function with its return type set once (children fork with it ready)."""
    fn = _functions.get(name)
    if fn is None:
        lib = libc()
        if lib is None:
            raise OSError(38, f"{name}: not on Linux")
        fn = getattr(lib, name)
        fn.restype = restype
        _functions[name] = fn
    return fn


def syscall(number: int, *args: object, what: str = "syscall") -> int:
    fn = function("syscall", ctypes.c_long)
    return _check(fn(ctypes.c_long(number), *map(_word, args)), what)


def prctl(option: int, arg2: object = 0, arg3: object = 0, what: str = "prctl") -> int:
    fn = function("prctl")
    return _check(fn(ctypes.c_int(option), _word(arg2), _word(arg3), _word(0), _word(0)), what)


def unshare(flags: int) -> None:
    _check(function("unshare")(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    fn = function("mount")
    args = [None if v is None else os.fsencode(v) for v in (source, target, fstype)]
    _check(fn(*args, ctypes.c_ulong(flags), None if data is None else os.fsencode(data)), f"mount {target}")


def umount(target: str, flags: int) -> None:
    _check(function("umount2")(os.fsencode(target), ctypes.c_int(flags)), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    number = SYS_PIVOT_ROOT.get(machine())
    if number is None:
        raise OSError(38, "pivot_root: unknown architecture")
    syscall(number, os.fsencode(new_root), os.fsencode(put_old), what="pivot_root")
