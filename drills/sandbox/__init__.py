"""The isolation layer the Python judge runs answers in.

A lazily started server forks a zygote before it reads any request; the zygote isolates
itself once (namespaces, a read-only view of the standard library, an unprivileged uid) and
forks one child per check, which drops into every remaining layer the kernel offers
(rlimits, own session, no capabilities, Landlock, seccomp) before it touches the program.
`doctor()` reports which layers are active here.

The names below are imported on first use: `drill today` names the banks to hide
(`protect`) long before, if ever, it needs the client and the server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import (
        DEFAULT_MEMORY_MB,
        Encoded,
        SandboxError,
        build,
        doctor,
        isolation_notice,
        run,
        server_pid,
        shutdown,
        speed,
        warm,
    )
    from .hidden import protect
    from .report import Built, Run, TestResult

_WHERE = {
    **dict.fromkeys(("DEFAULT_MEMORY_MB", "Encoded", "SandboxError", "build", "doctor", "isolation_notice", "run",
                     "server_pid", "shutdown", "speed", "warm"), "client"),
    "protect": "hidden",
    **dict.fromkeys(("Built", "Run", "TestResult"), "report"),
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
