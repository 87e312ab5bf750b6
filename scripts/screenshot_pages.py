#!/usr/bin/env python3
"""Render the HTML pages (a mock report and the stats page) in headless Chromium and screenshot them.

    python scripts/screenshot_pages.py OUTDIR        # needs Debian's `chromium` package

Builds a small demo store on the test fixture bank (a finished mock round and a month of
reviews), writes mock.html and stats.html, and saves a desktop-width and a phone-width
screenshot of each beside them (mock.png, mock-phone.png, stats.png, stats-phone.png).
Exits non-zero when Chromium fails to load a page or to write its screenshot.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drills import scheduler as sched  # noqa: E402
from drills.bank import load_bank  # noqa: E402
from drills.html import mock_page, stats_page  # noqa: E402
from drills.mock import MockRound  # noqa: E402
from drills.stats import compute  # noqa: E402
from drills.store import Review, Store  # noqa: E402
from drills.ui import PlainUI  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "bank"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]
WIDTHS = {"": "1100,1400", "-phone": "390,2400"}  # a desktop window and a phone held upright


def demo_pages(home: Path) -> dict[str, str]:
    questions = load_bank([FIXTURES]).questions
    store = Store(home)
    settings = sched.Settings(fuzz=False)
    now = dt.datetime.now(dt.timezone.utc)
    rng = random.Random(4)
    for day in range(60, 0, -1):
        for drill_id in rng.sample(sorted(questions), rng.randint(0, 3)):
            when = now - dt.timedelta(days=day, minutes=rng.randint(0, 600))
            rating = rng.choice([1, 3, 3, 4])
            before = store.history.card(drill_id)
            store.history.record(Review(drill_id, when.isoformat(), rating, rating,
                                        "correct" if rating > 1 else "wrong", rng.randint(20_000, 150_000), "x",
                                        "today", "h"),
                                 sched.review(before, drill_id, rating, when, settings), before)
    plan = ["probability/two-dice-seven", "sql/running-total", "sql/top-earner"]
    running = "SELECT day, sum(amount) OVER (ORDER BY day DESC) AS total FROM sales ORDER BY day"
    for script in ("1/6\n---\n:quit\n---\nyes\n---\n", f"1/11\n---\n{running}\n---\n:quit\n---\nyes\n---\n"):
        round_id = store.rounds.start(now.isoformat(), 10, plan, {"feedback": "end"})
        report = MockRound(questions, store, PlainUI(io.StringIO(script), console=_quiet()), settings,
                           round_id).run()
    interview = sched.Settings(fuzz=False, interview_date=now.date() + dt.timedelta(days=14))  # the forecast chart
    return {"mock": mock_page(report), "stats": stats_page(compute(questions, store, interview, now))}


def _quiet():
    from rich.console import Console

    return Console(file=io.StringIO())


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium:
        print("Chromium not found: install Debian's `chromium` package", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pages = demo_pages(Path(tmp) / "home")
        for name, html in pages.items():
            page = out / f"{name}.html"
            page.write_text(html, encoding="utf-8")
            for suffix, size in WIDTHS.items():
                shot = out / f"{name}{suffix}.png"
                shot.unlink(missing_ok=True)
                run = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--window-size={size}",
                                      f"--user-data-dir={tmp}/profile-{name}{suffix}", f"--screenshot={shot}",
                                      page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
                if run.returncode != 0 or not shot.exists() or shot.stat().st_size < 5000:
                    print(f"{name}: Chromium failed ({run.returncode}): {run.stderr[-2000:]}", file=sys.stderr)
                    return 1
                print(f"{shot} ({shot.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
