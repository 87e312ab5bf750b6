"""How fast a sandboxed python check is, next to a bare fork and a fresh interpreter per check.

Run `python bench/sandbox_bench.py [repeats]`; it prints JSON. The three timings are taken
in turns within one loop, so machine noise hits them alike, and a check follows other work
as it does in a session (the zygote forks the next child between checks). Targets: the
check within 5x of the bare fork, and at least 4x faster than a subprocess per check.
`back_to_back_check_ms` is for checks fired with no gap (as in `drill validate`), where the
next child's fork and lock-down are no longer hidden.

`first_check`: a new process judges a shipped drill whose large tests come from `args_code`,
with its expected values already cached in the home: starting the server, the zygote's
isolation, calibration and building the inputs are all in the first check. Target: within
300 ms of a warm check in the same process. `first_check_in_a_session`: the same, after
`sandbox.warm()` started the server in the background a second before, as `drill today`
does when its queue holds a Python drill.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time

from drills import sandbox
from drills.judge import judge
from drills.model import Question

SOLUTION = """\
def running_max(xs):
    out, best = [], None
    for x in xs:
        best = x if best is None or x > best else best
        out.append(best)
    return out
"""

INPUTS = (
    [3, 1, 4, 1, 5],
    [-2, -5],
    [7],
    [1, 2, 3, 4],
    [9, 8, 7],
    [0, 0, 0],
    [5, -1, 6, -2],
    [100],
    [2, 2, 3],
    [-1, -3],
)

QUESTION = Question(
    id="bench/running-max",
    kind="python",
    title="Running maximum",
    topic="bench",
    prompt="Return the running maximum of xs.",
    solution=SOLUTION,
    function="running_max",
    tests=tuple({"args": [xs], "expected": [max(xs[: i + 1]) for i in range(len(xs))]} for xs in INPUTS),
    time_limit=2.0,
)


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _check() -> None:
    verdict = judge(QUESTION, SOLUTION)
    if not verdict.correct:
        raise RuntimeError(f"benchmark drill not correct: {verdict.message}")


def _bare_fork() -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def _subprocess() -> None:
    subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], check=True)


FIRST_CHECK = """
import sys, time, json
sys.path.insert(0, {root!r})
start = time.perf_counter()
from drills.bank import bundled_bank, load_file
from drills.judge import judge
q = load_file(bundled_bank() / "algorithms" / "two-sum-indices.yaml", bundled_bank())
if {warm!r}:  # as `drill today` does when its queue has a Python drill, while the user reads the prompt
    from drills import sandbox
    sandbox.warm()
    time.sleep(1.0)
loaded = time.perf_counter()
first = judge(q, q.solution)
done = time.perf_counter()
warm = []
for _ in range(5):
    t = time.perf_counter()
    judge(q, q.solution)
    warm.append(time.perf_counter() - t)
print(json.dumps({{"ok": first.correct, "first_ms": (done - loaded) * 1000, "warm_ms": sorted(warm)[2] * 1000}}))
"""


def first_check(runs: int = 5, warm: bool = False) -> dict:
    """A fresh process's first check against its warm checks, the expected values on disk;
    with `warm`, the server was started in the background a second before, as in a session."""
    import tempfile
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    script = FIRST_CHECK.format(root=root, warm=warm)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DRILL_HOME": home}
        subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)  # fills the cache
        results = [json.loads(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                             capture_output=True, text=True).stdout) for _ in range(runs)]
    first = statistics.median(r["first_ms"] for r in results)
    warm = statistics.median(r["warm_ms"] for r in results)
    return {
        "drill": "algorithms/two-sum-indices",
        "first_check_ms": round(first, 1),
        "warm_check_ms": round(warm, 1),
        "first_minus_warm_ms": round(first - warm, 1),
        "target_met": all(r["ok"] for r in results) and first - warm <= 300,
    }


def measure(repeats: int = 50) -> dict:
    """Median milliseconds of each way to run a check, plus the active isolation layers."""
    layers = sandbox.doctor()
    for _ in range(3):
        _check()
    checks, forks, spawns = [], [], []
    for _ in range(repeats):
        checks.append(_time(_check))
        forks.append(_time(_bare_fork))
        spawns.append(_time(_subprocess))
    back_to_back = [_time(_check) for _ in range(repeats)]
    check, fork, spawn = (statistics.median(x) for x in (checks, forks, spawns))
    return {
        "tests_per_check": len(QUESTION.tests),
        "repeats": repeats,
        "sandboxed_check_ms": round(check, 3),
        "bare_fork_ms": round(fork, 3),
        "subprocess_per_check_ms": round(spawn, 3),
        "back_to_back_check_ms": round(statistics.median(back_to_back), 3),
        "check_vs_fork": round(check / fork, 2),
        "subprocess_vs_check": round(spawn / check, 2),
        "targets_met": {
            "check_within_5x_fork": check <= 5 * fork,
            "check_4x_faster_than_subprocess": spawn >= 4 * check,
        },
        "first_check": first_check(),
        "first_check_in_a_session": first_check(warm=True),
        "speed": round(sandbox.speed(), 3),
        "layers": {name: layer["active"] for name, layer in layers.items()},
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs",
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 50), indent=2))
