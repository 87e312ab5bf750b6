"""Mock rounds driven through the plain-text UI with a fake clock, and their reports."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import time

import pytest
from click.testing import CliRunner

from drills import scheduler as sched
from drills.bank import load_bank
from drills.cli import cli
from drills.mock import MockRound, plan_round
from drills.report import NotAttempted, TagAdvice, TopicScore
from drills.store import Store
from drills.ui import PlainUI

from .conftest import FIXTURE_BANK
from .test_cli_today import RUNNING, TOP_EARNER, answers, spawn

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
SETTINGS = sched.Settings(fuzz=False)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class TimedUI(PlainUI):
    """Each answer block takes `seconds[i]` of the fake clock to type."""

    def __init__(self, text: str, clock: Clock, seconds: list[float]):
        super().__init__(io.StringIO(text), console=__import__("drills.render", fromlist=["console"]).console())
        self.clock, self.seconds = clock, list(seconds)

    def _block(self):
        text = super()._block()
        if self.seconds:
            self.clock.now += dt.timedelta(seconds=self.seconds.pop(0))
        return text


@pytest.fixture
def questions():
    return load_bank([FIXTURE_BANK]).questions


def new_round(store, questions, minutes, plan, feedback="end"):
    return store.rounds.start(T0.isoformat(), minutes, plan, {"feedback": feedback})


PLAN = ["probability/two-dice-seven", "sql/running-total", "sql/top-earner"]


def test_plan_is_repeatable_fits_the_minutes_and_leaves_out_recall(tmp_path, questions):
    store = Store(tmp_path)
    a = plan_round(questions, store, SETTINGS, T0, minutes=30, seed=7)
    assert a == plan_round(questions, store, SETTINGS, T0, minutes=30, seed=7)
    assert sorted(a) == sorted(PLAN)  # 30 + 90 + 90 s of targets fit; the recall card is not for a timed round
    assert len(plan_round(questions, store, SETTINGS, T0, minutes=2.5, seed=7)) == 2  # 150 s: two drills fit
    assert plan_round(questions, store, SETTINGS, T0, count=1, seed=1, topics=["sql"])[0].startswith("sql/")


def test_weakest_drills_come_first(tmp_path, questions):
    store = Store(tmp_path)
    for drill_id, rating in (("sql/top-earner", sched.EASY), ("sql/running-total", sched.AGAIN)):
        card = sched.review(None, drill_id, rating, T0 - dt.timedelta(days=3), SETTINGS)
        store.history.record(__import__("drills.store", fromlist=["Review"]).Review(
            drill_id, (T0 - dt.timedelta(days=3)).isoformat(), rating, rating, "x", 1, "x", "today", "h"), card, None)
    plan = plan_round(questions, store, SETTINGS, T0, count=2, topics=["sql"], seed=3)
    assert plan == ["sql/running-total", "sql/top-earner"]


def test_a_whole_round_with_a_fake_clock(tmp_path, questions):
    store = Store(tmp_path)
    round_id = new_round(store, questions, 10, PLAN)
    clock = Clock(T0)
    ui = TimedUI(answers("1/11", ":skip", TOP_EARNER, RUNNING, ":done"), clock, [40, 5, 200, 50, 1])
    report = MockRound(questions, store, ui, SETTINGS, round_id, clock=clock).run()
    assert (report.correct, report.answered, report.total, report.score) == (2, 3, 3, 66.7)
    assert report.per_topic == {"probability": TopicScore(correct=0, total=1), "sql": TopicScore(correct=2, total=2)}
    by_id = {d.id: d for d in report.drills}
    assert by_id["probability/two-dice-seven"].outcome == "wrong"
    assert by_id["probability/two-dice-seven"].solution == "1/6"
    assert by_id["sql/top-earner"].seconds == 200
    assert by_id["sql/running-total"].seconds == 55  # 5 s before the skip, 50 s on the way back
    assert report.used_s == 296
    assert report.weakest_tags[0] == TagAdvice(tag="dice", correct=0, total=1, practise="drill cram --tag dice",
                                               read=["https://en.wikipedia.org/wiki/Dice"])
    reviews = store.history.reviews(mode="mock")
    assert [(r.drill_id, r.verdict, r.rating) for r in reviews] == [
        ("probability/two-dice-seven", "wrong", sched.AGAIN),
        ("sql/running-total", "correct", sched.GOOD),        # 55 s against a 90 s target
        ("sql/top-earner", "correct", sched.HARD),           # 200 s: slower than the target
    ]
    ratings = {r.drill_id: r.rating for r in reviews}
    assert ratings == {"probability/two-dice-seven": sched.AGAIN, "sql/running-total": sched.GOOD,
                       "sql/top-earner": sched.HARD}
    assert set(store.history.cards()) == set(PLAN)  # the round fed the schedule
    assert store.rounds.get(round_id)["status"] == "finished"
    assert store.rounds.get(round_id)["report"] == report.to_dict()  # what --report and exports read back


def test_time_running_out_mid_answer_judges_what_was_typed(tmp_path, questions):
    store = Store(tmp_path)
    round_id = new_round(store, questions, 2, PLAN)  # 120 s
    clock = Clock(T0)
    ui = TimedUI(answers("1/6", RUNNING, TOP_EARNER), clock, [30, 60, 45])  # the third ends at 135 s
    report = MockRound(questions, store, ui, SETTINGS, round_id, clock=clock).run()
    outcomes = [d.outcome for d in report.drills]
    assert outcomes == ["correct", "correct", "correct"]
    assert report.used_s == 120
    ui = TimedUI(answers("1/6", ":skip"), Clock(T0), [30, 100])
    store2 = Store(tmp_path / "b")
    rid = new_round(store2, questions, 2, PLAN)
    report = MockRound(questions, store2, ui, SETTINGS, rid, clock=ui.clock).run()
    assert [d.outcome for d in report.drills] == ["correct", "unanswered", "unanswered"]
    assert len(store2.history.reviews(mode="mock")) == 1  # untouched drills are not reviews


def test_quitting_early_asks_and_still_reports(tmp_path, questions):
    store = Store(tmp_path)
    round_id = new_round(store, questions, 10, PLAN)
    clock = Clock(T0)
    ui = TimedUI(answers("1/6", ":quit", "no", RUNNING, ":quit", "yes"), clock, [10] * 6)
    report = MockRound(questions, store, ui, SETTINGS, round_id, clock=clock).run()
    # quit early: the report covers the drills answered; the third is named, not counted or revealed
    assert [d.outcome for d in report.drills] == ["correct", "correct"]
    assert (report.correct, report.total, report.score) == (2, 2, 100.0)
    assert report.not_attempted == [NotAttempted(id="sql/top-earner", title="Top earner per department")]
    assert len(store.history.reviews(mode="mock")) == 2


def test_quitting_before_any_answer_is_left_out_of_the_trend(tmp_path, questions):
    store = Store(tmp_path)
    clock = Clock(T0)
    first = new_round(store, questions, 10, PLAN)
    MockRound(questions, store, TimedUI(answers("1/11", ":quit", "yes"), clock, [10] * 3), SETTINGS, first,
              clock=clock).run()
    empty = new_round(store, questions, 10, PLAN)
    report = MockRound(questions, store, TimedUI(answers(":quit", "yes"), clock, [10] * 2), SETTINGS, empty,
                       clock=clock).run()
    assert (report.answered, report.drills, len(report.not_attempted)) == (0, [], 3)
    assert [t.id for t in report.trend] == [first]
    third = new_round(store, questions, 10, PLAN)
    report = MockRound(questions, store, TimedUI(answers("1/6", ":quit", "yes"), clock, [10] * 3), SETTINGS, third,
                       clock=clock).run()
    assert [t.id for t in report.trend] == [first, third]
    out = cli_run(tmp_path, "mock", "--report", str(empty)).output
    assert "ended before any drill was answered" in out and "Reference" not in out


def test_feedback_now_shows_verdicts_during_the_round(tmp_path, questions, capsys):
    store = Store(tmp_path)
    round_id = new_round(store, questions, 10, PLAN, feedback="now")
    clock = Clock(T0)
    ui = TimedUI(answers("1/11", ":quit", "yes"), clock, [10, 1, 1])
    MockRound(questions, store, ui, SETTINGS, round_id, clock=clock).run()
    assert "Wrong: 1/11" in capsys.readouterr().out


def test_trend_compares_with_earlier_rounds(tmp_path, questions):
    store = Store(tmp_path)
    for script in (answers("1/11", ":quit", "yes"), answers("1/6", ":quit", "yes")):
        clock = Clock(T0)
        rid = new_round(store, questions, 10, PLAN)
        report = MockRound(questions, store, TimedUI(script, clock, [20, 1, 1]), SETTINGS, rid, clock=clock).run()
    assert [t.score for t in report.trend] == [0.0, 100.0]  # each counts the drills answered


def cli_run(home, *args, input=None):
    return CliRunner().invoke(cli, ["--home", str(home), "--no-builtin", "--bank", str(FIXTURE_BANK), *args],
                              input=input)


def test_cli_round_history_report_and_html(tmp_path):
    result = cli_run(tmp_path, "mock", "--seed", "1", "--count", "3", input=answers("1/11", ":quit", "yes"))
    assert result.exit_code == 0, result.output
    assert "Mock round: 3 drills" in result.output
    assert "Score: 0/1 (0%)" in result.output
    assert "what to work on" in result.output
    assert "practise: drill cram --tag" in result.output
    history = cli_run(tmp_path, "mock", "--history").output
    assert history.startswith("   1  ") and "0/1 (0%)" in history
    again = cli_run(tmp_path, "mock", "--report", "1").output
    assert "Score: 0/1 (0%)" in again
    page = tmp_path / "round.html"
    assert cli_run(tmp_path, "mock", "--report", "1", "--html", str(page)).exit_code == 0
    html = page.read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html and "http" not in html.split("<body>")[0]
    assert "<script" not in html
    assert cli_run(tmp_path, "mock", "--report", "9").output.startswith("Error: no finished mock round 9")
    assert cli_run(tmp_path, "mock", "--resume").output.startswith("Error: no interrupted mock round")


def test_resume_after_sigkill(tmp_path, questions):
    right = {"probability/two-dice-seven": "1/6", "sql/running-total": RUNNING, "sql/top-earner": TOP_EARNER}
    order = plan_round(questions, Store(tmp_path / "probe"), SETTINGS, T0, count=3, seed=1)
    proc = spawn(tmp_path, "mock", "--seed", "1", "--count", "3", "--minutes", "30", stdin=subprocess.PIPE,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    proc.stdin.write(answers(right[order[0]]))
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while True:
        store = Store(tmp_path)
        row = store.rounds.get(status="running")
        store.close()
        if row and row["answers"]:
            break
        assert time.monotonic() < deadline, "the first answer was never saved"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stdin.close()
    store = Store(tmp_path)
    assert store.integrity() == "ok"
    row = store.rounds.get(status="running")
    assert row["drill_ids"] == order
    assert list(row["answers"]) == [order[0]]
    assert row["answers"][order[0]]["answer"].strip() == right[order[0]].strip()
    assert 0 < row["used_s"] < 30 * 60
    result = cli_run(tmp_path, "mock", "--resume", input=answers(right[order[1]], right[order[2]], ":done"))
    assert result.exit_code == 0, result.output
    assert "Resuming the mock round" in result.output
    assert "Score: 3/3 (100%)" in result.output
    assert Store(tmp_path).rounds.get(row["id"])["status"] == "finished"
    assert len(Store(tmp_path).history.reviews(mode="mock")) == 3


def default_sigint() -> None:
    """A shell runs a background job with Ctrl-C ignored, and Python keeps an ignored SIGINT:
    give the round the terminal's default, as a user's shell does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupted_round(home) -> str:
    """Start a round in a process, press Ctrl-C while it waits for an answer; its output."""
    out = home / f"out{time.monotonic_ns()}.txt"
    with open(out, "w") as sink:
        proc = spawn(home, "mock", "--count", "2", "--topic", "sql", stdin=subprocess.PIPE, stdout=sink,
                     stderr=subprocess.STDOUT, text=True, env_extra={"PYTHONFAULTHANDLER": "1"},
                     preexec_fn=default_sigint)
        deadline = time.monotonic() + 30
        while "Answer" not in out.read_text() and "End each answer" not in out.read_text():
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.05)
        time.sleep(0.2)
        os.kill(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # say where it hangs: faulthandler prints every thread's stack
            proc.send_signal(signal.SIGABRT)
            proc.wait()
            raise AssertionError(f"no exit 30 s after Ctrl-C:\n{out.read_text()}") from None
        proc.stdin.close()
    assert proc.returncode == 0, out.read_text()
    return out.read_text()


def test_ctrl_c_pauses_quietly_and_any_unfinished_round_can_be_resumed(tmp_path):
    first = interrupted_round(tmp_path)
    assert "Paused round 1 with" in first and "Resume with `drill mock --resume 1`." in first
    assert "Traceback" not in first and "Error" not in first
    second = interrupted_round(tmp_path)
    assert "Note: unfinished: round 1; `drill mock --resume 1` continues it." in second
    history = cli_run(tmp_path, "mock", "--history").output.splitlines()
    assert [x.split("  ")[-1] for x in history] == ["unfinished: drill mock --resume 1",
                                                     "unfinished: drill mock --resume 2"]
    assert cli_run(tmp_path, "mock", "--resume", "7").output == \
        "Error: no interrupted mock round 7; unfinished rounds: 1, 2\n"
    resumed = cli_run(tmp_path, "mock", "--resume", "1", input=answers(":quit", "yes"))
    assert resumed.exit_code == 0
    assert "Note: also unfinished: round 2" in resumed.stderr
    rounds = Store(tmp_path).rounds
    assert rounds.get(1)["status"] == "finished" and rounds.get(2)["status"] == "running"


def test_feedback_now_says_so_and_the_report_shows_the_answer_by_the_reference(tmp_path):
    result = cli_run(tmp_path, "mock", "--count", "1", "--topic", "probability", "--feedback", "now",
                     input=answers("1/11"))
    assert "Each verdict right after the answer." in result.output
    assert "No verdicts until the end" not in result.output
    report = result.output[result.output.index("missed: Sum of seven"):]
    assert [x.strip() for x in report[report.index("Your answer"):].splitlines()[:4]] == [
        "Your answer", "1/11", "Reference", "1/6"]


def test_a_judge_that_raises_is_an_error_verdict_and_the_round_finishes(tmp_path, questions):
    from drills.model import Verdict

    def judge(q, answer):
        if q.kind == "numeric":
            raise OverflowError("int too large to convert to float")
        return Verdict("correct", "Correct.")

    store = Store(tmp_path)
    round_id = new_round(store, questions, 10, PLAN)
    clock = Clock(T0)
    ui = TimedUI(answers("10**400", RUNNING, TOP_EARNER, ":done"), clock, [10, 10, 10, 1])
    report = MockRound(questions, store, ui, SETTINGS, round_id, clock=clock, judge=judge).run()
    by_id = {d.id: d for d in report.drills}
    assert by_id["probability/two-dice-seven"].outcome == "error"
    assert by_id["probability/two-dice-seven"].message == (
        "the judge failed on this answer (OverflowError: int too large to convert to float)")
    assert (report.correct, report.answered) == (2, 3)
    assert store.rounds.get(round_id)["status"] == "finished"
    assert [r.verdict for r in store.history.reviews(mode="mock")] == ["error", "correct", "correct"]


class KilledWhileTyping(PlainUI):
    """Types for `seconds` of the fake clock, its countdown asking the time left each second, and
    then the process is killed: nothing after that runs."""

    def __init__(self, clock: Clock, seconds: int):
        super().__init__(io.StringIO(""), console=__import__("drills.render", fromlist=["console"]).console())
        self.clock, self.seconds = clock, seconds

    def mock_answer(self, q, previous, seconds_left):
        for _ in range(self.seconds):
            self.clock.now += dt.timedelta(seconds=1)
            seconds_left()
        raise SystemExit(-9)


def test_time_spent_on_the_drill_being_typed_when_killed_is_counted_on_resume(tmp_path, questions):
    from drills.mock import HEARTBEAT_S

    store = Store(tmp_path)
    round_id = new_round(store, questions, 10, PLAN)
    clock = Clock(T0)
    with pytest.raises(SystemExit):
        MockRound(questions, store, KilledWhileTyping(clock, 47), SETTINGS, round_id, clock=clock).run()
    used = Store(tmp_path).rounds.get(round_id)["used_s"]
    assert 47 - HEARTBEAT_S <= used <= 47
    resumed = MockRound(questions, Store(tmp_path), KilledWhileTyping(Clock(T0), 0), SETTINGS, round_id,
                        clock=Clock(T0))
    assert resumed.left() == 600 - used


def test_a_full_disk_mid_round_keeps_the_answer_and_the_round(tmp_path, questions, monkeypatch, capsys):
    from drills.errors import StoreError

    from .faults import disk_full

    round_id = new_round(Store(tmp_path), questions, 10, PLAN)
    clock = Clock(T0)
    drafts = []

    class Remember(TimedUI):
        def mock_answer(self, q, previous, seconds_left):
            drafts.append(previous)
            return super().mock_answer(q, previous, seconds_left)

    ui = Remember(answers("1/6", ":quit", "yes"), clock, [10, 1, 1])
    with disk_full(monkeypatch), pytest.raises(StoreError, match="the disk is full"):
        MockRound(questions, Store(tmp_path), ui, SETTINGS, round_id, clock=clock).run()
    assert drafts == [None, "1/6\n"]
    assert "NOT SAVED: cannot save progress to" in " ".join(capsys.readouterr().out.split())
    row = Store(tmp_path).rounds.get(round_id)
    assert row["status"] == "running" and row["answers"] == {}  # resumable, nothing half-written
