"""The judge for `kind: python`: run the answer in the sandbox, compare its values outside.

Expected values never enter the sandbox. Tests without `expected` take the reference
solution's output, computed once in the sandbox and cached by the drill's content.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from drills import sandbox
from drills.errors import AnswerError, BankError
from drills.model import Question, Verdict
from drills.sandbox import plain
from drills.sandbox.report import Run, TestResult

CACHE_VERSION = 1
_memory_cache: dict[str, dict[int, Any]] = {}


def judge(question: Question, answer: str) -> Verdict:
    """Run `answer` on every test of `question` and say whether it returned what was expected."""
    if not answer.strip():
        raise AnswerError(f"The answer is empty; write the function `{question.function}`.")
    wire = _wire_tests(question)
    expected = _expected_values(question, wire)
    run = sandbox.run(answer, question.function, wire, time_limit=question.time_limit, pure=question.pure)
    return _verdict(question, run, expected)


# --- tests and expected values -------------------------------------------------------------


def _wire_tests(question: Question) -> list[dict]:
    """Tests as the sandbox takes them; a malformed test is the drill's bug."""
    if not question.function:
        raise BankError("a python drill needs `function`", question.path, question.line_of("function"))
    if not question.tests:
        raise BankError("a python drill needs at least one test", question.path, question.line_of("tests"))
    wire = []
    for number, test in enumerate(question.tests, 1):
        where = (question.path, question.line_of("tests"))
        if not isinstance(test, Mapping):
            raise BankError(f"test {number} must be a mapping with `args` or `args_code`", *where)
        if "args_code" in test:
            if not isinstance(test["args_code"], str):
                raise BankError(f"test {number}: `args_code` must be a Python expression", *where)
            wire.append({"args_code": test["args_code"]})
        elif isinstance(test.get("args"), (list, tuple)):
            try:
                wire.append({"args": plain.encode(list(test["args"]))})
            except plain.NotPlain as e:
                raise BankError(f"test {number}: `args` holds {e}", *where) from None
        else:
            raise BankError(f"test {number} needs `args` (a list) or `args_code`", *where)
    return wire


def _cache_key(question: Question, wire: list[dict]) -> str:
    """Derived from everything the reference output depends on, so edits never go stale."""
    data = json.dumps(
        [CACHE_VERSION, question.content_hash, question.solution, question.function, wire],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _cache_dir() -> Path:
    home = os.environ.get("DRILL_HOME")
    if home:
        return Path(home) / "cache" / "python-expected"
    import platformdirs

    return Path(platformdirs.user_cache_dir("drill")) / "python-expected"


def _load_cached(key: str, needed: list[int]) -> dict[int, Any] | None:
    try:
        data = json.loads((_cache_dir() / f"{key}.json").read_text("utf-8"))
        if data.get("version") != CACHE_VERSION:
            return None
        values = {int(i): plain.decode(v) for i, v in data["values"].items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return None
    return values if all(i in values for i in needed) else None


def _store_cached(key: str, raw: dict[int, Any]) -> None:
    try:
        folder = _cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "values": raw}), "utf-8")
        os.replace(tmp, folder / f"{key}.json")
    except (OSError, ValueError):
        pass  # the cache only saves time


def _expected_values(question: Question, wire: list[dict]) -> list[Any]:
    needed = [i for i, t in enumerate(question.tests) if "expected" not in t]
    found: dict[int, Any] = {}
    if needed:
        key = _cache_key(question, wire)
        cached = _memory_cache.get(key) or _load_cached(key, needed)
        if cached is None:
            cached, raw = _run_reference(question, wire, needed)
            _store_cached(key, raw)
        _memory_cache[key] = cached
        found = cached
    return [t["expected"] if "expected" in t else found[i] for i, t in enumerate(question.tests)]


def _run_reference(question: Question, wire: list[dict], needed: list[int]) -> tuple[dict[int, Any], dict[int, Any]]:
    """Compute expected values with the reference solution, in the sandbox like any answer."""
    where = (question.path, question.line_of("solution"))
    if not question.solution.strip():
        raise BankError("tests without `expected` need a reference `solution`", *where)
    run = sandbox.run(
        question.solution,
        question.function,
        [wire[i] for i in needed],
        time_limit=question.time_limit,
    )
    if run.setup_error is not None:
        _raise_setup_error(question, run, needed)
    if len(run.results) == len(needed) and all(r.kind == "value" for r in run.results):
        values = {needed[r.test]: r.value for r in run.results}
        raw = {needed[r.test]: plain.encode(r.value) for r in run.results}
        return values, raw
    position = len(run.results)
    if run.results and run.results[-1].kind != "value":
        position -= 1
    number = needed[min(position, len(needed) - 1)] + 1
    raise BankError(
        f"the reference solution fails on test {number}: {_failure(run)}; fix `solution` or the test",
        *where,
    )


def _failure(run: Run) -> str:
    """Why a reference run did not produce every value, in a few words."""
    if run.garbled or not run.layers:
        return "the sandbox could not run it"
    if run.missing_function:
        return "it does not define the function"
    if run.load_error is not None:
        return f"{run.load_error['type']} while loading: {run.load_error['message']}"
    last = run.results[-1] if run.results else None
    if last is not None and last.kind == "raised" and last.error:
        return f"{last.error['type']}: {last.error['message']}"
    if last is not None and last.kind == "unplain":
        return f"it returned {last.what}"
    if run.status == "timeout":
        return "it ran out of time"
    return f"it stopped ({run.status})"


def _raise_setup_error(question: Question, run: Run, indices: list[int] | None = None) -> None:
    index, error = run.setup_error  # type: ignore[misc]
    number = (indices[index] if indices else index) + 1
    raise BankError(
        f"test {number}: building its arguments raised {error['type']}: {error['message']}",
        question.path,
        question.line_of("tests"),
    )


# --- comparing -----------------------------------------------------------------------------


def _is_num(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _num_equal(a: float, b: float, digits: int) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    try:
        x, y = float(a), float(b)
    except OverflowError:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return round(x, digits) == round(y, digits) or math.isclose(x, y, rel_tol=1e-9)


def _canon(v: object, digits: int) -> object:
    """A hashable stand-in with the same equality rules, for set and multiset comparison."""
    if v is None or isinstance(v, (bool, str)):
        return (type(v).__name__, v)
    if _is_num(v):
        if isinstance(v, float):
            if math.isnan(v):
                return ("nan",)
            if math.isinf(v):
                return ("num", v)
            v = round(v, digits)
            if v == int(v):
                return ("num", int(v))
        return ("num", v)
    if isinstance(v, (list, tuple)):
        return ("seq", tuple(_canon(x, digits) for x in v))
    if isinstance(v, (set, frozenset)):
        return ("set", frozenset(_canon(x, digits) for x in v))
    if isinstance(v, dict):
        return ("dict", frozenset((_canon(k, digits), _canon(x, digits)) for k, x in v.items()))
    return ("other", repr(v))


def same(actual: object, expected: object, digits: int = 6) -> bool:
    """Equality for judging: tuple == list, set == list as sets, True != 1, floats rounded."""
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is bool and type(expected) is bool and actual == expected
    if _is_num(actual) and _is_num(expected):
        return _num_equal(actual, expected, digits)  # type: ignore[arg-type]
    if isinstance(actual, str) or isinstance(expected, str):
        return type(actual) is str and type(expected) is str and actual == expected
    sets = (set, frozenset)
    seqs = (list, tuple)
    if isinstance(actual, sets) or isinstance(expected, sets):
        if isinstance(actual, sets + seqs) and isinstance(expected, sets + seqs):
            return {_canon(x, digits) for x in actual} == {_canon(x, digits) for x in expected}
        return False
    if isinstance(actual, seqs) and isinstance(expected, seqs):
        return len(actual) == len(expected) and all(same(a, e, digits) for a, e in zip(actual, expected, strict=True))
    if isinstance(actual, dict) and isinstance(expected, dict):
        if len(actual) != len(expected):
            return False
        by_key = {_canon(k, digits): v for k, v in actual.items()}
        for k, v in expected.items():
            ck = _canon(k, digits)
            if ck not in by_key or not same(by_key[ck], v, digits):
                return False
        return True
    return False


def same_unordered(actual: object, expected: object, digits: int = 6) -> bool:
    """A returned list compared as a multiset (`unordered: true`)."""
    seqs = (list, tuple)
    if isinstance(actual, seqs) and isinstance(expected, seqs):
        return Counter(_canon(x, digits) for x in actual) == Counter(_canon(x, digits) for x in expected)
    return same(actual, expected, digits)


# --- showing values ------------------------------------------------------------------------


def shorten(value: object, limit: int = 200) -> str:
    """A repr that stays readable for huge values: long containers show their ends."""
    text = _short(value, 0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(v: object, depth: int) -> str:
    if depth > 4:
        return "…"
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=repr) if isinstance(v, (set, frozenset)) else list(v)
        shown = [_short(x, depth + 1) for x in items[:12]]
        if len(items) > 12:
            shown.append(f"… {len(items) - 12} more")
        inner = ", ".join(shown)
        if isinstance(v, tuple):
            return f"({inner},)" if len(v) == 1 else f"({inner})"
        if isinstance(v, (set, frozenset)):
            return "{" + inner + "}" if v else "set()"
        return f"[{inner}]"
    if isinstance(v, dict):
        pairs = [f"{_short(k, depth + 1)}: {_short(x, depth + 1)}" for k, x in list(v.items())[:8]]
        if len(v) > 8:
            pairs.append(f"… {len(v) - 8} more")
        return "{" + ", ".join(pairs) + "}"
    if isinstance(v, str) and len(v) > 80:
        return repr(v[:60]) + f"… ({len(v)} chars)"
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10**40:
        return f"<int with {len(str(abs(v))) if v.bit_length() < 10000 else 'many'} digits>"
    return repr(v)


# --- verdicts ------------------------------------------------------------------------------


_SIGNALS = {
    getattr(signal, "SIGSEGV", 11): "a segmentation fault (often recursion far too deep)",
    getattr(signal, "SIGABRT", 6): "an abort",
    getattr(signal, "SIGKILL", 9): "being killed (often by running out of memory)",
    getattr(signal, "SIGSYS", 31): "a forbidden system call",
    getattr(signal, "SIGBUS", 7): "a bus error",
    getattr(signal, "SIGFPE", 8): "a floating-point exception",
}


def _input(question: Question, run: Run, position: int) -> str:
    test = question.tests[position]
    if "args_code" in test:
        shown = run.inputs[position] if position < len(run.inputs) else None
        return shown or f"arguments from `{shorten(test['args_code'], 120)}`"
    args = test.get("args") or []
    text = f"{question.function}({', '.join(shorten(a, 120) for a in args)})"
    return text if len(text) <= 300 else text[:299] + "…"


def _output(run: Run) -> str:
    if not run.output_truncated:
        return run.output
    return run.output + f"\n… output cut at {run.output_kept} of {run.output_total} bytes"


def _verdict(question: Question, run: Run, expected: list[Any]) -> Verdict:
    """Turn an answer's run into a verdict, deciding on the first test that did not pass."""
    total = len(expected)
    output = _output(run)
    elapsed = run.elapsed_ms

    def verdict(outcome: str, message: str, **details: Any) -> Verdict:
        return Verdict(outcome, message, details, elapsed, output)

    if run.garbled:
        return verdict(
            "error",
            "Your code interfered with the sandbox's reporting, so it cannot be judged. "
            "Leave file descriptors and the judge's modules alone.",
            reason=run.garbled,
        )
    if not run.layers:
        return verdict(
            "error",
            f"The sandbox could not start this check ({run.status}); try again.",
            status=run.status,
        )
    if run.setup_error is not None:
        _raise_setup_error(question, run)
    if run.missing_function:
        return verdict(
            "error",
            f"Your code does not define a function named `{question.function}`. Keep the name from the starter code.",
        )
    if run.load_error is not None:
        error = run.load_error
        where = f" at line {error['line']}" if error.get("line") else ""
        if error["type"] in ("SyntaxError", "IndentationError", "TabError"):
            message = f"Your code has a {error['type']}{where}: {error['message']}."
        else:
            message = f"Your code raised {error['type']}{where} while loading"
            message += f": {error['message']}." if error["message"] else "."
            if error["type"] == "ModuleNotFoundError":
                message += " Drills run with the Python standard library only."
        return verdict("error", message, error=_error_line(error), traceback=error["traceback"])

    compare = same_unordered if question.unordered else same
    for r in run.results:
        index = r.test
        number = index + 1
        if r.kind == "raised":
            return _raised(verdict, r, number, total, _input(question, run, index))
        if r.kind == "unplain":
            return verdict(
                "error",
                f"Test {number} returned {r.what}, which cannot be compared. Return plain data: "
                "None, bool, int, float, str, list, tuple, dict or set.",
                test=number,
                input=_input(question, run, index),
            )
        if question.pure and run.digests is not None and r.digest != run.digests[index]:
            return verdict(
                "wrong",
                f"Test {number} changed its input, and this drill requires leaving the input "
                "unchanged. Work on a copy instead.",
                test=number,
                input=_input(question, run, index),
            )
        want = expected[index]
        if not compare(r.value, want, question.float_digits):
            return verdict(
                "wrong",
                f"Test {number} of {total} returned {shorten(r.value, 80)} but {shorten(want, 80)} was expected.",
                test=number,
                input=_input(question, run, index),
                expected=shorten(want, 1000),
                actual=shorten(r.value, 1000),
            )
    if len(run.results) == total:
        return verdict("correct", f"All {total} tests passed.", tests=total)
    return _unfinished(question, run, verdict, total)


def _error_line(error: dict) -> str:
    return f"{error['type']}: {error['message']}" if error.get("message") else error["type"]


def _raised(verdict: Any, r: TestResult, number: int, total: int, input_text: str) -> Verdict:
    error = r.error or {}
    kind = error.get("type", "Exception")
    where = f" at line {error['line']}" if error.get("line") else ""
    message = f"Test {number} of {total} raised {kind}{where}"
    message += f": {error['message']}." if error.get("message") else "."
    if kind in ("SystemExit", "KeyboardInterrupt"):
        message += " Return a value instead of exiting."
    elif kind == "ModuleNotFoundError":
        message += " Drills run with the Python standard library only."
    elif kind == "MemoryError":
        message += " Your code used more memory than the sandbox allows."
    elif kind == "RecursionError":
        message += " Recursion went too deep; use a loop or an explicit stack."
    elif kind in ("PermissionError", "BlockingIOError") or "not permitted" in error.get("message", ""):
        message += " The sandbox blocks files, processes, network and signals."
    return verdict(
        "error",
        message,
        test=number,
        input=input_text,
        error=_error_line(error),
        traceback=error.get("traceback", ""),
    )


def _unfinished(question: Question, run: Run, verdict: Any, total: int) -> Verdict:
    """The run stopped before every test finished: say which test and why."""
    limit = question.time_limit
    if not run.ready:
        raise BankError(
            f"building the test inputs did not finish ({run.status}, time limit {limit:g} s); "
            "make `args_code` cheaper or raise `time_limit`",
            question.path,
            question.line_of("tests"),
        )
    position = len(run.results)
    extra: dict[str, Any] = {}
    when = "while loading"
    if run.loaded:
        when = f"during test {position + 1} of {total}"
        extra = {"test": position + 1, "input": _input(question, run, position)}
    if run.status == "timeout":
        if not run.loaded:
            message = (
                f"Your code did not finish loading within the {limit:g} s limit. "
                "Move work into the function and check for loops at the top level."
            )
        else:
            message = (
                f"Test {position + 1} of {total} ran out of time (the limit is {limit:g} s "
                "for all tests). Look for an infinite loop or a slower algorithm than needed."
            )
        return verdict("timeout", message, **extra, time_limit=limit)
    if run.status == "memory":
        message = f"Your code used more memory than the sandbox allows {when}."
    elif run.status == "too_large":
        message = f"Your code returned a value too large to compare {when}."
    elif run.status == "crashed":
        cause = _SIGNALS.get(run.signal or 0, f"signal {run.signal}")
        message = f"Python crashed {when} with {cause}."
    else:
        code = f" (exit code {run.exit_code})" if run.exit_code is not None else ""
        message = f"Your code ended the process {when}{code}. Return a value instead of calling sys.exit or os._exit."
    return verdict("error", message, **extra, status=run.status)
