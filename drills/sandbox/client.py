"""The judge's side of the sandbox: start the server lazily, talk to it, restart it if needed.

One server per process, started on the first check and stopped at exit. A forked copy of
this process never reuses its parent's server; it starts its own. Time limits are given at
the reference speed drills are written for; the server measured this machine's speed when
it started, and the client scales every limit by it.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import sys
import threading
from pathlib import Path

from drills.errors import DrillError

from .hidden import hidden_paths
from .protocol import pack_request
from .report import Built, Run, parse, parse_built
from .server import STARVED_FACTOR, STARVED_SLACK

STARTUP_TIMEOUT = 20.0
REPLY_MARGIN = 10.0
DEFAULT_MEMORY_MB = 512
BUILD_LIMIT = 20.0  # CPU seconds for a drill's args_code, at reference speed

# Loads the sandbox modules from their folder as a package of their own, so nothing outside
# the standard library (not even drills/__init__.py) is importable in the server.
_BOOT = (
    "import sys, types, importlib\n"
    "pkg = types.ModuleType('_drill_sandbox')\n"
    "pkg.__path__ = [sys.argv[1]]\n"
    "sys.modules['_drill_sandbox'] = pkg\n"
    "importlib.import_module('_drill_sandbox.server').main()\n"
)


class SandboxError(DrillError):
    """The sandbox itself could not run a check (not the answer's fault)."""


class Encoded(str):
    """JSON text already encoded (a drill's test inputs), spliced into requests as it is."""


def _body(message: dict) -> bytes:
    """The request as JSON; an Encoded `tests` value goes in without being encoded again."""
    tests = message.get("tests")
    if not isinstance(tests, Encoded):
        return json.dumps(message, separators=(",", ":")).encode()
    rest = json.dumps({k: v for k, v in message.items() if k != "tests"}, separators=(",", ":"))
    return (rest[:-1] + (',"tests":' if len(rest) > 2 else '"tests":') + tests + "}").encode()


def _high_fd(fd: int) -> int:
    """Keep pipe ends away from 0-2 so spawning never clobbers them."""
    if fd > 2:
        return fd
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return new


class _Server:
    """A running sandbox server and the pipes to it."""

    def __init__(self, boot: str = "", config: dict | None = None, executable: str = "",
                 with_packages: bool = False) -> None:
        executable = executable or sys.executable
        if not hasattr(os, "fork") or not executable:
            raise SandboxError(
                "Python drills need Linux or macOS to run answers in a sandbox; on Windows, run drill inside WSL."
            )
        to_r, to_w = map(_high_fd, os.pipe())
        from_r, from_w = map(_high_fd, os.pipe())
        err_r, err_w = map(_high_fd, os.pipe())
        argv = [executable, "-I", "-S", "-B", "-X", "utf8", "-c", boot or _BOOT]
        argv.append(str(Path(__file__).resolve().parent))
        from . import packages

        # pandas and numpy take most of a second to import: only a server for pandas drills
        # preloads them (a Python drill's answer never sees them anyway)
        found = packages.locate() if with_packages else []
        self.with_packages = with_packages
        argv.append(json.dumps({"hide": hidden_paths(), "packages": found, **(config or {})}))
        actions = [
            (os.POSIX_SPAWN_DUP2, to_r, 0),
            (os.POSIX_SPAWN_DUP2, from_w, 1),
            (os.POSIX_SPAWN_DUP2, err_w, 2),
        ]
        env = {"PATH": os.defpath, "LC_ALL": "C.UTF-8", **(packages.THREAD_SETTINGS if found else {})}
        try:
            try:
                self.pid = os.posix_spawn(executable, argv, env, file_actions=actions, setsid=True)
            except NotImplementedError:  # no POSIX_SPAWN_SETSID: the server ignores SIGINT
                self.pid = os.posix_spawn(executable, argv, env, file_actions=actions)
        except OSError as e:
            for fd in (to_r, to_w, from_r, from_w, err_r, err_w):
                os.close(fd)
            raise SandboxError(f"Could not start the sandbox ({executable}): {e}") from e
        for fd in (to_r, from_w, err_w):
            os.close(fd)
        self.owner = os.getpid()
        self.to_fd, self.from_fd, self.err_fd = to_w, from_r, err_r
        self.stderr_tail = b""
        os.set_blocking(err_r, False)
        self.reader = os.fdopen(from_r, "rb", buffering=1 << 16, closefd=False)
        ready = self._read_header(STARTUP_TIMEOUT)
        if not ready or not ready.get("ready"):
            self.close()
            raise SandboxError(f"The sandbox server failed to start{self._stderr()}")
        self.speed = machine_speed(float(ready.get("speed") or 1.0), executable)
        self.zygote_layers = ready.get("layers") if isinstance(ready.get("layers"), dict) else {}

    def _drain_stderr(self) -> None:
        """Keep the server's stderr pipe from filling up; remember its last words."""
        while True:
            try:
                chunk = os.read(self.err_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.stderr_tail = (self.stderr_tail + chunk)[-4096:]

    def _stderr(self) -> str:
        self._drain_stderr()
        text = self.stderr_tail.decode("utf-8", "replace").strip()
        return f": {text.splitlines()[-1]}" if text else "."

    def _read_header(self, timeout: float) -> dict | None:
        if not select.select([self.from_fd], [], [], max(timeout, 0))[0]:
            return None
        line = self.reader.readline(1 << 16)
        if not line.endswith(b"\n"):
            return None
        try:
            header = json.loads(line)
        except ValueError:
            return None
        return header if isinstance(header, dict) else None

    def request(self, message: dict, timeout: float) -> tuple[dict, bytes] | None:
        """Send one request and wait for its reply; None if the server died or hung.

        `message["time_limit"]` is the CPU budget in seconds on this machine.
        """
        data = memoryview(pack_request(message["op"], message["time_limit"], message["memory_mb"], _body(message)))
        try:
            while data:
                data = data[os.write(self.to_fd, data) :]
        except OSError:
            return None
        header = self._read_header(timeout)
        if header is None:
            return None
        try:
            size = int(header.get("results_len", 0)) + int(header.get("output_len", 0))
        except (TypeError, ValueError):
            return None
        payload = self.reader.read(size) if size else b""
        if len(payload) != size:
            return None
        self._drain_stderr()
        return header, payload

    def alive(self) -> bool:
        return self.owner == os.getpid()

    def close(self) -> None:
        """Stop the server now; it holds no state worth a graceful exit."""
        try:
            self.reader.close()
        except OSError:
            pass
        for fd in (self.to_fd, self.from_fd, self.err_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.owner == os.getpid():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass

    def forget(self) -> None:
        """In a forked copy of the owner: drop our copies of the pipes, leave the server alone."""
        self.owner = -1
        for fd in (self.to_fd, self.from_fd, self.err_fd):
            try:
                os.close(fd)
            except OSError:
                pass


SPEED_FILE = "machine-speed.json"


def machine_speed(measured: float, executable: str) -> float:
    """The fastest calibration this interpreter on this machine has ever shown (kept in the home).

    One measurement on a busy machine runs slow; the fastest of all sessions is the machine's
    real speed, so limits do not wobble with the load at the moment a server started.
    """
    try:
        import platform

        from drills import cache

        path = cache.folder("sandbox") / SPEED_FILE
        key = f"{platform.machine()} {os.cpu_count()} {executable} {sys.version.split()[0]}"
        data = cache.read_json(path)
        known = data.get("machines", {}) if isinstance(data, dict) else {}
        best = known.get(key)
        if isinstance(best, (int, float)) and 0 < best <= measured:
            return float(best)
        known = {k: v for k, v in known.items() if isinstance(v, (int, float))}
        known[key] = measured
        cache.write_json(path, {"machines": dict(list(known.items())[-20:])})
    except Exception:  # noqa: BLE001 - the home is optional: use this session's measurement
        pass
    return measured


_server: _Server | None = None
_lock = threading.Lock()
_layers: dict[str, dict] | None = None
_notice_shown = False


def _after_fork_in_child() -> None:
    global _server, _lock
    if _server is not None:
        _server.forget()
    _server = None
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def shutdown() -> None:
    """Stop this process's sandbox server, if one is running (also registered with atexit)."""
    global _server
    with _lock:
        if _server is not None:
            _server.close()
            _server = None


atexit.register(shutdown)


def server_pid() -> int | None:
    """The pid of the running server, for tests and `drill doctor`."""
    return _server.pid if _server is not None and _server.alive() else None


def _started(with_packages: bool = False) -> _Server:
    """The running server; one that preloads pandas when `with_packages` (it then serves
    every request: a server without them is replaced, once)."""
    global _server
    if _server is not None and with_packages and not _server.with_packages:
        _server.close()
        _server = None
    if _server is None or not _server.alive():
        _server = _Server(with_packages=with_packages)
    return _server


def warm(with_packages: bool = False) -> None:
    """Start the server in the background, so a session's first check does not wait for it
    (a check sent meanwhile waits for the start, as it would have started it itself).
    `with_packages` when the session holds pandas drills."""

    def start() -> None:
        try:
            with _lock:
                _started(with_packages)
        except Exception:  # noqa: BLE001 - the first check starts it again and says why it cannot
            pass

    if _server is None or (with_packages and not _server.with_packages):
        threading.Thread(target=start, name="sandbox-warm", daemon=True).start()


def speed() -> float:
    """This machine's time for the calibration workload over the reference machine's."""
    with _lock:
        return _started().speed


def _exchange(message: dict, reference_limit: float) -> tuple[dict, bytes, float]:
    """Send a request with a limit at reference speed; (header, payload, speed factor)."""
    global _server
    with _lock:
        for _attempt in range(2):
            server = _started(bool(message.get("frames")))
            budget = reference_limit * server.speed
            timeout = budget * STARVED_FACTOR + STARVED_SLACK + REPLY_MARGIN
            reply = server.request({**message, "time_limit": budget}, timeout)
            if reply is not None and reply[0].get("status") not in ("busy", "bad_request"):
                return reply[0], reply[1], server.speed
            server.close()
            _server = None
            if reply is not None and reply[0].get("status") == "bad_request":
                raise SandboxError(f"The sandbox rejected a request: {reply[0].get('detail')}")
        raise SandboxError("The sandbox server stopped responding twice; try again.")


def _remember(layers: dict[str, dict]) -> None:
    global _layers
    if layers and _layers is None:
        _layers = layers


def run(
    source: str,
    function: str,
    tests: list[dict] | Encoded,
    *,
    time_limit: float,
    pure: bool = False,
    memory_mb: int = DEFAULT_MEMORY_MB,
    count: int | None = None,
    frames: bool = False,
) -> Run:
    """Run `function` from `source` on each test inside a fresh sandboxed child.

    A test is {"args": <plain-encoded list of arguments>}; `tests` may also be that list
    already encoded as JSON (`Encoded`, with `count`). `time_limit` is the CPU time the
    program may use in all (loading it and every call), at reference speed. The result is
    parsed but not judged: comparing values is the judge's job. With `frames` (pandas drills)
    a test is {"tables": {name: columns}} instead, and the function gets one DataFrame per table
    (see drills/sandbox/frames.py).
    """
    message = {"op": "run", "source": source, "function": function, "tests": tests,
               "memory_mb": int(memory_mb), "pure": bool(pure), "frames": bool(frames)}
    return _request(message, time_limit, parse, len(tests) if count is None else count)


def build(function: str, codes: list[str], *, time_limit: float = BUILD_LIMIT,
          memory_mb: int = DEFAULT_MEMORY_MB) -> Built:
    """Evaluate each `args_code` expression in a sandboxed child of its own."""
    message = {"op": "build", "function": function, "tests": [{"args_code": c} for c in codes],
               "memory_mb": int(memory_mb)}
    return _request(message, time_limit, parse_built, len(codes))


def _request(message: dict, time_limit: float, parser, count: int):
    header, payload, speed = _exchange(message, float(time_limit))
    try:
        result = parser(header, payload, count)
    except (ValueError, KeyError, TypeError) as e:
        raise SandboxError(f"The sandbox sent a reply drill cannot read ({e}); try again.") from e
    if hasattr(result, "speed"):
        # the factor the budget was scaled by (this machine's fastest calibration), not the
        # server's own reading at start-up, which a busy moment can inflate: times reported at
        # reference speed must be on the scale the limit was
        result.speed = speed
    _remember(result.layers)
    return result


def doctor() -> dict[str, dict]:
    """Which isolation layers a check gets on this machine: name -> {active, detail}.

    Forks one probe child from the session's server (started if needed, then reused).
    """
    global _layers
    try:
        header, payload, _ = _exchange({"op": "probe", "memory_mb": DEFAULT_MEMORY_MB}, 5.0)
        result = parse_built(header, payload, 0)
    except (SandboxError, ValueError, OSError) as e:
        return {"sandbox": {"active": False, "detail": str(e)}}
    if not result.layers:
        return {"sandbox": {"active": False, "detail": "the probe child reported nothing"}}
    _layers = result.layers
    return dict(result.layers)


def isolation_notice() -> str | None:
    """Once per process, a sentence saying isolation is reduced (None if it is not, or said)."""
    global _notice_shown
    if _notice_shown or not _layers:
        return None
    missing = [name for name, layer in _layers.items() if not layer["active"]]
    if not missing:
        return None
    _notice_shown = True
    return (
        "Isolation is reduced on this machine (missing: "
        + ", ".join(missing)
        + "); answers still run with time and memory limits. `drill doctor` shows details."
    )
