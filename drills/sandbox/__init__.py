"""The isolation layer the Python judge runs answers in.

A lazily started server forks a zygote before it reads any request; the zygote isolates
itself once (namespaces, a read-only view of the standard library, an unprivileged uid) and
forks one child per check, which drops into every remaining layer the kernel offers
(rlimits, own session, no capabilities, Landlock, seccomp) before it touches the program.
`doctor()` reports which layers are active here.
"""

from __future__ import annotations

from .client import (
    DEFAULT_MEMORY_MB,
    Encoded,
    SandboxError,
    build,
    doctor,
    isolation_notice,
    protect,
    run,
    server_pid,
    shutdown,
    speed,
    warm,
)
from .report import Built, Run, TestResult

__all__ = [
    "DEFAULT_MEMORY_MB",
    "Built",
    "Encoded",
    "Run",
    "SandboxError",
    "TestResult",
    "build",
    "doctor",
    "isolation_notice",
    "protect",
    "run",
    "server_pid",
    "shutdown",
    "speed",
    "warm",
]
