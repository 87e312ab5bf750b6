"""Review logs generated from known FSRS parameters: a person whose memory follows `parameters`
exactly, reviewing when the schedule says. Used by the fit's tests and bench/plan_bench.py."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import uuid
from pathlib import Path

# the defaults with most parameters moved by 5 to 60%: a memory the defaults do not describe
SCALE = (0.6, 1.5, 0.8, 1.2, 1.05, 0.9, 1.1, 1, 1.1, 0.8, 1.2, 0.9, 1, 1, 1.1, 1, 1, 1, 1, 1, 1.3)


def true_parameters() -> list[float]:
    from drills.scheduler import default_parameters

    return [w * f for w, f in zip(default_parameters(), SCALE, strict=True)]


def recall(elapsed_days: float, stability: float, parameters: list[float]) -> float:
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * elapsed_days / stability) ** decay


def generate(parameters: list[float], drills: int, days: int, start: dt.datetime, seed: int = 1,
             retention: float = 0.9) -> list[tuple[str, str, int]]:
    """(drill_id, reviewed_at, rating) rows in time order: each drill starts on a random day in the
    first half and is reviewed when due; recall is drawn from the forgetting curve."""
    from fsrs_rs_python import FSRS

    rng = random.Random(seed)
    model = FSRS(parameters)
    rows = []
    for n in range(drills):
        day = rng.randrange(days // 2)
        memory, last = None, day
        while day < days:
            if memory is None:
                rating = rng.choices([1, 2, 3, 4], [0.2, 0.1, 0.6, 0.1])[0]
            elif rng.random() > recall(day - last, memory.stability, parameters):
                rating = 1
            else:
                rating = rng.choices([2, 3, 4], [0.1, 0.8, 0.1])[0]
            states = model.next_states(memory, retention, day - last)
            state = (states.again, states.hard, states.good, states.easy)[rating - 1]
            when = start + dt.timedelta(days=day, hours=12, minutes=rng.randrange(600))
            rows.append((f"gen/drill-{n:05d}", when.isoformat(timespec="microseconds"), rating))
            memory, last = state.memory, day
            day += max(1, round(state.interval))
    rows.sort(key=lambda r: r[1])
    return rows


def write(home: Path, rows: list[tuple[str, str, int]], mode: str = "today") -> None:
    """Put generated reviews in a progress store (created first with `Store(home)`)."""
    db = sqlite3.connect(home / "progress.sqlite3")
    with db:
        db.executemany(
            "INSERT INTO reviews (uid, drill_id, reviewed_at, rating, auto_rating, verdict, elapsed_ms, answer, mode,"
            " content_hash) VALUES (?, ?, ?, ?, ?, ?, 60000, '', ?, 'h')",
            [(uuid.uuid4().hex, d, when, r, r, "correct" if r > 1 else "wrong", mode) for d, when, r in rows])
    db.close()
