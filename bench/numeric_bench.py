#!/usr/bin/env python3
"""The numeric judge on hostile and ordinary input: CPU time and peak memory per answer, as JSON.

    python bench/numeric_bench.py [--repeats 20]

Each hostile input is judged as an answer and read as a drill's solution (what `drill
validate` does); the target is an error verdict within milliseconds and a few MB at most,
where building the number would take minutes or gigabytes. `validate_hostile_bank_s` runs
`drill validate` in a fresh process on a bank whose drills all have hostile solutions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import median_ms  # noqa: E402

from drills.errors import BankError  # noqa: E402
from drills.judge import judge  # noqa: E402
from drills.judge.numeric import reference_of  # noqa: E402
from drills.model import Question  # noqa: E402

HOSTILE = {
    "1e999999999": "1e999999999",
    "1e99999999999999999999": "1e99999999999999999999",
    "2**9999": "2**9999",
    "1e5000": "1e5000",
    "sqrt(-1)": "sqrt(-1)",
    "10**10**10": "10**10**10",
    "2**2**2**2**2": "2**2**2**2**2",
    "9**9**9": "9**9**9",
    "factorial(10**6)": "factorial(10**6)",
    "factorial(factorial(10))": "factorial(factorial(10))",
    "comb(10**15, 5*10**14)": "comb(10**15, 5*10**14)",
    "perm(10**15, 10**6)": "perm(10**15, 10**6)",
    "exp(exp(10))": "exp(exp(10))",
    "pi**(10**100)": "pi**(10**100)",
    "1e308 * 10 * pi": "1e308 * 10 * pi",
    "(10**1000)**2": "(10**1000)**2",
    "1/(pi-pi)": "1/(pi-pi)",
    "-" * 10 + "... (200 minus signs)": "-" * 200 + "1",
    "(" * 10 + "... (199 parentheses)": "(" * 199 + "1" + ")" * 199,
    "sqrt(sqrt(... 40 deep": "sqrt(" * 40 + "2" + ")" * 40,
    "1 megabyte of digits": "1" * 1_000_000,
    "1 megabyte of spaces": " " * 1_000_000 + "1",
    "NUL byte": "1\x00",
    "unicode digits": "١٢٣٫٤",
    "300-digit literal": "7" * 300,
    "20 x factorial(450), summed": "+".join(["factorial(450)"] * 20),
    "20 x 3**2000, divided": "/".join(["3**2000"] * 20),
}
ORDINARY = {"5/18 as 0.278": ("5/18", "0.278"), "5/18 as 27.78%": ("5/18", "27.78%"),
            "birthday as 0.5073": ("1 - perm(365, 23) / 365**23", "0.5073"),
            "poisson as expression": ("1 - exp(-3) * (1 + 3)", "1 - 4/e**3"),
            "6 as 5.99": ("6", "5.99")}


def numeric(solution: str) -> Question:
    return Question(id="bench/x", kind="numeric", title="x", topic="bench", prompt="x", solution=solution)


def cpu_ms(fn, repeats: int) -> float:
    return median_ms(fn, repeats, clock=time.process_time)


def peak_kb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def as_solution(text: str) -> str:
    try:
        reference_of(numeric(text))
        return "read"
    except BankError:
        return "refused"


def validate_hostile_bank() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        bank = Path(tmp)
        (bank / "_bank.yaml").write_text("format_version: 1\n")
        (bank / "bench").mkdir()
        for i, text in enumerate(HOSTILE.values()):
            # a JSON string is a valid YAML double-quoted scalar; a megabyte would time the YAML parser, not the judge
            solution = json.dumps(text[-200_000:])
            (bank / "bench" / f"d{i}.yaml").write_text(
                f"id: bench/d{i}\nkind: numeric\ntitle: d{i}\ntopic: bench\ndifficulty: easy\ntime_target: 30\n"
                f"prompt: x\nsolution: {solution}\nhints: [x]\nexplanation: x\nsee_also: [https://example.org]\n"
                "wrong_answers:\n  - answer: '0'\n    why: x\n", encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "drills", "--no-builtin", "--bank", str(bank), "validate",
                               "-j", "1"], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    return {"drills": len(HOSTILE), "seconds": round(elapsed, 3), "exit_code": done.returncode,
            "problems": done.stdout.count("the solution cannot be read")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    judge(numeric("1/2"), "0.5")   # imports and first use out of the figures
    hostile = {}
    for name, text in HOSTILE.items():
        q = numeric("1/2")
        hostile[name] = {
            "verdict": judge(q, text).outcome,
            "answer_cpu_ms": round(cpu_ms(lambda q=q, t=text: judge(q, t), args.repeats), 3),
            "answer_peak_kb": round(peak_kb(lambda q=q, t=text: judge(q, t)), 1),
            "as_solution": as_solution(text),
            "solution_cpu_ms": round(cpu_ms(lambda t=text: as_solution(t), args.repeats), 3),
        }
    ordinary = {name: {"verdict": judge(numeric(s), a).outcome,
                       "cpu_ms": round(cpu_ms(lambda s=s, a=a: judge(numeric(s), a), args.repeats), 3)}
                for name, (s, a) in ORDINARY.items()}
    report = {
        "machine": {"python": sys.version.split()[0]},
        "repeats": args.repeats,
        "hostile_max_cpu_ms": max(max(h["answer_cpu_ms"], h["solution_cpu_ms"]) for h in hostile.values()),
        "hostile_max_peak_kb": max(h["answer_peak_kb"] for h in hostile.values()),
        "hostile": hostile,
        "ordinary": ordinary,
        "validate_hostile_bank_s": validate_hostile_bank(),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
