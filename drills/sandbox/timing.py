"""Time that measures the answer, not the machine: CPU clocks, run-queue delay, calibration.

A check is limited by the CPU time of the answer's own work, which a busy machine does not
inflate. The server reads a child's CPU clock from outside (the kernel's, so an answer
cannot lie about it), and tells a blocked or sleeping child from a starved one with the
scheduler's run-queue delay. `calibrate()` measures how fast this machine runs Python next
to the reference machine drills' `time_limit`s are written for, once per server.
"""

from __future__ import annotations

import os
import time

# A fixed CPU-bound workload and its CPU time on the reference machine (a 2026 cloud vCPU
# running CPython 3.11, quiet), in nanoseconds. Drills' time limits are stated at that speed.
REFERENCE_NS = 1_450_000
CALIBRATION_RUNS = 9
SPEED_BOUNDS = (0.25, 20.0)


def _workload() -> int:
    """Integer arithmetic, list, dict and string operations, as typical answers mix them."""
    total = 0
    seen: dict[int, int] = {}
    items = []
    for i in range(6000):
        total += (i * i) % 7
        seen[i % 97] = seen.get(i % 97, 0) + i
        items.append(str(i))
    items.sort(key=len)
    return total + len("".join(items)) + len(seen)


def calibrate(runs: int = CALIBRATION_RUNS) -> float:
    """This machine's time for the workload over the reference's (above 1: slower).

    The fastest of a few runs, in CPU time, so neither other processes nor a cold cache
    on the first run skew it.
    """
    best = None
    for _ in range(runs):
        start = time.process_time_ns()
        _workload()
        took = time.process_time_ns() - start
        best = took if best is None else min(best, took)
    low, high = SPEED_BOUNDS
    return min(max((best or REFERENCE_NS) / REFERENCE_NS, low), high)


def process_cpu_ns(pid: int) -> int | None:
    """CPU time (user + system, all threads) of any process, from its kernel clock."""
    try:
        return time.clock_gettime_ns((~pid << 3) | 2)  # CPUCLOCK_SCHED of the whole process
    except (OSError, OverflowError):
        return _stat_cpu_ns(pid)


_TICK_NS = 0


def _stat_cpu_ns(pid: int) -> int | None:
    """Fallback: utime + stime from /proc, in clock ticks."""
    global _TICK_NS
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        if not _TICK_NS:
            _TICK_NS = 1_000_000_000 // os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) * _TICK_NS
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def runnable(pid: int) -> bool:
    """Whether the process is running or waiting for a CPU (state R), from /proc/PID/stat.

    Time a virtual machine's host takes from its CPU (steal time) counts neither as running
    nor as waiting in the guest's schedstat, so a busy answer on a crowded host can look idle
    there; its state still says R."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        return data[data.rindex(b")") + 2:data.rindex(b")") + 3] == b"R"
    except (OSError, ValueError):
        return False


def schedstat(pid: int) -> tuple[int, int] | None:
    """(ns on a CPU, ns waiting in a run queue) of the process's main thread, if the kernel says."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as f:
            running, waiting = f.read().split()[:2]
        return int(running), int(waiting)
    except (OSError, ValueError):
        return None
