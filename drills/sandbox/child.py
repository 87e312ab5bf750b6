"""What a forked child does: lock itself down, then run one request and report.

Everything here runs in a child the zygote forked. A request either builds test inputs
from a drill's `args_code` (`build`) or runs one program, an answer or a reference, on
inputs given as plain data (`run`); the two never share a process. Records go to fd 3 as
JSON lines, one per step and one per finished test, so the server knows how far the child
got when it had to be killed. What the child writes before the program's code first runs
(`hello`, `ready` with its CPU clock) is trusted; nothing after it is: the judge re-parses
every record strictly and compares values outside, and the server measures CPU time itself.
"""

from __future__ import annotations

import builtins
import collections
import fcntl
import hashlib
import io
import itertools
import json
import linecache
import math
import os
import random
import reprlib
import signal
import string
import sys
import time
import traceback
import types
from typing import TYPE_CHECKING

from . import frames, landlock, libc, limits, namespaces, packages, plain, seccomp

if TYPE_CHECKING:
    from typing import Any

RESULT_FD = 3
REQUEST_FD = 4
FINISH_FD = 5
ANSWER_FILE = "answer.py"
MODULE_NAME = "answer"
MAX_TEXT = 4000

_short = reprlib.Repr()
_short.maxlevel = 3
_short.maxlist = _short.maxtuple = _short.maxset = _short.maxfrozenset = 8
_short.maxdict = 6
_short.maxstring = _short.maxother = 60
_short.maxlong = 40


class Environment:
    """What the zygote prepared once for all its children."""

    def __init__(self) -> None:
        self.zygote_pid = os.getpid()
        self.empty_input = -1
        self.ruleset_fd = -1
        self.landlock_abi = 0
        self.seccomp: seccomp.Program | None = None
        self.seccomp_detail = ""
        self.base_layers: dict[str, dict] = {}
        self.uid = os.getuid()
        self.memory_base = 0
        self.on_linux = sys.platform.startswith("linux")
        self.streams = _make_streams()


_dumps = json.dumps  # bound now, so an answer that replaces json.dumps does not write records


def _record(obj: dict) -> bytes:
    data = _dumps(obj, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return (data + "\n").encode("ascii")


def _write(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(RESULT_FD, view) :]


def _emit(obj: dict) -> None:
    _write(_record(obj))


def _prepare(env: Environment, fds: tuple[int, int, int, int]) -> tuple[dict, bool]:
    """Apply the layers that do not depend on the request, before the request arrives."""
    os.setsid()
    if env.on_linux:
        libc.prctl(libc.PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != env.zygote_pid:
            os._exit(0)
    req_r, out_w, res_w, fin_w = fds
    wanted = (env.empty_input, out_w, out_w, res_w, req_r, fin_w)
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, FINISH_FD + 1) for fd in wanted]
    if 0 <= env.ruleset_fd <= FINISH_FD:
        env.ruleset_fd = fcntl.fcntl(env.ruleset_fd, fcntl.F_DUPFD, FINISH_FD + 1)
    for target, fd in enumerate(moved):
        os.dup2(fd, target)
    keep = env.ruleset_fd
    if keep > FINISH_FD:
        os.closerange(FINISH_FD + 1, keep)
        os.closerange(keep + 1, 1 << 16)
    else:
        os.closerange(FINISH_FD + 1, 1 << 16)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    layers: dict[str, dict] = {
        "session": {"active": True, "detail": "own session; its process group is killed after the check"},
        **env.base_layers,
    }
    nnp = False
    if env.on_linux:
        try:
            libc.prctl(libc.PR_SET_NO_NEW_PRIVS, 1)
            nnp = True
        except OSError:
            pass
    try:
        if not env.on_linux:
            raise OSError(38, "not on Linux")
        namespaces.drop_capabilities()
        layers["capabilities"] = {"active": True, "detail": "all capabilities dropped"}
    except OSError as e:
        layers["capabilities"] = {"active": False, "detail": f"not dropped: {e.strerror}"}
    if env.ruleset_fd >= 0 and nnp:
        try:
            landlock.restrict_self(env.ruleset_fd)
            layers["landlock"] = {"active": True, "detail": landlock.describe(env.landlock_abi)}
        except OSError as e:
            layers["landlock"] = {"active": False, "detail": f"refused: {e.strerror}"}
        os.close(env.ruleset_fd)
    else:
        layers["landlock"] = {"active": False, "detail": landlock.describe(env.landlock_abi if nnp else 0)}
    return layers, nnp


def _limit(memory_mb: int, env: Environment, layers: dict, nnp: bool) -> None:
    """Apply CPU and memory limits, then seccomp (which forbids changing them afterwards).

    Without seccomp, RLIMIT_NPROC 0 forbids new processes and threads; it binds any uid
    but root's, and the zygote never lets a child run as root when it can help it.
    """
    memory = env.memory_base + memory_mb * limits.MIB
    use_seccomp = env.seccomp is not None and nnp
    refused = limits.apply(memory, processes=not use_seccomp)
    if use_seccomp:
        try:
            seccomp.install(env.seccomp.for_pid(os.getpid()))  # type: ignore[union-attr]
            layers["seccomp"] = {"active": True, "detail": env.seccomp_detail}
        except OSError as e:
            layers["seccomp"] = {"active": False, "detail": f"refused: {e.strerror}"}
            refused += limits.apply(memory, processes=True)
    else:
        layers["seccomp"] = {"active": False, "detail": env.seccomp_detail or "unavailable"}
    if layers["seccomp"]["active"]:
        processes = ""
    elif env.uid != 0:
        processes = "no new processes or threads, "
    else:
        processes = "processes not limited (root), "
    mem_note = "" if limits.AS_ENFORCED else " (polled by the server)"
    layers["rlimits"] = {
        "active": not refused and (layers["seccomp"]["active"] or env.uid != 0),
        "detail": (
            f"memory {memory_mb} MB{mem_note}, {processes}"
            f"no file writes, {limits.OPEN_FILES} open files, no core dumps"
            if not refused
            else "refused: " + ", ".join(sorted(set(refused)))
        ),
    }


def _read_request() -> dict | None:
    chunks = []
    while True:
        chunk = os.read(REQUEST_FD, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(REQUEST_FD)
    return json.loads(b"".join(chunks)) if chunks else None


def _text(value: object, limit: int = 500) -> str:
    try:
        text = str(value)
    except BaseException:
        text = "<unprintable>"
    text = str.__str__(text) if isinstance(text, str) else "<unprintable>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


MAX_RUNS = 30  # frames (runs of one repeated line count once) a traceback keeps: the first 10, the last 20


def _own_frames(tb) -> tuple[list[traceback.FrameSummary], list[str]]:
    """The answer's frames of a traceback and their lines as Python prints them, in bounded time
    however deep it is.

    A RecursionError holds thousands of frames; reading and formatting each would cost the
    child more CPU time than an answer's whole limit, time the answer would be charged with, so
    the verdict would turn on how fast the judge noticed. Frames are walked without reading
    sources, runs of the same line collapse into one (printed as Python does: three times,
    then "[Previous line repeated N more times]"), and only the first and last runs are read."""
    runs: list[list] = []  # [traceback entry, times]
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == ANSWER_FILE:
            if runs and runs[-1][0].tb_frame.f_code is code and runs[-1][0].tb_lineno == tb.tb_lineno:
                runs[-1][1] += 1
            else:
                runs.append([tb, 1])
        tb = tb.tb_next
    left_out = max(0, len(runs) - MAX_RUNS)
    if left_out:
        runs = runs[:10] + runs[-(MAX_RUNS - 10):]
    frames, lines = [], []
    for number, (entry, times) in enumerate(runs):
        code = entry.tb_frame.f_code
        try:  # where in the line, for the ^^^ under it (Python 3.11 and later)
            _, end_line, col, end_col = list(code.co_positions())[entry.tb_lasti // 2]
            where: dict[str, Any] = {"end_lineno": end_line, "colno": col, "end_colno": end_col}
            frame = traceback.FrameSummary(ANSWER_FILE, entry.tb_lineno, code.co_name, **where)
        except (AttributeError, IndexError, ValueError, TypeError):
            frame = traceback.FrameSummary(ANSWER_FILE, entry.tb_lineno, code.co_name)
        frames.append(frame)
        if left_out and number == 10:
            lines.append(f"  [{left_out} more calls left out]\n")
        text = traceback.StackSummary.from_list([frame]).format()
        lines += text * min(times, 3)
        if times > 3:
            lines.append(f"  [Previous line repeated {times - 3} more times]\n")
    return frames, lines


def describe_exception(exc: BaseException) -> dict:
    """Type, message and a traceback trimmed to the answer's own frames."""
    name = plain.type_name(exc)
    lines: list[str] = []
    own: list = []
    try:
        own, lines = _own_frames(exc.__traceback__)
        if isinstance(exc, SyntaxError) and exc.filename == ANSWER_FILE:
            lines += traceback.format_exception_only(type(exc), exc)
        else:
            lines.append(f"{name}: {_text(exc)}\n" if _text(exc) else f"{name}\n")
    except BaseException:
        lines.append(f"{name}\n")
    text = "Traceback (your code):\n" + "".join(lines) if own else "".join(lines)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT // 2] + "\n  ...\n" + text[-MAX_TEXT // 2 :]
    line = None
    if isinstance(exc, SyntaxError) and exc.filename == ANSWER_FILE:
        line = exc.lineno
    else:
        for frame in reversed(own):
            line = frame.lineno
            break
    message = exc.msg if isinstance(exc, SyntaxError) and isinstance(exc.msg, str) else exc
    return {"type": name, "message": _text(message), "traceback": text, "line": line}


def _call_repr(function: str, args: list) -> str:
    try:
        text = f"{function}({', '.join(_short.repr(a) for a in args)})"
    except BaseException:
        text = f"{function}(...)"
    return text if len(text) <= 300 else text[:299] + "…"


def _digest(args: object) -> str:
    data = _dumps(plain.encode(args), separators=(",", ":"), allow_nan=False)
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _args_namespace() -> dict:
    return {
        "__builtins__": builtins,
        "random": random,
        "math": math,
        "string": string,
        "itertools": itertools,
        "collections": collections,
    }


def _build(request: dict) -> None:
    """Evaluate each test's `args_code` (seeded, so a drill's inputs are reproducible)."""
    function = request["function"]
    for index, test in enumerate(request["tests"]):
        try:
            code = compile(test["args_code"], f"<args_code of test {index + 1}>", "eval", dont_inherit=True)
            random.seed(0)
            args = eval(code, _args_namespace())
            if not isinstance(args, (list, tuple)):
                raise TypeError(f"args_code must give a list of arguments, not {plain.type_name(args)}")
            args = list(args)
            data = plain.encode(args)
        except BaseException as e:
            _emit({"t": "setup_error", "test": index, "error": describe_exception(e)})
            return
        _emit({"t": "built", "test": index, "args": data, "shown": _call_repr(function, args)})
        del args, data
    _emit({"t": "done"})


def _make_streams() -> tuple[io.TextIOWrapper, io.TextIOWrapper, io.TextIOWrapper]:
    """The answer's stdout, stderr and stdin, built once in the server, used in children."""
    out = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace")
    err = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False),
        encoding="utf-8",
        errors="backslashreplace",
        write_through=True,
    )
    inp = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    return out, err, inp


def _streams(env: Environment) -> tuple[io.TextIOWrapper, io.TextIOWrapper]:
    out, err, inp = env.streams
    # The originals are rebound on purpose: an answer must not reach the real descriptors through them.
    sys.stdout = sys.__stdout__ = out  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = err  # type: ignore[misc]
    sys.stdin = sys.__stdin__ = inp  # type: ignore[misc]
    return out, err


def _flush(streams: tuple) -> None:
    for s in streams:
        try:
            s.flush()
        except BaseException:
            pass


def _finish(streams: tuple, _write=os.write, _exit=os._exit) -> None:
    """Flush the answer's output, tell the server every record is written, and exit."""
    _flush(streams)
    try:
        _write(FINISH_FD, b".")
    finally:
        _exit(0)


def serve(env: Environment, memory_mb: int, fds: tuple[int, int, int, int]) -> None:
    """Lock down a spare child, wait for its one request, run it; never returns.

    The server only hands this child a request with the same memory limit, so every layer
    is in place before the request arrives.
    """
    layers, nnp = _prepare(env, fds)
    _limit(memory_mb, env, layers, nnp)
    hello = _record({"t": "hello", "layers": layers})
    streams = _streams(env)
    random.seed()
    request = _read_request()
    if request is None:
        os._exit(0)
    _write(hello)
    op = request.get("op")
    if not (op == "run" and request.get("frames")):
        packages.forget()  # only a pandas drill's answer may import pandas
    if op == "run":
        _run(request, streams)
    elif op == "build":
        _build(request)
    _finish(streams)


def _run(request: dict, streams: tuple) -> None:
    """Load the program as a module and call it once per test, reporting as it goes.

    Everything before the `ready` record (decoding the inputs, their digests) is the
    judge's work; the server counts CPU time from there, and each test reports the CPU
    time of its own call.
    """
    tabular = bool(request.get("frames"))  # pandas drills: one DataFrame per table, the result made plain
    try:
        all_args: list  # each test's inputs, dropped (None) once called
        if tabular:
            all_args = [frames.tables(test["tables"]) for test in request["tests"]]
        else:
            all_args = [plain.decode(test["args"]) for test in request["tests"]]
        digest_start = time.process_time_ns()
        digests = [_digest(a) for a in all_args] if request.get("pure") else None
        digest_ns = time.process_time_ns() - digest_start
    except (plain.NotPlain, plain.Malformed, KeyError, TypeError, ValueError, RecursionError) as e:
        error = {"type": "BadInput", "message": str(e)[:200], "traceback": "", "line": None}
        _emit({"t": "setup_error", "test": 0, "error": error})
        return
    source = request["source"]
    function = request["function"]
    pure = bool(request.get("pure"))
    emit, encode, clock, digest = _emit, plain.encode, time.process_time_ns, _digest
    linecache.cache[ANSWER_FILE] = (len(source), None, source.splitlines(True), ANSWER_FILE)
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = ANSWER_FILE
    sys.modules[MODULE_NAME] = module
    emit({"t": "ready", "cpu_ns": clock(), "digest_ns": digest_ns, "digests": digests})
    start = clock()
    try:
        exec(compile(source, ANSWER_FILE, "exec", dont_inherit=True), module.__dict__)
    except BaseException as e:
        took = clock() - start
        _flush(streams)
        emit({"t": "load_error", "missing": False, "cpu_ns": took, "error": describe_exception(e)})
        return
    took = clock() - start
    fn = module.__dict__.get(function)
    if not callable(fn):
        emit({"t": "load_error", "missing": True, "cpu_ns": took, "error": None})
        return
    emit({"t": "loaded", "cpu_ns": took})

    for index, args in enumerate(all_args):
        all_args[index] = None
        start = clock()
        try:
            value = fn(**frames.arguments(fn, args)) if tabular else fn(*args)
        except BaseException as e:
            took = clock() - start
            _flush(streams)
            emit({"t": "raised", "test": index, "cpu_ns": took, "error": describe_exception(e)})
            return
        took = clock() - start
        _flush(streams)
        try:
            data = encode(frames.result(value) if tabular else value)
            after = digest(args) if pure else None
        except plain.NotPlain as e:
            emit({"t": "unplain", "test": index, "cpu_ns": took, "what": str(e)[:200]})
            return
        except BaseException as e:
            what = f"a value that could not be read ({plain.type_name(e)})"
            if tabular and isinstance(e, (TypeError, ValueError)):
                what = _text(e, 200)
            emit({"t": "unplain", "test": index, "cpu_ns": took, "what": what})
            return
        del value, args
        emit({"t": "result", "test": index, "cpu_ns": took, "value": data, "digest": after})
    emit({"t": "done"})
