"""The SQL judge: run the answer and the reference in DuckDB, compare the result sets.

Queries run in a worker process (sql_worker.py) on a locked-down connection, so a query
that ignores interrupts is ended by killing the process and the caller never hangs.
"""

from __future__ import annotations

import atexit
import datetime as dt
import math
import os
import select
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from drills.errors import BankError
from drills.judge import sql_worker
from drills.model import Question, Verdict

MAX_ROWS = 10_000
SHOW_ROWS = 5
GRACE = 2.0


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
                    stream.close()
                except OSError:
                    pass

    def close(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
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


def run_query(question: Question, index: int, sql: str) -> tuple:
    """Run `sql` on dataset `index` of the question; a reply tuple from the worker."""
    key = (question.content_hash or question.id, index)
    limit = question.time_limit
    try:
        return runner().call("query", (key, datasets(question)[index], sql, limit, MAX_ROWS),
                             time.monotonic() + limit + GRACE)
    except WorkerDied:
        return ("timeout", limit)


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
    reply = runner().call("tables", (key, question.setup, sample), time.monotonic() + 30)
    if reply[0] != "ok":
        raise BankError(f"the drill's setup fails: {reply[1]}", question.path, question.line_of("setup"))
    if file is not None:
        try:
            caches.write_json(file, caches.encode(reply[1]))
        except caches.Unencodable:  # a value JSON cannot hold: describe again next time
            pass
    return reply[1]


_expected: dict[tuple, tuple] = {}


def expected(question: Question, index: int) -> tuple:
    key = (question.content_hash or question.id, question.solution, index)
    if key not in _expected:
        reply = run_query(question, index, question.solution)
        if reply[0] == "setup_error":
            raise BankError(f"the drill's setup fails: {reply[1]}", question.path,
                            question.line_of("setup" if index == 0 else "extra_setups"))
        if reply[0] != "ok":
            what = "times out" if reply[0] == "timeout" else f"fails: {reply[1]}"
            raise BankError(f"the reference solution {what}", question.path, question.line_of("solution"))
        _expected[key] = reply
    return _expected[key]


def judge(question: Question, answer: str) -> Verdict:
    if not answer.strip():
        return Verdict("error", "The answer is empty; type one SQL query.")
    start = time.perf_counter()
    for index in range(len(datasets(question))):
        exp = expected(question, index)
        got = run_query(question, index, answer)
        if got[0] == "setup_error":
            raise BankError(f"the drill's setup fails: {got[1]}", question.path, question.line_of("setup"))
        if got[0] == "timeout":
            return _verdict(start, "timeout",
                            f"The query ran longer than {question.time_limit:g} s and was stopped.")
        if got[0] in ("error", "refused", "crash"):
            return _verdict(start, "error", got[1])
        problem = compare(question, exp, got)
        if problem is not None:
            message, details = problem
            if len(datasets(question)) > 1:
                details["dataset"] = index + 1
                if index:
                    message += f" (on dataset {index + 1}, which has other edge cases than the first)"
            return _verdict(start, "wrong", message, details)
    return _verdict(start, "correct", "Correct: same rows as the reference.")


def _verdict(start: float, outcome: str, message: str, details: dict | None = None) -> Verdict:
    return Verdict(outcome, message, details or {}, (time.perf_counter() - start) * 1000)


def compare(question: Question, exp: tuple, got: tuple) -> tuple[str, dict] | None:
    """None when `got` matches `exp` under the drill's rules, else (message, details)."""
    _, exp_cols, exp_rows, _ = exp
    _, got_cols, got_rows, truncated = got
    details: dict[str, Any] = {
        "expected_columns": [c for c, _ in exp_cols],
        "actual_columns": [c for c, _ in got_cols],
    }
    if len(exp_cols) != len(got_cols):
        return (f"Expected {len(exp_cols)} column{_s(len(exp_cols))} "
                f"({', '.join(details['expected_columns'])}), got {len(got_cols)}.", details)
    if question.column_names == "match":
        for i, ((e, _), (g, _)) in enumerate(zip(exp_cols, got_cols, strict=True), 1):
            if e.lower() != g.lower():
                return f"Column {i} is named '{g}'; the drill asks for '{e}'.", details
    if truncated:
        return f"The query returned more than {MAX_ROWS:,} rows; expected {len(exp_rows)}.", details
    digits = question.float_digits
    exp_norm = [normalize_row(r, digits) for r in exp_rows]
    got_norm = [normalize_row(r, digits) for r in got_rows]
    details["expected_rows"] = [_show_row(r) for r in exp_rows[:20]]
    details["actual_rows"] = [_show_row(r) for r in got_rows[:20]]
    if question.ordered and exp_norm == got_norm:
        return None
    exp_count, got_count = Counter(exp_norm), Counter(got_norm)
    if exp_count == got_count:
        if not question.ordered:
            return None
        first = next(i for i, (e, g) in enumerate(zip(exp_norm, got_norm, strict=True)) if e != g)
        details["first_out_of_order"] = first + 1
        return (f"Rows right, order wrong: row {first + 1} should be {_show_row(exp_rows[first])}. "
                "Check the ORDER BY.", details)
    original = {**dict(zip(got_norm, got_rows, strict=True)), **dict(zip(exp_norm, exp_rows, strict=True))}
    missing = [original[r] for r in (exp_count - got_count).elements()]
    extra = [original[r] for r in (got_count - exp_count).elements()]
    details["missing_rows"] = [_show_row(r) for r in missing[:SHOW_ROWS]]
    details["extra_rows"] = [_show_row(r) for r in extra[:SHOW_ROWS]]
    parts = []
    if len(exp_rows) != len(got_rows):
        parts.append(f"Expected {len(exp_rows)} row{_s(len(exp_rows))}, got {len(got_rows)}.")
    if missing:
        parts.append(f"Missing {len(missing)}: {_row_list(missing)}.")
    if extra:
        parts.append(f"Unexpected {len(extra)}: {_row_list(extra)}.")
    return " ".join(parts), details


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _row_list(rows: list) -> str:
    shown = ", ".join(_show_row(r) for r in rows[:3])
    return shown + (f" and {len(rows) - 3} more" if len(rows) > 3 else "")


def _show_row(row: Any) -> str:
    return "(" + ", ".join(_show(v) for v in row) + ")"


def _show(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def normalize_row(row: tuple, digits: int) -> tuple:
    return tuple(normalize(v, digits) for v in row)


def normalize(value: Any, digits: int) -> Any:
    """A hashable, comparable form: numbers of any type rounded alike, NULL equal to NULL."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return _number(value, digits)
    if isinstance(value, (list, tuple)):
        return ("list", tuple(normalize(v, digits) for v in value))
    if isinstance(value, dict):
        return ("struct", tuple((str(k), normalize(v, digits)) for k, v in value.items()))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc)
        if value.time() == dt.time():
            return value.date()  # date_trunc gives a timestamp; by value it is the same day
    return value


def _number(value: int | float | Decimal, digits: int) -> Any:
    if isinstance(value, float):
        if math.isnan(value):
            return ("nan",)
        if math.isinf(value):
            return ("inf", value > 0)
    try:
        d = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
        q = d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)  # as SQL's ROUND does
    except InvalidOperation:
        return ("num", float(value))
    return ("num", q + 0)  # + 0 turns -0 into 0
