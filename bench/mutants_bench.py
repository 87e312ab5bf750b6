"""Where the time of `drill validate --mutants` goes, per kind: mutants, judge runs, timeouts.

    python bench/mutants_bench.py [--kind python] [--top 8] [PATH ...]

Judges every mutant of every drill of the kind in one process (as one validate worker
does) and prints JSON: the number of mutants, the wall time, the time per mutant, the
outcomes (a timeout costs the drill's time_limit in CPU time), and the slowest drills.
The machine's load average is included, as the figures scale with it.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path

from drills.bank import bundled_bank, load_bank
from drills.mutants import judge_mutants, mutants_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--kind", default="python")
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    questions = [q for q in load_bank(args.paths or [bundled_bank()]).questions.values() if q.kind == args.kind]
    start = time.perf_counter()
    made = sum(len(mutants_for(q)) for q in questions)
    making = time.perf_counter() - start
    per_drill, outcomes = [], Counter()
    load_before = os.getloadavg()
    start = time.perf_counter()
    for q in questions:
        began = time.perf_counter()
        result = judge_mutants(q)
        seconds = time.perf_counter() - began
        counts = Counter(j.outcome for j in result.judged)
        outcomes.update(counts)
        per_drill.append({"id": q.id, "mutants": len(result.judged), "seconds": round(seconds, 2),
                          "timeouts": counts.get("timeout", 0), "survivors": len(result.survivors)})
    judging = time.perf_counter() - start
    per_drill.sort(key=lambda d: -d["seconds"])
    print(json.dumps({
        "kind": args.kind, "drills": len(questions), "mutants": made,
        "mutants_per_drill": {"max": max((d["mutants"] for d in per_drill), default=0),
                              "mean": round(made / max(len(questions), 1), 1)},
        "making_s": round(making, 2), "judging_s": round(judging, 1),
        "ms_per_mutant": round(1000 * judging / max(made, 1), 1),
        "outcomes": dict(outcomes), "slowest": per_drill[: args.top],
        "load_average": [round(x, 1) for x in (*load_before, *os.getloadavg()[:1])], "cpus": os.cpu_count(),
    }, indent=2))


if __name__ == "__main__":
    main()
