"""The judge for `kind: python`: run the answer in the sandbox, compare its values outside.

Inputs are built first, from `args` or in a sandboxed child of their own from `args_code`,
and the same inputs go to the reference solution and to the answer. Expected values never
enter an answer's sandbox: tests without `expected` take the reference's output, computed in
a child of its own and cached by the drill's content and its inputs. An answer's time is the
CPU time of its own work (loading the module, then each call), measured against the drill's
`time_limit` at reference speed (see drills/sandbox/timing.py).
"""

from __future__ import annotations

import hashlib
import json
import math
import signal
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from drills import cache, sandbox
from drills.errors import AnswerError, BankError
from drills.model import Question, Verdict
from drills.sandbox import plain
from drills.sandbox.report import Run, TestResult

CACHE_VERSION = 2
REFERENCE_ALLOWANCE = 2.0  # the reference may take this many times the limit to produce values
_memory_cache: dict[str, dict[int, Any]] = {}
_inputs_cache: dict[str, Inputs] = {}


@dataclass(frozen=True)
class Inputs:
    """A drill's tests as the sandbox takes them: arguments as plain data, the same for all."""

    wire: list[dict]
    shown: list[str | None]  # how an `args_code` test's call reads; None for literal `args`
    encoded: sandbox.Encoded  # `wire` as JSON, encoded once and sent as it is
    digest: str

    def only(self, indices: list[int]) -> list[dict]:
        return [self.wire[i] for i in indices]


def judge(question: Question, answer: str) -> Verdict:
    """Run `answer` on every test of `question` and say whether it returned what was expected."""
    if not answer.strip():
        raise AnswerError(f"The answer is empty; write the function `{question.function}`.")
    inputs = test_inputs(question)
    expected = _expected_values(question, inputs)
    run = sandbox.run(answer, question.function, inputs.encoded, time_limit=question.time_limit,
                      pure=question.pure, count=len(inputs.wire))
    return _verdict(question, run, expected, inputs)


# --- tests and expected values -------------------------------------------------------------


def _inputs_key(question: Question) -> str:
    data = json.dumps([question.content_hash, question.function, list(question.tests)], sort_keys=True, default=repr)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def test_inputs(question: Question) -> Inputs:
    """Every test's arguments as plain data; `args_code` runs once per process, sandboxed."""
    key = _inputs_key(question)
    found = _inputs_cache.get(key)
    if found is None:
        found = _build_inputs(question)
        if len(_inputs_cache) > 64:
            _inputs_cache.pop(next(iter(_inputs_cache)))
        _inputs_cache[key] = found
    return found


def _build_inputs(question: Question) -> Inputs:
    """Literal `args` are encoded here; `args_code` expressions go to a sandboxed child."""
    if not question.function:
        raise BankError("a python drill needs `function`", question.path, question.line_of("function"))
    if not question.tests:
        raise BankError("a python drill needs at least one test", question.path, question.line_of("tests"))
    wire: list[dict | None] = []
    shown: list[str | None] = []
    codes: list[tuple[int, str]] = []
    for number, test in enumerate(question.tests, 1):
        where = (question.path, question.line_of("tests"))
        if not isinstance(test, Mapping):
            raise BankError(f"test {number} must be a mapping with `args` or `args_code`", *where)
        if "args_code" in test:
            if not isinstance(test["args_code"], str):
                raise BankError(f"test {number}: `args_code` must be a Python expression", *where)
            codes.append((number - 1, test["args_code"]))
            wire.append(None)
        elif isinstance(test.get("args"), (list, tuple)):
            try:
                wire.append({"args": plain.encode(list(test["args"]))})
            except plain.NotPlain as e:
                raise BankError(f"test {number}: `args` holds {e}", *where) from None
        else:
            raise BankError(f"test {number} needs `args` (a list) or `args_code`", *where)
        shown.append(None)
    if codes:
        built = sandbox.build(question.function, [code for _, code in codes])
        if built.setup_error is not None:
            index, error = built.setup_error
            raise BankError(
                f"test {codes[index][0] + 1}: building its arguments raised {error['type']}: {error['message']}",
                question.path,
                question.line_of("tests"),
            )
        if not built.done:
            why = "it ran out of time" if built.status in ("timeout", "idle") else built.garbled or built.status
            raise BankError(
                f"building the test inputs from `args_code` did not finish ({why}); make `args_code` cheaper",
                question.path,
                question.line_of("tests"),
            )
        for (index, _), args, text in zip(codes, built.args, built.shown, strict=True):
            wire[index] = {"args": args}
            shown[index] = text
    text = json.dumps(wire, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Inputs(wire, shown, sandbox.Encoded(text), digest)  # type: ignore[arg-type]


def _cache_key(question: Question, inputs: Inputs) -> str:
    """Derived from everything the reference output depends on, so edits never go stale."""
    data = json.dumps([CACHE_VERSION, question.content_hash, question.solution, question.function, inputs.digest])
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _load_cached(key: str, needed: list[int]) -> dict[int, Any] | None:
    data = cache.read_json(cache.folder("python-expected") / f"{key}.json")
    try:
        if data is None or data.get("version") != CACHE_VERSION:
            return None
        values = {int(i): plain.decode(v) for i, v in data["values"].items()}
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return None
    return values if all(i in values for i in needed) else None


def _expected_values(question: Question, inputs: Inputs) -> list[Any]:
    needed = [i for i, t in enumerate(question.tests) if "expected" not in t]
    found: dict[int, Any] = {}
    if needed:
        key = _cache_key(question, inputs)
        cached = _memory_cache.get(key) or _load_cached(key, needed)
        if cached is None:
            cached, raw = _run_reference(question, inputs, needed)
            cache.write_json(cache.folder("python-expected") / f"{key}.json", {"version": CACHE_VERSION, "values": raw})
        _memory_cache[key] = cached
        found = cached
    return [t["expected"] if "expected" in t else found[i] for i, t in enumerate(question.tests)]


def _run_reference(question: Question, inputs: Inputs, needed: list[int]) -> tuple[dict[int, Any], dict[int, Any]]:
    """Compute expected values with the reference solution, in a sandboxed child of its own."""
    where = (question.path, question.line_of("solution"))
    if not question.solution.strip():
        raise BankError("tests without `expected` need a reference `solution`", *where)
    tests = inputs.encoded if len(needed) == len(inputs.wire) else inputs.only(needed)
    run = sandbox.run(
        question.solution,
        question.function,
        tests,
        time_limit=question.time_limit * REFERENCE_ALLOWANCE,
        count=len(needed),
    )
    _check_run(run)
    if run.setup_error is not None:
        raise BankError(f"the test inputs could not be read: {run.setup_error[1]['message']}", *where)
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


SEPARATION = 5  # the reference needs at most a fifth of the limit
REMEASURE = 2


def checks(question: Question, judge_with: Callable[[Question, str], Verdict] | None = None
           ) -> list[tuple[str, str, str]]:
    """What `drill validate` asks of a Python drill beyond its reference and wrong answers:
    a limit that separates, the reference needing at most a fifth of it.

    CPU time barely moves with the machine's load, but a busy sibling core can add to it,
    so a reference over the line is measured again and the fastest run counts.
    """
    limit = question.time_limit
    used = math.inf
    for _ in range(1 + REMEASURE):
        verdict = (judge_with or judge)(question, question.solution)
        seconds_used = verdict.details.get("cpu_seconds")
        if not verdict.correct or not isinstance(seconds_used, (int, float)):
            return []  # validate reports a failing reference on its own
        used = min(used, seconds_used)
        if used <= limit / SEPARATION:
            return []
    return [("problem", "time_limit" if "time_limit" in question.lines else "solution",
             f"the reference solution needs {used:.3f} s of CPU time, more than a fifth of time_limit "
             f"{limit:g} s; raise time_limit to at least {used * SEPARATION:.2g} s or make the reference "
             "faster, and check the answers marked slow still run out of time")]


def _check_run(run: Run) -> None:
    """A run the machine, not the program, cut short is no verdict: say so and stop."""
    if run.status == "starved":
        raise sandbox.SandboxError(
            "The machine was too busy to give this check any CPU time; nothing was judged. Try again."
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
    if run.status in ("timeout", "idle"):
        return "it ran out of time"
    return f"it stopped ({run.status})"


# --- comparing -----------------------------------------------------------------------------
#
# What a careful interviewer accepts: the type the expected value has, exactly. An int needs an
# int (not a float that is close, not a bool) and compares exactly, however big; a bool needs a
# bool; a float accepts an int or a float within half a unit of the drill's `float_digits` (NaN
# equals NaN, infinities equal themselves); a str needs a str. A list and a tuple with equal
# items are equal (YAML has no tuples); a set needs a set, and a list is not one, since order
# and duplicates matter in a list; a dict needs a dict with the same keys and equal values;
# None needs None. With `unordered: true` a returned list is compared as a multiset: order
# does not matter, duplicates do.

_SEQS = (list, tuple)
_SETS = (set, frozenset)
_MATCH_LIMIT = 3000  # items beyond which a multiset with floats is compared in sorted order only


def _is_int(v: object) -> bool:
    return type(v) is int


def _is_num(v: object) -> bool:
    return type(v) in (int, float)


def _kind(v: object) -> str:
    if v is None:
        return "None"
    if type(v) is bool:
        return "a bool"
    if type(v) is int:
        return "an int"
    if type(v) is float:
        return "a float"
    if type(v) is str:
        return "a str"
    if isinstance(v, _SEQS):
        return "a list" if isinstance(v, list) else "a tuple"
    if isinstance(v, _SETS):
        return "a set"
    if isinstance(v, dict):
        return "a dict"
    return f"a {type(v).__name__}"


def _float_equal(a: float | int, e: float, digits: int) -> bool:
    try:
        x = float(a)
    except OverflowError:
        return False
    if math.isnan(e) or math.isnan(x):
        return math.isnan(e) and math.isnan(x)
    if math.isinf(e) or math.isinf(x):
        return x == e
    return abs(x - e) <= 0.5 * 10.0**-digits * (1 + 1e-9) or math.isclose(x, e, rel_tol=1e-9)


def _type_note(actual: object, expected: object) -> str:
    """Why two values that may print alike differ ('' when their printing already shows it)."""
    alike = (bool, int, float, str)
    if (type(actual) in alike and type(expected) in alike) or (
        isinstance(actual, (*_SEQS, *_SETS)) and isinstance(expected, (*_SEQS, *_SETS))
    ):
        wanted = "a number" if type(expected) is float else _kind(expected)
        return f"{_kind(actual)} where {wanted} was expected"
    return ""


def difference(actual: object, expected: object, digits: int = 6) -> str | None:
    """None when `actual` passes for `expected`; else a note on the type ('' for other values)."""
    if expected is None or type(expected) in (bool, int, str):
        if type(actual) is not type(expected):
            return _type_note(actual, expected)
        return None if actual == expected else ""
    if type(expected) is float:
        if not _is_num(actual):
            return _type_note(actual, expected)
        return None if _float_equal(actual, expected, digits) else ""  # type: ignore[arg-type]
    if isinstance(expected, _SEQS):
        if not isinstance(actual, _SEQS):
            return _type_note(actual, expected)
        if len(actual) != len(expected):
            return ""
        for a, e in zip(actual, expected, strict=True):
            note = difference(a, e, digits)
            if note is not None:
                return note
        return None
    if isinstance(expected, _SETS):
        if not isinstance(actual, _SETS):
            return _type_note(actual, expected)
        return None if _same_items(list(actual), list(expected), digits) else ""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return _type_note(actual, expected)
        if len(actual) != len(expected):
            return ""
        by_key = {_key(k): v for k, v in actual.items()}
        for k, v in expected.items():
            if _key(k) not in by_key:
                return ""
            note = difference(by_key[_key(k)], v, digits)
            if note is not None:
                return note
        return None
    return _type_note(actual, expected)


def same(actual: object, expected: object, digits: int = 6) -> bool:
    """Equality for judging, by the rules above."""
    return difference(actual, expected, digits) is None


def _key(v: object) -> object:
    """A hashable stand-in that is equal exactly when the values are equal and of one type."""
    if v is None:
        return ("none",)
    t = type(v)
    if t is float:
        return ("nan",) if math.isnan(v) else ("float", v)  # type: ignore[arg-type]
    if t in (bool, int, str):
        return (t.__name__, v)
    if isinstance(v, _SEQS):
        return ("seq", tuple(_key(x) for x in v))
    if isinstance(v, _SETS):
        return ("set", frozenset(_key(x) for x in v))
    if isinstance(v, dict):
        return ("dict", frozenset((_key(k), _key(x)) for k, x in v.items()))
    return ("other", repr(v))


def _has_float(v: object) -> bool:
    if type(v) is float:
        return True
    if isinstance(v, (*_SEQS, *_SETS)):
        return any(map(_has_float, v))
    if isinstance(v, dict):
        return any(map(_has_float, v.values()))
    return False


def _sort_key(v: object, digits: int) -> str:
    """Orders values so that ones passing for each other usually sit at the same place."""
    if type(v) in (int, float):
        x = float(v)  # type: ignore[arg-type]
        return "n" + (repr(x) if not math.isfinite(x) else f"{round(x, digits):+024.{digits}f}")
    if isinstance(v, _SEQS):
        return "q" + "|".join(_sort_key(x, digits) for x in v)
    return repr(_key(v))


def _same_items(actual: list, expected: list, digits: int) -> bool:
    """Multiset equality under `same`: every expected item matched by its own returned item."""
    if len(actual) != len(expected):
        return False
    if not _has_float(expected):
        return Counter(map(_key, actual)) == Counter(map(_key, expected))
    ordered_a = sorted(actual, key=lambda v: _sort_key(v, digits))
    ordered_e = sorted(expected, key=lambda v: _sort_key(v, digits))
    if all(same(a, e, digits) for a, e in zip(ordered_a, ordered_e, strict=True)):
        return True
    if len(expected) > _MATCH_LIMIT:
        return False
    left = list(actual)
    for e in expected:
        for i, a in enumerate(left):
            if same(a, e, digits):
                del left[i]
                break
        else:
            return False
    return True


def same_unordered(actual: object, expected: object, digits: int = 6) -> bool:
    """A returned list compared as a multiset (`unordered: true`)."""
    if isinstance(expected, _SEQS) and isinstance(actual, _SEQS):
        return _same_items(list(actual), list(expected), digits)
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


def _input(question: Question, inputs: Inputs, position: int) -> str:
    test = question.tests[position]
    if "args_code" in test:
        shown = inputs.shown[position] if position < len(inputs.shown) else None
        return shown or f"arguments from `{shorten(test['args_code'], 120)}`"
    args = test.get("args") or []
    text = f"{question.function}({', '.join(shorten(a, 120) for a in args)})"
    return text if len(text) <= 300 else text[:299] + "…"


def _output(run: Run) -> str:
    if not run.output_truncated:
        return run.output
    return run.output + f"\n… output cut at {run.output_kept} of {run.output_total} bytes"


def seconds(run: Run, ns: int | None = None) -> float:
    """CPU time of the program's work (or `ns` of it) at reference speed, in seconds.

    A run stopped by the server counts what the server measured, as the child never
    reported the call it was in.
    """
    if ns is None:
        ns = run.program_ns
        if run.status in ("timeout", "idle"):
            ns = max(ns, run.used_ns)
    return ns / 1e9 / (run.speed or 1.0)


Describe = Callable[[int], str]  # a test's input for people, by position
# decides on one returned value: None when it passes, else a verdict made with the given maker
Check = Callable[[TestResult, Any, Callable[..., Verdict]], "Verdict | None"]


def _verdict(question: Question, run: Run, expected: list[Any], inputs: Inputs | None,
             check: Check | None = None, describe: Describe | None = None) -> Verdict:
    """Turn an answer's run into a verdict, deciding on the first test that did not pass.

    `check` and `describe` let another kind judged in the sandbox (pandas) compare its own
    way and name its own inputs; the rest (limits, errors, crashes) is the same for both."""
    _check_run(run)
    if describe is None:
        def describe(position: int) -> str:
            return _input(question, inputs, position)  # type: ignore[arg-type]
    total = len(expected)
    output = _output(run)
    elapsed = run.elapsed_ms
    limit = question.time_limit

    def verdict(outcome: str, message: str, **details: Any) -> Verdict:
        details.setdefault("cpu_seconds", round(seconds(run), 4))
        details.setdefault("time_limit", limit)
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
        raise BankError(
            f"the test inputs could not be read: {run.setup_error[1]['message']}",
            question.path,
            question.line_of("tests"),
        )
    if seconds(run, run.load_ns) > limit:
        return _timeout(question, run, verdict, None, total)
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
    spent = run.load_ns
    for r in run.results:
        index = r.test
        number = index + 1
        spent += r.cpu_ns
        if seconds(run, spent) > limit:
            return _timeout(question, run, verdict, index, total, describe)
        if r.kind == "raised":
            return _raised(verdict, r, number, total, describe(index))
        if check is not None:
            decided = check(r, expected[index], verdict)
            if decided is not None:
                return decided
            continue
        if r.kind == "unplain":
            return verdict(
                "error",
                f"Test {number} returned {r.what}, which cannot be compared. Return plain data: "
                "None, bool, int, float, str, list, tuple, dict or set.",
                test=number,
                input=describe(index),
            )
        if question.pure and run.digests is not None and r.digest != run.digests[index]:
            return verdict(
                "wrong",
                f"Test {number} changed its input, and this drill requires leaving the input "
                "unchanged. Work on a copy instead.",
                test=number,
                input=describe(index),
            )
        want = expected[index]
        note = difference(r.value, want, question.float_digits)
        if note is not None and not (question.unordered and compare(r.value, want, question.float_digits)):
            message = f"Test {number} of {total} returned {shorten(r.value, 80)} but {shorten(want, 80)} was expected"
            return verdict(
                "wrong",
                message + (f" ({note})." if note else "."),
                test=number,
                input=describe(index),
                expected=shorten(want, 1000),
                actual=shorten(r.value, 1000),
            )
    if len(run.results) == total:
        return verdict("correct", f"All {total} tests passed.", tests=total)
    return _unfinished(question, run, verdict, total, describe)


def _timeout(question: Question, run: Run, verdict: Any, index: int | None, total: int,
             describe: Describe | None = None) -> Verdict:
    """The program's CPU time passed the limit: while loading (index None) or during a test."""
    limit = question.time_limit
    used = f"{seconds(run):.2f} s"
    if index is None:
        return verdict(
            "timeout",
            f"Your code used {used} of CPU time while loading; the limit is {limit:g} s. "
            "Move work into the function and check for loops at the top level.",
        )
    return verdict(
        "timeout",
        f"Test {index + 1} of {total} ran out of time: your code had used {used} of CPU time by its end, "
        f"and the limit is {limit:g} s for all tests. Look for a slower algorithm than needed.",
        test=index + 1,
        input=describe(index) if describe else "",
    )


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


def _unfinished(question: Question, run: Run, verdict: Any, total: int, describe: Describe) -> Verdict:
    """The run stopped before every test finished: say which test and why."""
    limit = question.time_limit
    if not run.ready:
        raise BankError(
            f"the test inputs could not be read in the sandbox ({run.status}); make them smaller",
            question.path,
            question.line_of("tests"),
        )
    position = len(run.results)
    extra: dict[str, Any] = {}
    when = "while loading"
    if run.loaded:
        when = f"during test {position + 1} of {total}"
        extra = {"test": position + 1, "input": describe(position)}
    if run.status == "timeout":
        return _timeout(question, run, verdict, position if run.loaded else None, total, describe)
    if run.status == "idle":
        what = f"Test {position + 1} of {total}" if run.loaded else "Your code, while loading,"
        message = (
            f"{what} stopped computing: it slept or waited for longer than the {limit:g} s limit. "
            "Answers cannot wait for input, other processes or the network; look for sleep() or a lock."
        )
        return verdict("timeout", message, **extra)
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
