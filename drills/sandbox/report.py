"""Strict reading of what a check sent back: the server's header and the child's records.

The records were written by a process that ran untrusted code, so each one must have exactly
the expected shape and arrive in the expected order; anything else marks the run `garbled`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .plain import Malformed, decode, loads

STATUSES = ("exited", "timeout", "memory", "too_large", "crashed")


@dataclass
class TestResult:
    """How one test ended: a value, an exception, or a value that is not plain data."""

    test: int
    kind: str  # "value" | "raised" | "unplain"
    value: Any = None
    error: dict | None = None
    what: str = ""
    ms: float = 0.0
    digest: str | None = None


@dataclass
class Run:
    """One sandboxed execution, as far as it got."""

    status: str
    exit_code: int | None = None
    signal: int | None = None
    elapsed_ms: float = 0.0
    layers: dict[str, dict] = field(default_factory=dict)
    ready: bool = False
    inputs: list[str | None] = field(default_factory=list)
    digests: list[str] | None = None
    setup_error: tuple[int, dict] | None = None
    load_error: dict | None = None
    missing_function: bool = False
    loaded: bool = False
    results: list[TestResult] = field(default_factory=list)
    done: bool = False
    garbled: str = ""
    output: str = ""
    output_kept: int = 0
    output_total: int = 0

    @property
    def output_truncated(self) -> bool:
        return self.output_total > self.output_kept


def _str(v: object, limit: int = 10_000) -> str:
    if type(v) is not str or len(v) > limit:
        raise Malformed("expected a short string")
    return v


def _error(v: object) -> dict:
    if type(v) is not dict or set(v) != {"type", "message", "traceback", "line"}:
        raise Malformed("bad error record")
    line = v["line"]
    if line is not None and type(line) is not int:
        raise Malformed("bad error line")
    return {
        "type": _str(v["type"], 200),
        "message": _str(v["message"], 2000),
        "traceback": _str(v["traceback"], 20_000),
        "line": line,
    }


def _ms(v: object) -> float:
    if type(v) not in (int, float) or not 0 <= v < 1e9:
        raise Malformed("bad time")
    return float(v)


def _layers(v: object) -> dict[str, dict]:
    if type(v) is not dict or len(v) > 20:
        raise Malformed("bad layers")
    out = {}
    for name, layer in v.items():
        if type(layer) is not dict or type(layer.get("active")) is not bool:
            raise Malformed("bad layer")
        out[_str(name, 40)] = {"active": layer["active"], "detail": _str(layer.get("detail"), 500)}
    return out


def _test_index(record: dict, run: Run) -> int:
    index = record.get("test")
    if type(index) is not int or index != len(run.results):
        raise Malformed("test records out of order")
    return index


def _apply(record: object, run: Run, n_tests: int) -> bool:
    """Fold one record into the run; returns False when no further record may follow."""
    if type(record) is not dict:
        raise Malformed("record is not an object")
    kind = record.get("t")
    if kind == "hello" and not run.layers:
        run.layers = _layers(record.get("layers"))
        return True
    if not run.layers:
        raise Malformed("record before hello")
    if kind == "setup_error" and not run.ready:
        index = record.get("test")
        if type(index) is not int or not 0 <= index < max(n_tests, 1):
            raise Malformed("bad test index")
        run.setup_error = (index, _error(record.get("error")))
        return False
    if kind == "ready" and not run.ready:
        inputs = record.get("inputs")
        if type(inputs) is not list or len(inputs) != n_tests:
            raise Malformed("bad inputs")
        run.inputs = [None if i is None else _str(i, 1000) for i in inputs]
        run.ready = True
        digests = record.get("digests")
        if digests is not None:
            if type(digests) is not list or len(digests) != n_tests:
                raise Malformed("bad digests")
            run.digests = [_str(d, 64) for d in digests]
        return True
    if not run.ready:
        raise Malformed("record before ready")
    if kind == "load_error" and not run.loaded:
        run.missing_function = record.get("missing") is True
        if not run.missing_function:
            run.load_error = _error(record.get("error"))
        return False
    if kind == "loaded" and not run.loaded:
        run.loaded = True
        return True
    if not run.loaded:
        raise Malformed("record before loaded")
    if kind == "result":
        index = _test_index(record, run)
        digest = record.get("digest")
        if digest is not None:
            digest = _str(digest, 64)
        if "value" not in record:
            raise Malformed("result without value")
        value = decode(record["value"])
        run.results.append(TestResult(index, "value", value, ms=_ms(record.get("ms")), digest=digest))
        return True
    if kind == "raised":
        index = _test_index(record, run)
        error = _error(record.get("error"))
        run.results.append(TestResult(index, "raised", error=error, ms=_ms(record.get("ms"))))
        return False
    if kind == "unplain":
        index = _test_index(record, run)
        run.results.append(TestResult(index, "unplain", what=_str(record.get("what"), 300)))
        return False
    if kind == "done" and len(run.results) == n_tests:
        run.done = True
        return False
    raise Malformed(f"unexpected record {str(kind)[:20]!r}")


def parse(header: dict, payload: bytes, n_tests: int) -> Run:
    """Build a Run from the server's reply for a check of `n_tests` tests."""
    status = header.get("status")
    if status not in STATUSES:
        raise Malformed(f"bad status {status!r}")
    results_len = header["results_len"]
    run = Run(
        status=status,
        exit_code=header.get("exit_code"),
        signal=header.get("signal"),
        elapsed_ms=float(header.get("elapsed_ms") or 0.0),
        output=payload[results_len:].decode("utf-8", "replace"),
        output_kept=len(payload) - results_len,
        output_total=int(header.get("output_total") or 0),
    )
    lines = payload[:results_len].split(b"\n")
    lines.pop()  # the empty tail after the last newline, or a line cut short by a kill
    more = True
    for line in lines:
        if not more:
            run.garbled = "records after the end of the run"
            break
        try:
            more = _apply(loads(line), run, n_tests)
        except (Malformed, KeyError, TypeError, ValueError) as e:
            run.garbled = str(e)[:200] or "malformed record"
            break
    return run
