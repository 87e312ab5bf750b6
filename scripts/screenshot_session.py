#!/usr/bin/env python3
"""Play a `drill today` session in tmux at 60 and 120 columns and keep what the screen showed.

    python scripts/screenshot_session.py OUTDIR      # needs tmux; Chromium for the PNGs

The session runs on the test fixture banks in a fresh home: a hint, a number that cannot be
read, a right answer, a query run with Ctrl-R, a wrong result shown as aligned grids, and
`:run` on the starter code of a Python drill. Writes session-60.txt and session-120.txt (the whole
scrollback), and session-60.png and session-120.png when Chromium is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# (keys for tmux send-keys, seconds to wait after them)
SCRIPT = [
    ([":hint", "Enter"], 1), (["1/", "Enter"], 2), (["C-u", "1/6", "Enter"], 2), (["Enter"], 2),
    (["SELECT day, count(*) AS n FROM orders", "Enter", "GROUP BY day", "C-r"], 3), (["Escape", "Enter"], 3),
    (["Enter"], 2),
    (["SELECT day, sum(amount) OVER (ORDER BY day) AS total FROM sales ORDER BY day DESC", "Escape", "Enter"], 3),
    (["Enter"], 2), ([":skip", "Enter"], 2), ([":run", "Enter"], 4), ([":quit", "Enter"], 3),
]


def play(out: Path, columns: int, bank: Path, home: Path) -> str:
    name = f"drill-shot-{columns}"
    drill = f"{sys.executable} -m drills --no-builtin --bank {bank} today --topic probability --topic sql " \
            "--topic algorithms"
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(columns), "-y", "50",
                    f"cd {ROOT} && DRILL_HOME={home} {drill}; sleep 30"], check=True)
    try:
        time.sleep(4)
        for keys, wait in SCRIPT:
            subprocess.run(["tmux", "send-keys", "-t", name, *keys], check=True)
            time.sleep(wait)
        text = subprocess.run(["tmux", "capture-pane", "-t", name, "-p", "-S", "-400"], check=True,
                              capture_output=True, text=True).stdout
        shown = subprocess.run(["tmux", "capture-pane", "-t", name, "-p", "-e", "-S", "-400"], check=True,
                               capture_output=True, text=True).stdout
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    (out / f"session-{columns}.txt").write_text(text.rstrip() + "\n", encoding="utf-8")
    return shown.rstrip() + "\n"


def png(out: Path, columns: int, ansi: str, chromium: str, tmp: Path) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(record=True, width=columns, file=open(tmp / "null.txt", "w"), force_terminal=True)
    console.print(Text.from_ansi(ansi), soft_wrap=True)
    page = tmp / f"session-{columns}.html"
    page.write_text(console.export_html(inline_styles=True), encoding="utf-8")
    lines = ansi.count("\n") + 2
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={columns * 11 + 60},{lines * 19 + 40}", f"--user-data-dir={tmp}/profile-{columns}",
                    f"--screenshot={out / f'session-{columns}.png'}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    if not shutil.which("tmux"):
        print("tmux not found", file=sys.stderr)
        return 2
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        bank = tmp / "bank"
        for fixture in ("bank", "editor"):
            shutil.copytree(FIXTURES / fixture, bank, dirs_exist_ok=True)
        for columns in (60, 120):
            ansi = play(out, columns, bank, tmp / f"home-{columns}")
            if chromium:
                png(out, columns, ansi, chromium, tmp)
            print(out / f"session-{columns}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
