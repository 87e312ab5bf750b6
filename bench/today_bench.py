#!/usr/bin/env python3
"""Time from `drill today` to its first prompt, with a 1,000-drill bank and 100,000 reviews.

    python bench/today_bench.py [--drills 1000] [--reviews 100000] [--repeats 10]

Prints JSON: the first run (cold: no bank cache, no table cache), the median of the warm
runs, and `drill --version` for comparison. Target: warm first prompt within 300 ms of it.
drill's modules are byte-compiled first, as `pip install` does, so a checkout run with
PYTHONDONTWRITEBYTECODE measures what an installed drill does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills import scheduler as sched  # noqa: E402
from drills.store import Store  # noqa: E402

SQL = """id: {id}
kind: sql
title: Generated SQL drill {n}
topic: {topic}
tags: [window-functions, generated]
difficulty: {difficulty}
time_target: 120
prompt: |
  Return `id, total` where total is the running sum of `x` ordered by id. Order does not matter.
setup: |
  CREATE TABLE t{n} (id INTEGER, x INTEGER);
  INSERT INTO t{n} VALUES (1, {n}), (2, 2), (3, NULL), (4, 7);
solution: SELECT id, sum(x) OVER (ORDER BY id) FROM t{n}
hints: [A window SUM.]
explanation: A window SUM ordered by id accumulates.
see_also: [https://duckdb.org/docs/stable/sql/functions/window_functions]
wrong_answers:
  - answer: SELECT id, x FROM t{n}
    why: not cumulative
  - answer: SELECT id, sum(x) OVER () FROM t{n}
    why: no order, so every row gets the grand total
"""
NUMERIC = """id: {id}
kind: numeric
title: Generated numeric drill {n}
topic: {topic}
tags: [dice, generated]
difficulty: {difficulty}
time_target: 60
prompt: What is {n} divided by 7?
solution: {n}/7
hints: [Divide.]
explanation: It is {n}/7.
see_also: [https://en.wikipedia.org/wiki/Division_(mathematics)]
wrong_answers:
  - answer: "{n}"
    why: not divided
"""
RECALL = """id: {id}
kind: recall
title: Generated recall card {n}
topic: {topic}
tags: [generated]
difficulty: {difficulty}
time_target: 30
prompt: What is concept number {n}?
solution: The model answer for concept {n}.
explanation: Concept {n} matters.
see_also: [https://en.wikipedia.org/wiki/Concept]
"""


def make_bank(root: Path, n: int) -> list[str]:
    (root / "_bank.yaml").write_text("format_version: 1\n")
    ids = []
    rng = random.Random(1)
    kinds = [("sql", "gsql", SQL), ("numeric", "gprob", NUMERIC), ("recall", "gcards", RECALL)]
    for i in range(n):
        kind, topic, template = kinds[i % 3]
        drill_id = f"{topic}/{kind}-{i:04d}"
        path = root / f"{drill_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(id=drill_id, n=i, topic=topic,
                                        difficulty=rng.choice(["easy", "medium", "hard"])))
        ids.append(drill_id)
    return ids


def make_store(home: Path, ids: list[str], reviews: int, now: dt.datetime) -> dict:
    """`reviews` reviews over the last 200 days of 90% of the drills; cards computed with fsrs."""
    Store(home).close()
    rng = random.Random(2)
    seen = ids[: int(len(ids) * 0.9)]
    settings = sched.Settings(fuzz=False)
    rows, cards = [], {}
    for i, d in enumerate(seen):
        count = reviews // len(seen) + (i < reviews % len(seen))
        card = None
        for when in sorted(now - dt.timedelta(days=rng.uniform(0, 200)) for _ in range(count)):
            rating = rng.choice([1, 3, 3, 3, 4])
            before = card
            card = sched.review(card, d, rating, when, settings)
            rows.append((uuid.uuid4().hex, d, when.isoformat(timespec="microseconds"), rating, rating,
                         "correct" if rating > 1 else "wrong", rng.randint(5000, 200000), "SELECT 1", "today",
                         "h", 0, json.dumps(before) if before else None))
        cards[d] = card
    db = sqlite3.connect(home / "progress.sqlite3")
    with db:
        db.executemany("INSERT INTO reviews (uid, drill_id, reviewed_at, rating, auto_rating, verdict, elapsed_ms,"
                       " answer, mode, content_hash, hints, card_before) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO cards (drill_id, card, due, updated_at) VALUES (?,?,?,?)",
                       [(d, json.dumps(c), dt.datetime.fromisoformat(c["due"]).astimezone(dt.timezone.utc)
                         .isoformat(timespec="microseconds"), c["last_review"]) for d, c in cards.items()])
    due = db.execute("SELECT count(*) FROM cards WHERE due <= ?", (now.isoformat(),)).fetchone()[0]
    db.close()
    return {"reviews": reviews, "cards": len(cards), "due_now": due}


def drill_cmd() -> list[str]:
    exe = shutil.which("drill", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "drills"]


def first_prompt_ms(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    for line in proc.stdout:
        if line.startswith(b"Answer below"):
            elapsed = (time.perf_counter() - start) * 1000
            break
    else:
        raise SystemExit("drill today ended without a prompt")
    proc.kill()
    proc.wait()
    proc.stdout.close()
    proc.stdin.close()
    return elapsed


def timed_ms(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=env)
    return (time.perf_counter() - start) * 1000


@contextmanager
def generated(drills: int, reviews: int) -> Iterator[tuple[list[str], dict, dict]]:
    """A temporary bank and store: yields (drill command with --bank, environment, store summary)."""
    work = Path(tempfile.mkdtemp(prefix="drill-bench-"))
    try:
        bank, home = work / "bank", work / "home"
        bank.mkdir()
        store = make_store(home, make_bank(bank, drills), reviews, dt.datetime.now(dt.timezone.utc))
        yield [*drill_cmd(), "--no-builtin", "--bank", str(bank)], {**os.environ, "DRILL_HOME": str(home)}, store
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--drills", type=int, default=1000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    import compileall

    import drills

    compileall.compile_dir(str(Path(drills.__file__).parent), quiet=1)
    with generated(args.drills, args.reviews) as (drill, env, store):
        cmd = [*drill, "today"]
        cold = first_prompt_ms(cmd, env)
        warm = [first_prompt_ms(cmd, env) for _ in range(args.repeats)]
        version = [timed_ms([*drill_cmd(), "--version"], env) for _ in range(args.repeats)]
        result = {
            "bank_drills": args.drills, "store": store,
            "first_prompt_cold_ms": round(cold, 1),
            "first_prompt_warm_ms": round(statistics.median(warm), 1),
            "version_ms": round(statistics.median(version), 1),
        }
        result["warm_minus_version_ms"] = round(result["first_prompt_warm_ms"] - result["version_ms"], 1)
        result["target_ms"] = 300
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
