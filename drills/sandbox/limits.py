"""Resource limits for a child, and memory measurement where the kernel will not enforce them."""

from __future__ import annotations

import ctypes
import os
import sys

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

MIB = 1024 * 1024
OPEN_FILES = 32
# Linux enforces RLIMIT_AS; macOS accepts it and ignores it, so the server polls instead.
AS_ENFORCED = sys.platform.startswith("linux")


def address_space() -> int:
    """This process's current virtual size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def apply(memory_bytes: int, processes: bool = True) -> list[str]:
    """Set hard limits on memory, file size, open files, core dumps and (optionally) processes.

    RLIMIT_NPROC 0 also forbids threads, so it is only used where seccomp cannot stop fork.
    There is no RLIMIT_CPU: arming it makes the kernel sample the process's CPU clock only
    at scheduler ticks, and the server measures and enforces CPU time itself (a child dies
    with the zygote, which dies with the server, which the judge kills if it stops answering).
    Returns the names of limits the kernel refused, so the child can report them.
    """
    if resource is None:
        return ["all"]
    wanted = [
        ("RLIMIT_FSIZE", 0, 0),
        ("RLIMIT_NOFILE", OPEN_FILES, OPEN_FILES),
        ("RLIMIT_CORE", 0, 0),
    ]
    if AS_ENFORCED:  # elsewhere a low RLIMIT_AS can break the interpreter; the server polls
        wanted.append(("RLIMIT_AS", memory_bytes, memory_bytes))
    if processes:
        wanted.append(("RLIMIT_NPROC", 0, 0))
    refused = []
    for name, soft, hard in wanted:
        which = getattr(resource, name, None)
        if which is None:
            refused.append(name)
            continue
        try:
            resource.setrlimit(which, (soft, hard))
        except (OSError, ValueError):
            refused.append(name)
    return refused


class _TaskInfo(ctypes.Structure):
    """The first two fields of macOS's struct proc_taskinfo."""

    _fields_ = [("virtual_size", ctypes.c_uint64), ("resident_size", ctypes.c_uint64)]


_libproc = None


def resident(pid: int) -> int:
    """Resident memory of `pid` in bytes, for the server's polling fallback (0 if unknown)."""
    if sys.platform.startswith("linux"):
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0
    if sys.platform == "darwin":
        global _libproc
        if _libproc is None:
            from ctypes import util

            _libproc = ctypes.CDLL(util.find_library("proc") or "libproc.dylib")
        buf = ctypes.create_string_buffer(256)  # struct proc_taskinfo is 96 bytes
        if _libproc.proc_pidinfo(pid, 4, ctypes.c_uint64(0), buf, 256) <= 0:  # PROC_PIDTASKINFO
            return 0
        return _TaskInfo.from_buffer_copy(buf.raw[: ctypes.sizeof(_TaskInfo)]).resident_size
    return 0
