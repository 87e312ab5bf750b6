"""The SQL judge: run the answer and the reference in DuckDB, compare the result sets.

Queries run in a worker process (sql_worker.py) on a locked-down connection, so a query
that ignores interrupts is ended by killing the process and the caller never hangs.
"""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from drills.errors import BankError
from drills.judge import sql_worker
from drills.judge.sql_worker import VARIANT_NAMES, VARIANTS
from drills.judge.sqlcompare import normalize, show, show_row  # noqa: F401 - the judge's API
from drills.model import Question, Verdict

MAX_ROWS = 10_000
SHOW_ROWS = 5
GRACE = 2.0
_show_row = show_row  # how every value a verdict shows is written


class WorkerDied(Exception):
    pass


class SqlRunner:
    """A lazily started worker process; restarted after it dies or is killed."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        root = str(Path(__file__).resolve().parents[2])
        code = f"import sys; sys.path.insert(0, {root!r}); from drills.judge.sql_worker import main; main()"
        return subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def warm(self) -> None:
        """Start the worker now, without waiting, so the first check does not pay for it."""
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = self._start()

    def call(self, op: str, args: tuple, deadline: float | None) -> tuple:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = self._start()
            proc = self.proc
            try:
                sql_worker.write_frame(proc.stdin, (op, args))
                return self._read(proc, deadline)
            except (WorkerDied, OSError, EOFError):
                self.kill()
                raise WorkerDied from None

    def _read(self, proc: subprocess.Popen, deadline: float | None) -> tuple:
        assert proc.stdout is not None  # started with stdout=PIPE
        fd = proc.stdout.fileno()
        buf = b""
        need = sql_worker.HEADER.size
        size = None
        while True:
            while len(buf) < need:
                timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([fd], [], [], timeout)
                if not ready:
                    raise WorkerDied("deadline")
                chunk = os.read(fd, max(65536, need - len(buf)))
                if not chunk:
                    raise WorkerDied("closed")
                buf += chunk
            if size is None:
                (size,) = sql_worker.HEADER.unpack(buf[: sql_worker.HEADER.size])
                buf = buf[sql_worker.HEADER.size:]
                need = size
                continue
            import pickle

            return pickle.loads(buf[:size])

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, 9)
            except OSError:
                proc.kill()
            proc.wait()
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass

    def close(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
                proc.wait(timeout=1)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


_runner: SqlRunner | None = None


def runner() -> SqlRunner:
    global _runner
    if _runner is None:
        _runner = SqlRunner()
        atexit.register(_runner.close)
    return _runner


def datasets(question: Question) -> list[str]:
    return [question.setup, *question.extra_setups]


def _deadline(limit: float) -> float:
    """The parent's backstop: the worker enforces the setup's and the query's limits itself."""
    return time.monotonic() + 2 * limit + GRACE


def run_query(question: Question, index: int, sql: str, variant: int = 0) -> tuple:
    """Run `sql` on dataset `index` of the question, stored in `variant` order; a worker reply."""
    key = (question.content_hash or question.id, index)
    limit = question.time_limit
    try:
        return runner().call("query", (key, datasets(question)[index], sql, limit, MAX_ROWS, variant),
                             _deadline(limit))
    except WorkerDied as died:
        return ("timeout", limit) if died.args == ("deadline",) else ("crash", "the SQL worker stopped")


def setup_problem(question: Question, index: int, reply: tuple) -> BankError:
    where = question.line_of("setup" if index == 0 else "extra_setups")
    if reply[0] == "setup_timeout":
        return BankError(f"the drill's setup did not finish within {question.time_limit:g} s; "
                         "make the data smaller or the setup simpler", question.path, where)
    return BankError(f"the drill's setup fails: {reply[1]}", question.path, where)


def describe_tables(question: Question, sample: int = SHOW_ROWS, cache: Path | None = None) -> list[tuple]:
    """(name, [(column, type)], first rows, row count) for each table of the drill's first dataset.

    With `cache` (a folder), the description is kept per drill content, so showing a drill
    again does not wait for DuckDB to start.
    """
    from drills import cache as caches

    file = cache / f"{question.content_hash}-{sample}.json" if cache and question.content_hash else None
    if file is not None:
        try:
            found = caches.read_json(file)
            if found is not None:
                return [(n, [tuple(c) for c in cols], [tuple(r) for r in rows], count)
                        for n, cols, rows, count in caches.decode(found)]
        except (ValueError, TypeError):  # damaged: describe again
            pass
    key = (question.content_hash or question.id, 0)
    limit = question.time_limit
    try:
        reply = runner().call("tables", (key, question.setup, sample, limit), _deadline(limit))
    except WorkerDied:
        reply = ("setup_timeout", limit)
    if reply[0] != "ok":
        raise setup_problem(question, 0, reply)
    if file is not None:
        try:
            caches.write_json(file, caches.encode(reply[1]))
        except caches.Unencodable:  # a value JSON cannot hold: describe again next time
            pass
    return reply[1]


_expected: dict[tuple, tuple] = {}


def expected(question: Question, index: int, variant: int = 0) -> tuple:
    """The reference's reply on dataset `index` stored in `variant` order (cached)."""
    key = (question.content_hash or question.id, question.solution, index, variant)
    if key not in _expected:
        reply = run_query(question, index, question.solution, variant)
        if reply[0].startswith("setup_"):
            raise setup_problem(question, index, reply)
        if reply[0] != "ok":
            what = "times out" if reply[0] == "timeout" else f"fails: {_failure(reply)}"
            raise BankError(f"the reference solution {what}", question.path, question.line_of("solution"))
        _expected[key] = reply
    return _expected[key]


def _failure(reply: tuple) -> str:
    if reply[0] == "memory":
        return f"it needs more memory than the {reply[1]} MB an answer may use"
    return str(reply[1])


def judge(question: Question, answer: str) -> Verdict:
    if not answer.strip():
        return Verdict("error", "The answer is empty; type one SQL query.")
    from drills.judge import explaining
    from drills.judge.sqlcompare import Rules, compare

    start = time.perf_counter()
    rules = Rules.of(question)
    count = len(datasets(question))
    limit = question.time_limit
    rounds = count * len(VARIANTS)
    args = (question.content_hash or question.id, datasets(question), question.solution, answer, rules, limit,
            MAX_ROWS, question.ordered, explaining())
    try:
        reply = runner().call("check", args, time.monotonic() + rounds * 2 * limit + GRACE)
    except WorkerDied as died:
        reply = ("answer", 0, 0, ("timeout", limit) if died.args == ("deadline",) else ("crash", "it stopped"))
    if reply[0] == "correct":
        return _verdict(start, "correct", "Correct: same rows as the reference.")
    if reply[0] == "reference":
        _, index, failed = reply
        if failed[0].startswith("setup_"):
            raise setup_problem(question, index, failed)
        what = "times out" if failed[0] == "timeout" else f"fails: {_failure(failed)}"
        raise BankError(f"the reference solution {what}", question.path, question.line_of("solution"))
    if reply[0] == "no_order_by":
        return _verdict(start, "wrong", "The drill asks for the rows in a given order, and the query has "
                                        "no ORDER BY at its outer level, so its row order is left to chance. "
                                        "Add an ORDER BY to the outermost query.", {"no_order_by": True})
    if reply[0] == "answer":
        return _failed_answer(start, question, reply[3])
    if reply[0] != "wrong":  # the worker failed as a whole: out of memory, or a crash
        return _failed_answer(start, question, reply)
    _, index, variant, exp, got = reply
    differs = compare(rules, exp, got)
    assert differs is not None, "the worker judged these rows different"
    message, details = differs
    if count > 1:
        details["dataset"] = index + 1
    if variant:
        details["storage_order"] = VARIANT_NAMES[variant]
        message += (f" (on dataset {index + 1} with its rows stored {VARIANT_NAMES[variant]}: the result "
                    "depends on the order rows were inserted in, which SQL does not guarantee; "
                    "order explicitly where it matters)")
    elif index:
        message += f" (on dataset {index + 1}, which has other edge cases than the first)"
    if explaining() and "expected_rows" in details:
        _counterexample(question, index, variant, answer, rules, details)
    return _verdict(start, "wrong", message, details)


def _failed_answer(start: float, question: Question, got: tuple) -> Verdict:
    if got[0] in ("memory", "crash"):
        runner().kill()  # a worker that hit its memory cap may be left unable to start a thread: start afresh
    if got[0] == "timeout":
        return _verdict(start, "timeout", f"The query ran longer than {question.time_limit:g} s and was stopped.")
    if got[0] == "memory":
        return _verdict(start, "error", f"The query ran out of the memory an answer may use (at most "
                                        f"{got[1]} MB) and was stopped.")
    if got[0] == "crash":
        return _verdict(start, "error", f"The query stopped the SQL worker ({got[1]}); it may have run "
                                        f"out of memory (an answer may use {sql_worker.MEMORY_LIMIT_MB} MB).")
    return _verdict(start, "error", got[1])


COUNTEREXAMPLE_BUDGET = 0.75  # seconds of shrinking; the smallest set found by then is shown


def _counterexample(question: Question, index: int, variant: int, answer: str, rules: Any, details: dict) -> None:
    """Add the smallest rows that still tell the answer from the reference to `details`
    (the screen shows them as grids; `--json` gives them as they are)."""
    key = (question.content_hash or question.id, index)
    args = (key, datasets(question)[index], variant, question.solution, answer, rules, question.time_limit,
            COUNTEREXAMPLE_BUDGET)
    try:
        reply = runner().call("shrink", args, time.monotonic() + COUNTEREXAMPLE_BUDGET + 2 * question.time_limit
                              + GRACE)
    except WorkerDied:
        return
    if reply[0] == "ok":
        details["counterexample"] = reply[1]


def _verdict(start: float, outcome: str, message: str, details: dict | None = None) -> Verdict:
    return Verdict(outcome, message, details or {}, (time.perf_counter() - start) * 1000)

SEARCH_BUDGET = 8.0


def search_data(question: Question, other: str) -> str | None:
    """A small dataset, made from the drill's rows, on which `other` and the reference differ:
    a setup an author can paste into `extra_setups` after checking that it fits the prompt."""
    from drills.judge.sqlcompare import Rules

    keys = [(question.content_hash or question.id, i) for i in range(len(datasets(question)))]
    args = (keys, datasets(question), question.solution, other, Rules.of(question), question.time_limit,
            SEARCH_BUDGET)
    try:
        reply = runner().call("search", args, time.monotonic() + SEARCH_BUDGET + 4 * question.time_limit + GRACE)
    except WorkerDied:
        return None
    if reply[0] != "ok":
        return None
    found = reply[1]
    return f"-- {found['change']}\n{found['script']}"


def checks(question: Question) -> list[tuple[str, str, str]]:
    """What `drill validate` asks of a SQL drill's data beyond its reference and wrong answers.

    (severity, field, message) for: a dataset where the reference returns nothing, a drill
    with one dataset or whose datasets give the same rows (a hard-coded answer would pass), a
    reference whose result depends on the order rows are stored in, an ordered drill that
    accepts its reference without the final ORDER BY, and values on a rounding tie."""
    from drills.judge.sqlcompare import Rules, same

    out = []
    rules = Rules.of(question)
    count = len(datasets(question))
    replies = [expected(question, i) for i in range(count)]
    for i, reply in enumerate(replies):
        if not reply[2]:
            out.append(("problem", _dataset_field(i),
                        f"the reference returns no rows on dataset {i + 1}; add data so an empty result is wrong"))
        for variant in VARIANTS[1:]:
            if not same(rules, reply, expected(question, i, variant)):
                out.append(("problem", "solution",
                            f"the reference's result on dataset {i + 1} changes when its rows are stored "
                            f"{VARIANT_NAMES[variant]}: it depends on an order SQL does not guarantee; break the "
                            "ties in the reference and say how in the prompt"))
                break
    if count == 1:
        out.append(("problem", "setup", "the drill has one dataset: a query returning its expected rows as literals "
                                        "would pass; add a dataset with other rows under extra_setups"))
    elif all(same(rules, replies[0], r) for r in replies[1:]):
        out.append(("problem", "extra_setups", "the reference gives the same rows on every dataset: a query "
                                               "returning them as literals would pass; give a dataset other rows"))
    if question.ordered:
        out += _order_by_matters(question)
    out += _rounding_ties(question, replies)
    return out


def _dataset_field(index: int) -> str:
    return "setup" if index == 0 else "extra_setups"


def _order_by_matters(question: Question) -> list[tuple[str, str, str]]:
    from drills.errors import DrillError
    from drills.judge import judge
    from drills.mutants import mutants_for

    try:
        unordered = [m for m in mutants_for(question) if m.operator == "drop-final-order-by"]
    except DrillError:
        return []
    if not unordered:
        return [("problem", "solution", "the drill is ordered but its reference has no final ORDER BY")]
    if judge(question, unordered[0].source).correct:
        return [("problem", "ordered", "the reference without its final ORDER BY is judged correct: an answer "
                                       "whose order is right by chance would pass")]
    return []


def _rounding_ties(question: Question, replies: list[tuple]) -> list[tuple[str, str, str]]:
    """Values halfway between two roundings: a DOUBLE and a DECIMAL computation round them apart."""
    from drills.judge.sqlcompare import on_tie

    digits = question.float_digits
    unrounded = _without_round(question.solution)
    found = []
    for i, reply in enumerate(replies):
        candidates = [("", reply)]
        if unrounded:
            raw = run_query(question, i, unrounded)
            if raw[0] == "ok":
                candidates.append((" before its ROUND", raw))
        for label, rep in candidates:
            for n, row in enumerate(rep[2], 1):
                for value in row:
                    if on_tie(value, digits):
                        found.append(("warning", "float_digits",
                                      f"the reference's value {show(value)}{label} (row {n} of dataset {i + 1}) sits "
                                      f"on a rounding tie at float_digits {digits}: answers computing it as DOUBLE "
                                      "and as DECIMAL round it apart; change the data"))
                        return found
    return found


def _without_round(sql: str) -> str | None:
    """The reference with every ROUND(x, n) replaced by x, or None when it has none."""
    try:
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(sql, read="duckdb")
    except Exception:  # noqa: BLE001 - a reference sqlglot cannot read is simply not checked
        return None
    rounds = list(tree.find_all(exp.Round))
    if not rounds:
        return None
    for node in rounds:
        node.replace(node.this)
    return tree.sql(dialect="duckdb")
