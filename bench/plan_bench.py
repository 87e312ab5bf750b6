#!/usr/bin/env python3
"""`drill optimize`, `drill plan` and `drill today`'s forecast line, timed on large logs.

    python bench/plan_bench.py [--reviews 100000] [--drills 1000] [--repeats 5]

Prints JSON, wall-clock and CPU time (the CPU figure holds on a busy machine). Targets:
optimize on 100,000 reviews within 5 s; plan within 1 s at 1,000 drills and 100,000 reviews;
today's first prompt, forecast line included, within 300 ms of `drill --version`. The optimize
log is generated from known parameters (tests/reviewlog.py), so the figures also say how close
the fit came to them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from today_bench import drill_cmd, first_prompt_ms, generated, timed_ms  # noqa: E402

from drills import optimizer  # noqa: E402
from drills.scheduler import default_parameters  # noqa: E402
from drills.store import Store  # noqa: E402
from tests import reviewlog  # noqa: E402


def bench_optimize(reviews: int) -> dict:
    truth = reviewlog.true_parameters()
    drills = max(10, round(reviews / 7.4))  # a generated drill gets about 7.4 reviews in a year
    rows = reviewlog.generate(truth, drills, 365, dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    home = Path(tempfile.mkdtemp(prefix="drill-bench-"))
    try:
        Store(home).close()
        reviewlog.write(home, rows)
        start, cpu = time.perf_counter(), time.process_time()
        with Store(home) as store:
            log = optimizer.log_of(store, 4)
        read_s = time.perf_counter() - start
        fit = optimizer.fit(log, default_parameters())
        in_process_s, in_process_cpu = time.perf_counter() - start, time.process_time() - cpu
        env = {**os.environ, "DRILL_HOME": str(home)}
        start, cpu = time.perf_counter(), children_cpu()
        subprocess.run([*drill_cmd(), "optimize"], input=b"n\n", capture_output=True, check=True, env=env)
        command_s, command_cpu = time.perf_counter() - start, children_cpu() - cpu
        items = [item for _, item in optimizer._items(log)]
        held_out = items[int(len(items) * optimizer.TRAIN_SHARE):]
        return {
            "reviews": len(rows), "long_term_reviews": log.long_term, "read_log_s": round(read_s, 2),
            "fit_in_process_s": round(in_process_s, 2), "fit_in_process_cpu_s": round(in_process_cpu, 2),
            "drill_optimize_s": round(command_s, 2), "drill_optimize_cpu_s": round(command_cpu, 2), "target_s": 5,
            "held_out_reviews": fit.tested,
            "log_loss": {"defaults": fit.current.log_loss, "fitted": fit.fitted.log_loss,
                         "true_parameters": optimizer._evaluate(truth, held_out).log_loss},
            "rmse": {"defaults": fit.current.rmse, "fitted": fit.fitted.rmse,
                     "true_parameters": optimizer._evaluate(truth, held_out).rmse},
            "fitted_over_true": [round(f / t, 2) for f, t in zip(fit.parameters, truth, strict=True)],
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_ms(cmd: list[str], env: dict, repeats: int, stdin: bytes = b"") -> float:
    """Median CPU milliseconds of a command run to its end."""
    times = []
    for _ in range(repeats):
        before = children_cpu()
        subprocess.run(cmd, input=stdin, capture_output=True, check=True, env=env)
        times.append((children_cpu() - before) * 1000)
    return statistics.median(times)


def bench_plan_and_today(drills: int, reviews: int, repeats: int) -> dict:
    with generated(drills, reviews) as (drill, env, store):
        interview = (dt.date.today() + dt.timedelta(days=21)).isoformat()

        def interview_date(value: str | None) -> None:
            db = sqlite3.connect(Path(env["DRILL_HOME"]) / "progress.sqlite3")
            with db:
                db.execute("DELETE FROM settings WHERE key = 'interview-date'")
                if value:
                    db.execute("INSERT INTO settings VALUES ('interview-date', ?)", (value,))
            db.close()

        interview_date(interview)
        plan = [timed_ms([*drill, "plan"], env) for _ in range(repeats)]
        version = [timed_ms([*drill_cmd(), "--version"], env) for _ in range(repeats)]
        first_prompt_ms([*drill, "today"], env)  # cold: bank and table caches
        warm, without = [], []  # taken in turns, so a busy spell on the machine hits both alike
        for _ in range(repeats):
            interview_date(None)
            without.append(first_prompt_ms([*drill, "today"], env))
            interview_date(interview)
            warm.append(first_prompt_ms([*drill, "today"], env))
        header = subprocess.run([*drill, "today"], input=b":quit\n---\n", capture_output=True, env=env,
                                check=True).stdout.decode().splitlines()[0]
        quit_at_once = b":quit\n---\n"
        interview_date(None)
        today_cpu_without = cpu_ms([*drill, "today"], env, repeats, quit_at_once)
        interview_date(interview)
        result = {
            "bank_drills": drills, "store": store, "interview_in_days": 21,
            "drill_plan_ms": round(statistics.median(plan), 1), "plan_target_ms": 1000,
            "version_ms": round(statistics.median(version), 1),
            "today_first_prompt_ms": round(statistics.median(warm), 1),
            "today_first_prompt_without_date_ms": round(statistics.median(without), 1),
            "forecast_line": header,
            "cpu_ms": {"plan": round(cpu_ms([*drill, "plan"], env, repeats)),
                       "version": round(cpu_ms([*drill_cmd(), "--version"], env, repeats)),
                       "today_to_first_prompt_and_quit": round(cpu_ms([*drill, "today"], env, repeats, quit_at_once)),
                       "today_to_first_prompt_and_quit_without_date": round(today_cpu_without)},
        }
        result["today_minus_version_ms"] = round(result["today_first_prompt_ms"] - result["version_ms"], 1)
        result["today_target_ms"] = 300
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--drills", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps({"optimize": bench_optimize(args.reviews),
                      "plan_and_today": bench_plan_and_today(args.drills, args.reviews, args.repeats)}, indent=2))


if __name__ == "__main__":
    main()
