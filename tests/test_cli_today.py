"""`drill today` and the commands around it, driven as a person would: through stdin and a pty."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from drills.cli import cli
from drills.store import Store

from .conftest import FIXTURE_BANK, flat
from .terminal import Terminal

ROOT = Path(__file__).resolve().parents[1]
TOP_EARNER = ("SELECT department, name FROM emp QUALIFY dense_rank() OVER "
              "(PARTITION BY department ORDER BY salary DESC NULLS LAST) = 1")
RUNNING = "SELECT day, sum(amount) OVER (ORDER BY day) AS total FROM sales ORDER BY day"


def answers(*blocks: str) -> str:
    return "".join(f"{b}\n---\n" for b in blocks)


def drill(home: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--home", str(home), "--no-builtin", "--bank", str(FIXTURE_BANK), *args],
                              input=input)


def test_a_whole_session_through_stdin(tmp_path):
    # new drills come easy first, topics taking turns: concepts, probability, sql, sql
    result = drill(tmp_path, "today", input=answers(
        "It skips NULLs", "good",       # recall: the answer, then the self-rating
        ":hint", "1/11",                # a hint, then a wrong answer: Again, back in a minute
        ":skip",                        # running-total goes to the back of the queue
        TOP_EARNER,
        RUNNING,
        ":reveal",                      # the numeric drill is back from its learning step
        ":quit"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("COUNT and NULL") < out.index("Sum of seven") < out.index("Top earner per department")
    assert "Rated good; next: in 10 minutes." in out
    assert "Hint 1: Count the pairs." in out
    assert "Wrong: 1/11 = 1/11 (≈ 0.0909091), expected 1/6 (≈ 0.166667)." in out
    assert "rated again · next: in 1 minute" in out
    assert "Correct: same rows as the reference." in out
    assert "Revealed: the reference answer is below." in out
    assert "5 drills · 3 correct (60%)" in out
    assert "streak: 1 day" in out
    assert "\x1b[" not in out  # no colours or cursor movement without a terminal
    store = Store(tmp_path)
    reviews = store.history.reviews()
    assert [(r.drill_id, r.verdict, r.rating, r.hints) for r in reviews] == [
        ("concepts/null-in-count", "self", 3, 0),
        ("probability/two-dice-seven", "wrong", 1, 1),
        ("sql/top-earner", "correct", 4, 0),
        ("sql/running-total", "correct", 4, 0),
        ("probability/two-dice-seven", "revealed", 1, 0),
    ]
    assert reviews[2].answer.strip() == TOP_EARNER
    assert all(r.mode == "today" and r.content_hash for r in reviews)


def test_nothing_due(tmp_path):
    drill(tmp_path, "config", "new-per-day", "0")
    result = drill(tmp_path, "today", input="")
    assert result.exit_code == 0
    assert result.output.startswith("Nothing due now. Due tomorrow: 0.")


def test_end_of_input_stops_cleanly_and_keeps_answers(tmp_path):
    result = drill(tmp_path, "today", input=answers("x", "easy", "1/6"))
    assert result.exit_code == 0, result.output
    assert "Stopped early; every answer so far is saved." in result.output
    assert len(Store(tmp_path).history.reviews()) == 2


def test_cram_leaves_the_schedule_alone(tmp_path):
    drill(tmp_path, "today", input=answers("x", "good", "1/6", ":quit"))
    before = Store(tmp_path).history.cards()
    result = drill(tmp_path, "cram", "--topic", "probability", input=answers("1/11", ":quit"))
    assert result.exit_code == 0, result.output
    assert "practice only: the schedule is unchanged" in flat(result)
    store = Store(tmp_path)
    assert store.history.cards() == before
    assert [r.mode for r in store.history.reviews()] == ["today", "today", "cram"]
    assert drill(tmp_path, "cram", "--tag", "nope").output == "Error: no drills match those filters; see `drill list`\n"


def test_undo_suspend_reset(tmp_path):
    drill(tmp_path, "today", input=answers("x", "good", "1/6", ":quit"))
    result = drill(tmp_path, "undo")
    assert result.output.startswith("undid the today review of probability/two-dice-seven")
    assert Store(tmp_path).history.card("probability/two-dice-seven") is None
    assert drill(tmp_path, "suspend", "sql/top-earner").output == "suspended sql/top-earner\n"
    assert drill(tmp_path, "suspend", "sql/nope").exit_code == 2
    out = drill(tmp_path, "today", input=answers("1/6", RUNNING, ":quit")).output
    assert "Top earner" not in out
    assert drill(tmp_path, "unsuspend", "sql/top-earner").exit_code == 0
    assert drill(tmp_path, "reset", "--all", input="n\n").exit_code == 1
    assert Store(tmp_path).history.count() == 3
    result = drill(tmp_path, "reset", "--all", input="y\n")
    assert "forgot ALL progress (3 reviews)" in result.output
    assert drill(tmp_path, "undo").output == "Error: nothing to undo: no reviews yet\n"


def test_export_import_due_config_orphans_leeches(tmp_path):
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    drill(home_a, "today", input=answers("x", "good", "1/11", ":quit"))
    backup = tmp_path / "backup.json"
    assert drill(home_a, "export", str(backup)).output == f"exported 2 reviews to {backup}\n"
    assert drill(home_b, "import", str(backup)).output == "imported 2 new reviews, updated 2 cards\n"
    assert drill(home_b, "import", str(backup)).output == "imported 0 new reviews, updated 0 cards\n"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "drill-progress",\n "reviews": [}')
    assert drill(home_b, "import", str(bad)).output.startswith(f"Error: {bad}:2: not valid JSON")

    due = drill(home_b, "due").output
    assert due.startswith("due now: 0 · new today: 2 · learning later today: 2")
    assert len(due.splitlines()) == 8

    assert drill(home_b, "config", "interview-date", "tomorrow").output.startswith(
        "Error: 'tomorrow' is not a valid interview-date")
    assert drill(home_b, "config", "learning-steps", "2m 15m").output == "learning-steps = 2m 15m\n"
    assert "learning-steps = 2m 15m" in drill(home_b, "config").output

    store = Store(home_b)
    history = store.history
    history.record(history.reviews()[0].__class__("old/removed", "2026-01-01T00:00:00.000000+00:00", 1, 1, "wrong",
                                                  10, "x", "today", "h"), None, None)
    for _ in range(7):
        history.record(history.reviews()[1].__class__("probability/two-dice-seven", "2026-01-01T00:00:00.000000+00:00",
                                                      1, 1, "wrong", 10, "x", "today", "h"), None, None)
    assert drill(home_b, "orphans").output == "old/removed\n"
    assert drill(home_b, "leeches").output == "probability/two-dice-seven  failed 8 times  Sum of seven\n"
    out = drill(home_b, "cram", "--topic", "probability", input=answers(":quit")).output
    assert "This drill keeps slipping (a leech)" in out


def test_newer_store_is_refused(tmp_path):
    Store(tmp_path).close()
    with sqlite3.connect(tmp_path / "progress.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    result = drill(tmp_path, "today", input="")
    assert result.exit_code == 1
    assert "written by a newer drill (schema 99" in result.output


def spawn(home: Path, *args: str, env_extra: dict | None = None, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "DRILL_HOME": str(home), "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.Popen([sys.executable, "-m", "drills", "--no-builtin", "--bank", str(FIXTURE_BANK), *args],
                            env=env, cwd=ROOT, **kwargs)


def wait_for_reviews(home: Path, n: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (home / "progress.sqlite3").exists():
            with sqlite3.connect(home / "progress.sqlite3", timeout=5) as db:
                try:
                    if db.execute("SELECT count(*) FROM reviews").fetchone()[0] >= n:
                        return
                except sqlite3.OperationalError:
                    pass
        time.sleep(0.05)
    raise AssertionError(f"fewer than {n} reviews after {timeout}s")


def test_sigkill_mid_session_loses_no_answered_review(tmp_path):
    proc = spawn(tmp_path, "today", stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                 text=True)
    proc.stdin.write(answers("x", "good", "1/6", RUNNING))
    proc.stdin.flush()
    wait_for_reviews(tmp_path, 3)
    proc.stdin.write("SELECT half of an answer")  # being typed when the process dies
    proc.stdin.flush()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stdin.close()
    store = Store(tmp_path)
    assert store.integrity() == "ok"
    assert [r.drill_id for r in store.history.reviews()] == ["concepts/null-in-count", "probability/two-dice-seven",
                                                    "sql/running-total"]
    assert len(store.history.cards()) == 3


def test_two_sessions_at_once(tmp_path):
    procs = [spawn(tmp_path, "today", stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   text=True) for _ in range(2)]
    outs = [p.communicate(answers("x", "good", "1/6", RUNNING, TOP_EARNER, ":quit"), timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    store = Store(tmp_path)
    assert store.integrity() == "ok"
    assert store.history.count() == 8
    assert len(store.history.cards()) == 4


def test_a_real_terminal_session(tmp_path):
    with Terminal(tmp_path, FIXTURE_BANK, "today") as term:
        term.read_until(b"COUNT and NULL")
        term.type_at_prompt(b"It skips them\x1b\r")     # Esc Enter submits the multi-line answer
        term.read_until(b"Rate yourself")
        term.type_at_prompt(b"3\r")
        term.read_until(b"Sum of seven")
        term.type_at_prompt(b"1/6\x1b\r")
        term.read_until(b"correct")
        term.read_until(b"1-4 to rate otherwise")
        term.type_at_prompt(b"2\r")                      # override the rating on the result screen
        term.read_until(b"Rated hard")
        term.read_until(b"Running total in order")
        assert term.quit(b":quit\x1b\r") == 0
    reviews = Store(tmp_path).history.reviews()
    assert [(r.drill_id, r.rating) for r in reviews] == [("concepts/null-in-count", 3),
                                                        ("probability/two-dice-seven", 2)]
    assert reviews[1].auto_rating == 4


def test_ctrl_c_again_and_again_while_a_session_ends_prints_nothing_stray(tmp_path):
    """In a real terminal, Ctrl-C pressed while the editor closes, the summary prints and the
    workers stop: no traceback, no asyncio warning, no "Aborted!"."""
    with Terminal(tmp_path, FIXTURE_BANK, "today") as term:
        term.read_until(b"COUNT and NULL")
        term.type_at_prompt(b":quit\x1b\r")
        for _ in range(20):
            os.write(term.fd, b"\x03")
            time.sleep(0.02)
        code = term.finish()
    text = term.text()
    assert code in (0, 130), text
    for stray in ("Traceback", "Exception ignored", "RuntimeWarning", "Aborted!", "KeyboardInterrupt"):
        assert stray not in text, text[-2000:]


def test_judges_start_once_the_first_drill_is_on_the_screen(tmp_path, monkeypatch):
    # starting the SQL worker or the sandbox must not delay the first prompt
    from drills import kinds
    from drills.ui import PlainUI

    events = []
    for name in kinds.NAMES:
        monkeypatch.setattr(type(kinds.get(name)), "warm", lambda self: events.append(f"warm {self.name}"))
    shown = PlainUI.show_question
    monkeypatch.setattr(PlainUI, "show_question", lambda self, q, *a: (events.append("shown"), shown(self, q, *a)))
    result = drill(tmp_path, "today", input=":skip\n---\n:quit\n")
    assert result.exit_code == 0, result.output
    assert events[0] == "shown" and events.count("shown") == 2
    assert {e for e in events[1:] if e != "shown"} == {"warm sql", "warm numeric", "warm recall"}
    assert events.index("shown", 1) > max(i for i, e in enumerate(events) if e.startswith("warm"))
