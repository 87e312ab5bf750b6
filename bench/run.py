#!/usr/bin/env python3
"""Benchmark figures for the shipped bank, printed as JSON (medians over repeated runs).

    python bench/run.py [--repeats N]

- sql_check_ms: a warm `judge()` of each SQL drill's reference, next to a bare DuckDB
  execution of the same query on the same data in this process; the ratio is the judge's
  overhead (target: within 3x).
- numeric_check_ms: a `judge()` of a decimal answer to each numeric drill.
- validate_s: `drill validate` over the whole bundled bank, as a fresh process.
- startup_ms: `drill --version` next to `python -c "import click"` (target: within 1.5x).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills.bank import bundled_bank, load_bank  # noqa: E402
from drills.judge import judge  # noqa: E402


def median_ms(fn, repeats: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def sql_figures(questions, repeats: int) -> dict:
    import duckdb

    per_drill = {}
    for q in questions:
        judge(q, q.solution)  # warm: worker started, data loaded, expected rows cached
        check = median_ms(lambda q=q: judge(q, q.solution), repeats)
        con = duckdb.connect()
        con.execute(q.setup)
        con.execute(q.solution).fetchall()
        bare = median_ms(lambda con=con, q=q: con.execute(q.solution).fetchall(), repeats)
        con.close()
        datasets = 1 + len(q.extra_setups)
        per_drill[q.id] = {"check_ms": round(check, 3), "bare_ms_per_dataset": round(bare, 3),
                           "datasets": datasets, "ratio": round(check / (bare * datasets), 2)}
    ratios = [d["ratio"] for d in per_drill.values()]
    return {
        "drills": len(per_drill),
        "check_ms_median": round(statistics.median(d["check_ms"] for d in per_drill.values()), 3),
        "bare_ms_median": round(statistics.median(d["bare_ms_per_dataset"] for d in per_drill.values()), 3),
        "ratio_median": round(statistics.median(ratios), 2),
        "ratio_max": max(ratios),
        "target_ratio": 3.0,
        "per_drill": per_drill,
    }


def numeric_figures(questions, repeats: int) -> dict:
    from drills.judge.numeric import Interval, reference_of

    times = []
    for q in questions:
        reference = reference_of(q)
        answer = f"{float(reference.mid if isinstance(reference, Interval) else reference):.4g}"
        times.append(median_ms(lambda q=q, a=answer: judge(q, a), repeats))
    return {"drills": len(times), "check_ms_median": round(statistics.median(times), 4)}


def command_ms(cmd: list[str], repeats: int) -> float:
    subprocess.run(cmd, capture_output=True, check=True)
    return median_ms(lambda: subprocess.run(cmd, capture_output=True, check=True), repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    questions = list(load_bank([bundled_bank()]).questions.values())
    drill = shutil.which("drill", path=str(Path(sys.executable).parent)) or shutil.which("drill")
    drill_cmd = [drill] if drill else [sys.executable, "-m", "drills"]
    startup = command_ms([*drill_cmd, "--version"], args.repeats)
    click_only = command_ms([sys.executable, "-c", "import click"], args.repeats)
    validate_runs = max(3, args.repeats // 10)
    validate_s = median_ms(lambda: subprocess.run([*drill_cmd, "validate"], capture_output=True), validate_runs) / 1000
    report = {
        "machine": {"python": sys.version.split()[0], "cpus": __import__("os").cpu_count()},
        "repeats": args.repeats,
        "sql": sql_figures([q for q in questions if q.kind == "sql"], args.repeats),
        "numeric": numeric_figures([q for q in questions if q.kind == "numeric"], args.repeats),
        "validate_s": {"drills": len(questions), "median": round(validate_s, 3)},
        "startup_ms": {"drill_version": round(startup, 1), "python_import_click": round(click_only, 1),
                       "ratio": round(startup / click_only, 2), "target_ratio": 1.5},
    }
    try:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import sandbox_bench

        report["python"] = sandbox_bench.measure(args.repeats)
    except ImportError:
        pass
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
