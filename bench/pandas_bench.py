#!/usr/bin/env python3
"""How fast is a pandas check? Prints JSON:

    python bench/pandas_bench.py [--repeat 20] [--drill pandas/revenue-per-region-with-missing-region]

- `version_imports_pandas`: whether `drill --version` imports pandas (the target is false);
- `first_check_ms`: the session's first check after `warm()` started the sandbox (pandas
  preloaded by the zygote) and the SQL worker, and the expected values were computed (target
  1000 ms);
- `warm_check_ms`: median and worst of `--repeat` checks of the reference (target: median 50 ms
  on a quiet machine), with the tables and the reference's values cached;
- with `--all`, `bank_warm_check_ms`: each pandas drill of the bank's median warm check, and the
  median, 90th percentile and worst of those; `wrong_check_ms`: checks of every listed wrong
  answer, each with its smallest counterexample (shrinking has a 1 s budget), and the rows left.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills import kinds  # noqa: E402
from drills.bank import bundled_bank, load_bank  # noqa: E402
from drills.judge import judge  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--drill", default="pandas/revenue-per-region-with-missing-region")
    parser.add_argument("--all", action="store_true", help="also time every pandas drill of the bank")
    args = parser.parse_args()
    code = ("import sys; from click.testing import CliRunner; from drills.cli import cli; "
            "CliRunner().invoke(cli, ['--version']); print('pandas' in sys.modules)")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    q = load_bank([bundled_bank()]).questions[args.drill]
    kinds.of(q).warm()
    from drills.judge import pandas as pdjudge

    pdjudge.datasets(q)  # the session shows the tables first, so they are read while the prompt is up
    time.sleep(3)        # the person reads the prompt while the sandbox starts
    start = time.perf_counter()
    first = judge(q, q.solution)
    first_ms = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        verdict = judge(q, q.solution)
        times.append((time.perf_counter() - start) * 1000)
        assert verdict.correct, verdict.message
    report = {
        "version_imports_pandas": imported == "True",
        "first_check_ms": round(first_ms, 1), "first_verdict": first.outcome,
        "warm_check_ms": {"median": round(statistics.median(times), 1), "max": round(max(times), 1)},
    }
    if args.all:
        report["bank_warm_check_ms"] = _bank(args.repeat)
    print(json.dumps(report, indent=2))


def _bank(repeat: int) -> dict:
    bank = load_bank([bundled_bank()])
    medians = {}
    for q in bank.questions.values():
        if q.kind != "pandas":
            continue
        assert judge(q, q.solution).correct
        times = []
        for _ in range(max(5, repeat // 2)):
            start = time.perf_counter()
            judge(q, q.solution)
            times.append((time.perf_counter() - start) * 1000)
        medians[q.id] = round(statistics.median(times), 1)
    values = sorted(medians.values())
    worst = max(medians, key=lambda k: medians[k])
    return {"drills": len(values), "median": values[len(values) // 2],
            "p90": values[int(len(values) * 0.9)], "max": values[-1], "slowest": worst,
            "wrong_check_ms": _wrong(bank)}


def _wrong(bank) -> dict:
    times, rows = [], []
    for q in bank.questions.values():
        if q.kind != "pandas":
            continue
        for wrong in q.wrong_answers:
            start = time.perf_counter()
            verdict = judge(q, wrong.answer)
            times.append((time.perf_counter() - start) * 1000)
            found = verdict.details.get("counterexample")
            if found:
                rows.append(sum(len(t["rows"]) for t in found["tables"].values()))
    times.sort()
    return {"answers": len(times), "median": round(times[len(times) // 2], 1),
            "p90": round(times[int(len(times) * 0.9)], 1), "max": round(times[-1], 1),
            "with_counterexample": len(rows), "rows_median": statistics.median(rows), "rows_max": max(rows)}


if __name__ == "__main__":
    main()
