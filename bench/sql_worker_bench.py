#!/usr/bin/env python3
"""The SQL worker's footprint over a long session, printed as JSON.

    python bench/sql_worker_bench.py [--rounds 3]

Judges every SQL drill of the bundled bank (its reference and each wrong answer) `--rounds`
times through the real judge, as a long day of `drill today` and `drill cram` would, and
samples the worker process after each round: its threads (from /proc/PID/status) and its
resident memory. Steady state is the last round: the dataset cache is full by then.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills.bank import bundled_bank, load_bank  # noqa: E402
from drills.judge import judge  # noqa: E402
from drills.judge.sql import runner  # noqa: E402


def sample(pid: int) -> dict:
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("Threads", "VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return {"threads": fields["Threads"], "rss_mb": round(fields["VmRSS"] / 1024, 1),
            "peak_rss_mb": round(fields["VmHWM"] / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sql = [q for q in load_bank([bundled_bank()]).questions.values() if q.kind == "sql"]
    rounds = []
    start = time.perf_counter()
    checks = 0
    for _ in range(args.rounds):
        for q in sql:
            for answer in [q.solution, *(w.answer for w in q.wrong_answers)]:
                judge(q, answer)
                checks += 1
        rounds.append(sample(runner().proc.pid))
    print(json.dumps({"drills": len(sql), "checks": checks, "seconds": round(time.perf_counter() - start, 1),
                      "after_each_round": rounds, "steady_state": rounds[-1]}, indent=1))


if __name__ == "__main__":
    main()
