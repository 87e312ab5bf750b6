"""Strict reading of what a check sent back: the server's header and the child's records.

The records were written by a process that ran untrusted code, so each one must have exactly
the expected shape and arrive in the expected order; anything else marks the run `garbled`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .plain import Malformed, decode, loads

# exited: the child ended (or finished) on its own; timeout: it used its CPU budget; idle: it
# slept or blocked too long; starved: the machine never gave it the CPU to finish.
STATUSES = ("exited", "timeout", "idle", "starved", "memory", "too_large", "crashed")


@dataclass
class TestResult:
    """How one test ended: a value, an exception, or a value that is not plain data."""

    test: int
    kind: str  # "value" | "raised" | "unplain"
    value: Any = None
    error: dict | None = None
    what: str = ""
    cpu_ns: int = 0
    digest: str | None = None


@dataclass
class Run:
    """One sandboxed execution of a program on its tests, as far as it got.

    `cpu_ns` fields are CPU time the child measured for the program's own work (loading
    it, then each call); `used_ns` is what the server measured from outside since `ready`.
    `speed` is this machine's calibration factor (above 1: slower than the reference).
    """

    status: str
    exit_code: int | None = None
    signal: int | None = None
    elapsed_ms: float = 0.0
    used_ns: int = 0
    speed: float = 1.0
    layers: dict[str, dict] = field(default_factory=dict)
    ready: bool = False
    digests: list[str] | None = None
    setup_error: tuple[int, dict] | None = None
    load_error: dict | None = None
    missing_function: bool = False
    loaded: bool = False
    load_ns: int = 0
    results: list[TestResult] = field(default_factory=list)
    done: bool = False
    garbled: str = ""
    output: str = ""
    output_kept: int = 0
    output_total: int = 0

    @property
    def output_truncated(self) -> bool:
        return self.output_total > self.output_kept

    @property
    def program_ns(self) -> int:
        """CPU time of the program's own work: loading it and every finished call."""
        return self.load_ns + sum(r.cpu_ns for r in self.results)


@dataclass
class Built:
    """Test inputs made by `args_code`: arguments as plain data, and how each call reads."""

    status: str
    layers: dict[str, dict] = field(default_factory=dict)
    args: list[Any] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    setup_error: tuple[int, dict] | None = None
    done: bool = False
    garbled: str = ""
    output: str = ""


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


def _ns(v: object) -> int:
    if type(v) is not int or not 0 <= v < 10**15:
        raise Malformed("bad time")
    return v


def _layers(v: object) -> dict[str, dict]:
    if type(v) is not dict or len(v) > 20:
        raise Malformed("bad layers")
    out = {}
    for name, layer in v.items():
        if type(layer) is not dict or type(layer.get("active")) is not bool:
            raise Malformed("bad layer")
        out[_str(name, 40)] = {"active": layer["active"], "detail": _str(layer.get("detail"), 500)}
    return out


def _test_index(record: dict, count: int) -> int:
    index = record.get("test")
    if type(index) is not int or index != count:
        raise Malformed("test records out of order")
    return index


def _setup_error(record: dict, n_tests: int) -> tuple[int, dict]:
    index = record.get("test")
    if type(index) is not int or not 0 <= index < max(n_tests, 1):
        raise Malformed("bad test index")
    return index, _error(record.get("error"))


def _kind(record: object, target: Run | Built) -> str | None:
    """The record's kind, after taking `hello` (which must come first); None once taken."""
    if type(record) is not dict:
        raise Malformed("record is not an object")
    kind = record.get("t")
    if kind == "hello" and not target.layers:
        target.layers = _layers(record.get("layers"))
        return None
    if not target.layers:
        raise Malformed("record before hello")
    return kind


def _apply(record: object, run: Run, n_tests: int) -> bool:
    """Fold one record into the run; returns False when no further record may follow."""
    kind = _kind(record, run)
    assert type(record) is dict
    if kind is None:
        return True
    if kind == "setup_error" and not run.ready:
        run.setup_error = _setup_error(record, n_tests)
        return False
    if kind == "ready" and not run.ready:
        _ns(record.get("cpu_ns"))
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
        run.load_ns = _ns(record.get("cpu_ns"))
        run.missing_function = record.get("missing") is True
        if not run.missing_function:
            run.load_error = _error(record.get("error"))
        return False
    if kind == "loaded" and not run.loaded:
        run.load_ns = _ns(record.get("cpu_ns"))
        run.loaded = True
        return True
    if not run.loaded:
        raise Malformed("record before loaded")
    if kind == "result":
        index = _test_index(record, len(run.results))
        digest = record.get("digest")
        if digest is not None:
            digest = _str(digest, 64)
        if "value" not in record:
            raise Malformed("result without value")
        value = decode(record["value"])
        run.results.append(TestResult(index, "value", value, cpu_ns=_ns(record.get("cpu_ns")), digest=digest))
        return True
    if kind == "raised":
        index = _test_index(record, len(run.results))
        error = _error(record.get("error"))
        run.results.append(TestResult(index, "raised", error=error, cpu_ns=_ns(record.get("cpu_ns"))))
        return False
    if kind == "unplain":
        index = _test_index(record, len(run.results))
        what = _str(record.get("what"), 300)
        run.results.append(TestResult(index, "unplain", what=what, cpu_ns=_ns(record.get("cpu_ns"))))
        return False
    if kind == "done" and len(run.results) == n_tests:
        run.done = True
        return False
    raise Malformed(f"unexpected record {str(kind)[:20]!r}")


def _apply_built(record: object, built: Built, n_tests: int) -> bool:
    kind = _kind(record, built)
    assert type(record) is dict
    if kind is None:
        return True
    if kind == "setup_error":
        built.setup_error = _setup_error(record, n_tests)
        return False
    if kind == "built":
        _test_index(record, len(built.args))
        if "args" not in record or type(record["args"]) is not list:
            raise Malformed("built without arguments")
        built.args.append(record["args"])
        built.shown.append(_str(record.get("shown"), 1000))
        return True
    if kind == "done" and len(built.args) == n_tests:
        built.done = True
        return False
    raise Malformed(f"unexpected record {str(kind)[:20]!r}")


def _records(header: dict, payload: bytes) -> tuple[list[bytes], str]:
    results_len = header["results_len"]
    lines = payload[:results_len].split(b"\n")
    lines.pop()  # the empty tail after the last newline, or a line cut short by a kill
    return lines, payload[results_len:].decode("utf-8", "replace")


def _fold(lines: list[bytes], apply, target, n_tests: int) -> str:
    """Apply each record in turn; the reason the stream is garbled, or ''."""
    more = True
    for line in lines:
        if not more:
            return "records after the end of the run"
        try:
            more = apply(loads(line), target, n_tests)
        except (Malformed, KeyError, TypeError, ValueError, RecursionError) as e:
            return str(e)[:200] or "malformed record"
    return ""


def parse(header: dict, payload: bytes, n_tests: int) -> Run:
    """Build a Run from the server's reply for a check of `n_tests` tests."""
    status = header.get("status")
    if status not in STATUSES:
        raise Malformed(f"bad status {status!r}")
    lines, output = _records(header, payload)
    run = Run(
        status=status,
        exit_code=header.get("exit_code"),
        signal=header.get("signal"),
        elapsed_ms=float(header.get("elapsed_ms") or 0.0),
        used_ns=int(header.get("used_ns") or 0),
        speed=float(header.get("speed") or 1.0),
        output=output,
        output_kept=len(payload) - header["results_len"],
        output_total=int(header.get("output_total") or 0),
    )
    run.garbled = _fold(lines, _apply, run, n_tests)
    return run


def parse_built(header: dict, payload: bytes, n_tests: int) -> Built:
    """Build a Built from the server's reply to a `build` request of `n_tests` tests."""
    status = header.get("status")
    if status not in STATUSES:
        raise Malformed(f"bad status {status!r}")
    lines, output = _records(header, payload)
    built = Built(status=status, output=output)
    built.garbled = _fold(lines, _apply_built, built, n_tests)
    return built
