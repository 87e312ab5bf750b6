"""`drill stats`: what the progress store says about a person's practice, as plain data."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from drills import days
from drills import scheduler as sched
from drills.model import Question
from drills.scheduler import drill_day
from drills.session import forecast, iso, streak
from drills.store import Store

HEATMAP_WEEKS = 26
MATURE_DAYS = 21
MIN_RETENTION_REVIEWS = 20  # fewer reviews of known drills than this make a retention figure noise


def compute(questions: Mapping[str, Question], store: Store, settings: sched.Settings, now: dt.datetime) -> dict:
    """Every figure `drill stats` shows, for the terminal, --json and --html alike."""
    total = store.review_count()
    if total == 0:
        return {"empty": True, "reviews": 0}
    today = drill_day(now, settings.rollover_hour)
    first = today - dt.timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    span = (today - first).days + 1
    counts = store.counts_between(days.bounds(first, span, settings.rollover_hour))
    heatmap: list[dict[str, Any]] = [{"date": (first + dt.timedelta(days=i)).isoformat(), "reviews": counts[i]}
                                     for i in range(span)]
    top = max(d["reviews"] for d in heatmap) or 1
    for d in heatmap:  # 0 for none, then 1 to 4 by the share of the busiest day
        d["level"] = 0 if d["reviews"] == 0 else 1 + min(3, int(4 * d["reviews"] / (top + 1)))
    months = [{"week": w, "label": (first + dt.timedelta(weeks=w)).strftime("%b")}
              for w in range(HEATMAP_WEEKS)
              if w == 0 or (first + dt.timedelta(weeks=w)).month != (first + dt.timedelta(weeks=w - 1)).month]

    month_ago = iso(now - dt.timedelta(days=30))
    kept, asked = store.db.execute(
        "SELECT coalesce(sum(rating > 1), 0), count(*) FROM reviews WHERE reviewed_at >= ? AND mode != 'cram' "
        "AND json_extract(card_before, '$.state') = 2", (month_ago,)).fetchone()

    cards = store.cards()
    mature = {d for d, c in cards.items() if c.get("state") == 2 and sched.interval_days(c) >= MATURE_DAYS}
    by_drill: dict[str, list] = defaultdict(lambda: [0, 0, []])
    for drill_id, ok, elapsed in store.db.execute("SELECT drill_id, rating > 1, elapsed_ms FROM reviews"):
        entry = by_drill[drill_id]
        entry[0] += ok
        entry[1] += 1
        entry[2].append(elapsed / 1000)
    groups: dict[str, dict[str, dict]] = {"topic": {}, "tag": {}}
    for drill_id, (ok, n, times) in by_drill.items():
        q = questions.get(drill_id)
        if q is None:
            continue
        for kind, names in (("topic", [q.topic]), ("tag", q.tags)):
            for name in names:
                g = groups[kind].setdefault(name, {"correct": 0, "reviews": 0, "times": [], "targets": [],
                                                   "drills": set()})
                g["correct"] += ok
                g["reviews"] += n
                g["times"] += times
                g["targets"].append(q.time_target)
                g["drills"].add(drill_id)
    tables = {}
    for kind, named in groups.items():
        rows = []
        for name, g in named.items():
            rows.append({
                "name": name, "reviews": g["reviews"], "accuracy": round(g["correct"] / g["reviews"], 3),
                "median_seconds": round(statistics.median(g["times"]), 1),
                "median_target": statistics.median(g["targets"]),
                "drills_seen": len(g["drills"]), "mature": len(g["drills"] & mature),
                "drills_in_bank": sum(1 for q in questions.values()
                                      if (q.topic == name if kind == "topic" else name in q.tags)),
            })
        tables[kind] = sorted(rows, key=lambda r: (-r["reviews"], r["name"]))
    failures = store.failures()
    leeches = [{"id": d, "failures": n, "title": questions[d].title if d in questions else None}
               for d, n in sorted(failures.items(), key=lambda x: -x[1]) if n >= sched.LEECH_THRESHOLD]
    return {
        "empty": False,
        "reviews": total,
        "today": today.isoformat(),
        "streak": streak(store, settings, now),
        "heatmap": heatmap,
        "heatmap_months": months,  # the week (column) each month's label starts at
        "retention_30d": {"true": round(kept / asked, 3) if asked >= MIN_RETENTION_REVIEWS else None,
                          "reviews": asked, "desired": settings.desired_retention, "needed": MIN_RETENTION_REVIEWS},
        "forecast": [{"date": d.isoformat(), "due": n} for d, n in forecast(store, questions, settings, now, 14)],
        "drills": {"in_bank": len(questions), "seen": len([d for d in cards if d in questions]),
                   "mature": len([d for d in mature if d in questions])},
        "topics": tables["topic"],
        "tags": tables["tag"],
        "leeches": leeches,
        "readiness": readiness(questions, store, settings, now),
        "calibration": calibration(store),
    }


def readiness(questions: Mapping[str, Question], store: Store, settings: sched.Settings,
              now: dt.datetime) -> dict | None:
    """The forecast for the interview day per topic, or None without an interview date to come."""
    from drills import forecast
    from drills.errors import DrillError

    try:
        p = forecast.plan(questions, store, settings, now)
    except DrillError:
        return None
    return {"interview": p.interview.isoformat(), "days_left": p.days_left, "desired": p.desired,
            "recall": round(p.recall, 3), "recall_if_stopped": round(p.recall_if_stopped, 3),
            "minutes_per_day": round(p.minutes_per_day, 1),
            "topics": [{"name": g.name, "drills": g.drills, "seen": g.seen, "recall": round(g.recall, 3),
                        "recall_if_stopped": round(g.recall_if_stopped, 3)} for g in p.topics]}


def calibration(store: Store) -> dict | None:
    """How the recall forecast for mock-round drills has matched their verdicts."""
    from dataclasses import asdict

    from drills.forecast import calibration as measure

    found = measure(store.predictions())
    return None if found is None else asdict(found)


def to_json(figures: dict) -> str:
    return json.dumps(figures, indent=2)
