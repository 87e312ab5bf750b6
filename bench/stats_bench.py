#!/usr/bin/env python3
"""`drill stats` on a store of 100,000 reviews (generated like bench/today_bench.py). Target: under 1 s.

    python bench/stats_bench.py [--reviews 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from today_bench import generated, timed_ms  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--drills", type=int, default=1000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with generated(args.drills, args.reviews) as (drill, env, store):
        result = {"store": store}
        for name, extra in (("stats_terminal_s", []), ("stats_json_s", ["--json"])):
            cmd = [*drill, "stats", *extra]
            subprocess.run(cmd, capture_output=True, check=True, env=env)  # warm the bank cache
            result[name] = round(statistics.median(timed_ms(cmd, env) for _ in range(args.repeats)) / 1000, 3)
        result["target_s"] = 1.0
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
