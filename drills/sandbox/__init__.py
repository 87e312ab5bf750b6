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

if TYPE_CHECKING:  # the same names, for type checkers
    from .client import DEFAULT_MEMORY_MB as DEFAULT_MEMORY_MB
    from .client import Encoded as Encoded
    from .client import SandboxError as SandboxError
    from .client import build as build
    from .client import doctor as doctor
    from .client import isolation_notice as isolation_notice
    from .client import run as run
    from .client import server_pid as server_pid
    from .client import shutdown as shutdown
    from .client import speed as speed
    from .client import warm as warm
    from .hidden import protect as protect
    from .report import Built as Built
    from .report import Run as Run
    from .report import TestResult as TestResult

_WHERE = {
    **dict.fromkeys(("DEFAULT_MEMORY_MB", "Encoded", "SandboxError", "build", "doctor", "isolation_notice", "run",
                     "server_pid", "shutdown", "speed", "warm"), "client"),
    "protect": "hidden",
    **dict.fromkeys(("Built", "Run", "TestResult"), "report"),
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
