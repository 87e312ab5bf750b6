#!/usr/bin/env python3
"""Do verdicts depend on how busy the machine is? The bank's sandboxed drills, quiet and loaded.

    python bench/load_bench.py [--busy 4] [--kind python|pandas ...] [--only algorithms/two-sum ...] [--details]

Judges every Python (or `--kind`) drill's reference and listed wrong answers twice: on a quiet machine,
then with `--busy` processes spinning (four on two cores by default). Prints JSON: how many
verdicts changed between the two passes (the target is none), the wall time of each pass,
and with --details each drill's reference CPU time against its limit and each wrong
answer's outcome. Expected values and inputs are computed before the first pass, so both
passes judge exactly the same thing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills.bank import bundled_bank, load_bank  # noqa: E402
from drills.judge import judge  # noqa: E402


def judge_all(questions) -> dict[str, dict]:
    out = {}
    for q in questions:
        ref = judge(q, q.solution)
        wrong = [judge(q, w.answer) for w in q.wrong_answers]
        out[q.id] = {
            "reference": ref.outcome,
            "reference_cpu_s": ref.details.get("cpu_seconds"),
            "time_limit": q.time_limit,
            "wrong": [v.outcome for v in wrong],
            "wrong_cpu_s": [v.details.get("cpu_seconds") for v in wrong],
            "slow": [w.slow for w in q.wrong_answers],
        }
    return out


def busy(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=4, help="spinning processes during the loaded pass")
    parser.add_argument("--kind", nargs="*", default=["python"], help="drill kinds (default: python)")
    parser.add_argument("--only", nargs="*", help="drill ids (default: every drill of those kinds)")
    parser.add_argument("--details", action="store_true", help="per-drill figures")
    args = parser.parse_args()
    questions = [q for q in load_bank([bundled_bank()]).questions.values() if q.kind in args.kind]
    if args.only:
        questions = [q for q in questions if q.id in args.only]
    for q in questions:  # inputs and expected values, so both passes do the same work
        judge(q, q.solution)

    start = time.perf_counter()
    quiet = judge_all(questions)
    quiet_s = time.perf_counter() - start
    procs = busy(args.busy)
    try:
        start = time.perf_counter()
        loaded = judge_all(questions)
        loaded_s = time.perf_counter() - start
    finally:
        for p in procs:
            p.kill()
            p.wait()

    changed = []
    for qid, a in quiet.items():
        b = loaded[qid]
        if (a["reference"], a["wrong"]) != (b["reference"], b["wrong"]):
            changed.append({"drill": qid, "quiet": [a["reference"], *a["wrong"]],
                            "loaded": [b["reference"], *b["wrong"]]})
    ratios = [a["reference_cpu_s"] / a["time_limit"] for a in quiet.values() if a["reference_cpu_s"] is not None]
    report = {
        "drills": len(questions),
        "verdicts": sum(1 + len(a["wrong"]) for a in quiet.values()),
        "busy_processes": args.busy,
        "changed": changed,
        "quiet_pass_s": round(quiet_s, 1),
        "loaded_pass_s": round(loaded_s, 1),
        "largest_reference_share_of_limit": round(max(ratios, default=0), 3),
        "slow_answers_timing_out": sum(
            o == "timeout" for a in loaded.values() for o, s in zip(a["wrong"], a["slow"], strict=True) if s
        ),
        "slow_answers": sum(s for a in quiet.values() for s in a["slow"]),
    }
    if args.details:
        report["quiet"] = quiet
        report["loaded"] = loaded
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
