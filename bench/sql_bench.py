#!/usr/bin/env python3
"""SQL judge figures beyond bench/run.py, printed as JSON.

    python bench/sql_bench.py [--rows 300] [--repeats 5] [--mutants]

- counterexample_ms: a wrong answer's verdict with its smallest counterexample (delta
  debugging over the rows) against tables of --rows rows, for the classic mistakes
  (target: within 1 s), next to the same verdict without the counterexample.
- validate_mutants_s (with --mutants): `drill validate --mutants` over the bundled bank's
  drills that have mutants, as a fresh process (target: 5 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills.judge import judge, verdicts_only  # noqa: E402
from drills.model import Question  # noqa: E402

REFERENCE = """
SELECT e.dept, e.name, e.salary
FROM employees e LEFT JOIN departments d ON d.dept = e.dept
WHERE d.active
QUALIFY dense_rank() OVER (PARTITION BY e.dept ORDER BY e.salary DESC) <= 2
"""

WRONG = {
    "rank instead of dense_rank": REFERENCE.replace("dense_rank()", "rank()"),
    "row_number drops ties": REFERENCE.replace("dense_rank()", "row_number()"),
    "partition dropped": REFERENCE.replace("PARTITION BY e.dept ", ""),
    "inactive departments kept": REFERENCE.replace("WHERE d.active", ""),
    "top 3 instead of 2": REFERENCE.replace("<= 2", "<= 3"),
}


def question(rows: int) -> Question:
    """Employees in 20 departments, salaries tied within a department and apart across them,
    every fifth department inactive."""
    setup = (
        "CREATE TABLE departments AS SELECT 'd' || range AS dept, range % 5 <> 0 AS active FROM range(20);\n"
        f"CREATE TABLE employees AS SELECT 'e' || range AS name, 'd' || (range * 7 % 20) AS dept, "
        f"1000 + (range * 37 % 11) * 100 + (range * 7 % 20) * 10 AS salary FROM range({rows - 20});"
    )
    return Question(id="bench/top-two-salaries", kind="sql", title="t", topic="bench", prompt="p",
                    solution=REFERENCE, setup=setup, extra_setups=(setup.replace("% 11", "% 13"),),
                    content_hash=f"bench-{rows}")


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def counterexample_figures(rows: int, repeats: int) -> dict:
    q = question(rows)
    judge(q, q.solution)  # warm: worker started, data loaded, expected rows cached
    out = {}
    for name, answer in WRONG.items():
        verdict = judge(q, answer)
        found = verdict.details.get("counterexample", {})
        shown = sum(len(t["rows"]) for t in found.get("tables", {}).values())
        with_ce = median_ms(lambda a=answer: judge(q, a), repeats)

        def bare(a=answer):
            with verdicts_only():
                judge(q, a)

        without = median_ms(bare, repeats)
        out[name] = {"verdict": verdict.outcome, "counterexample_rows": shown,
                     "with_counterexample_ms": round(with_ce, 1), "verdict_only_ms": round(without, 1),
                     "counterexample_ms": round(with_ce - without, 1)}
    worst = max(d["with_counterexample_ms"] for d in out.values())
    return {"table_rows": rows, "per_mistake": out, "worst_ms": worst, "target_ms": 1000}


def validate_mutants_figures() -> dict:
    from drills.bank import bundled_bank

    drill = shutil.which("drill", path=str(Path(sys.executable).parent)) or shutil.which("drill")
    cmd = [drill] if drill else [sys.executable, "-m", "drills"]
    start = time.perf_counter()
    done = subprocess.run([*cmd, "validate", "--mutants", "--json", str(bundled_bank())], capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {}
    return {"seconds": round(seconds, 1), "target_s": 300, "ok": report.get("ok"),
            "mutation": report.get("mutation"), "cpus": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--mutants", action="store_true", help="Also time drill validate --mutants on the bank.")
    args = parser.parse_args()
    report = {"counterexample": counterexample_figures(args.rows, args.repeats)}
    if args.mutants:
        report["validate_mutants"] = validate_mutants_figures()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
