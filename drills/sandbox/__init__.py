"""The isolation layer the Python judge runs answers in.

A lazily started server forks one child per check; the child drops into every layer the
kernel offers (rlimits, own session, private namespaces, no capabilities, Landlock, seccomp)
before it touches the answer. `doctor()` reports which layers are active here.
"""

from __future__ import annotations

from .client import (
    DEFAULT_MEMORY_MB,
    SandboxError,
    doctor,
    isolation_notice,
    run,
    server_pid,
    shutdown,
)
from .report import Run, TestResult

__all__ = [
    "DEFAULT_MEMORY_MB",
    "Run",
    "SandboxError",
    "TestResult",
    "doctor",
    "isolation_notice",
    "run",
    "server_pid",
    "shutdown",
]
