"""The sandbox server: one `python -I -S` process per drill session that forks a child per check.

It imports the standard library modules answers use before any check, enters private
namespaces and builds the Landlock ruleset once. Each request goes to a child forked and
locked down ahead of time; the server enforces the wall-clock limit and output caps, kills
the child's process group and replies (framing in protocol.py).
"""

from __future__ import annotations

import errno
import fcntl
import gc
import importlib
import json
import os
import select
import signal
import sys
import time

from . import child, landlock, limits, namespaces, protocol, seccomp

PREIMPORT = (
    "array bisect collections collections.abc copy dataclasses datetime decimal enum "
    "fractions functools hashlib heapq itertools json math operator queue random re "
    "reprlib statistics string threading time traceback linecache typing unicodedata"
).split()
OUTPUT_KEEP = 64 * 1024
RESULTS_CAP = 64 * 1024 * 1024
MEMORY_POLL = 0.05
PIPE_SIZE = 1024 * 1024
DRAIN_FIRST = 0.005
DRAIN_FAST = 0.002
DRAIN_SLOW = 0.05
SPARES = 1
DEFAULT_PROFILE = (limits.cpu_seconds(5.0), 512)


def _high(fd: int) -> int:
    """Move a long-lived fd out of the range children renumber (0-5)."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


def prepare() -> child.Environment:
    """Everything done once per server: imports, namespaces, the Landlock ruleset."""
    for name in PREIMPORT:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    env = child.Environment()
    env.devnull = _high(os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC))
    if env.on_linux:
        env.namespaces = namespaces.enter_private()
        read_only = sorted({p for p in sys.path if p and os.path.exists(p)})
        try:
            fd, env.landlock_abi = landlock.build_ruleset(read_only)
            env.ruleset_fd = _high(fd)
        except OSError:
            env.ruleset_fd, env.landlock_abi = -1, 0
        ok, env.seccomp_detail = seccomp.supported()
        if ok:
            env.seccomp = seccomp.assemble()
    else:
        env.namespaces = (False, "Linux only")
        env.seccomp_detail = "Linux only"
    env.memory_base = limits.address_space()
    return env


def _read_into(fd: int, buf: bytearray, keep: int) -> tuple[bool, int]:
    """Read what is available; keep at most `keep` bytes in buf. Returns (eof, bytes read)."""
    try:
        chunk = os.read(fd, 1 << 16)
    except BlockingIOError:
        return False, 0
    except OSError:
        return True, 0
    if not chunk:
        return True, 0
    room = keep - len(buf)
    if room > 0:
        buf += chunk[:room]
    return False, len(chunk)


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def _pipe(size: int = 0) -> tuple[int, int]:
    r, w = os.pipe()
    if size and hasattr(fcntl, "F_SETPIPE_SZ"):
        try:
            fcntl.fcntl(r, fcntl.F_SETPIPE_SZ, size)
        except OSError:
            pass
    return r, w


class Spare:
    """A child forked ahead of time, locked down and waiting for its request.

    Its pipes: the request (in), records and output (out, 1 MB buffers so the server can
    read them in batches), and `finished`, one byte written after the last record so the
    server can reply without waiting for the child's exit.
    """

    def __init__(self, env: child.Environment, profile: tuple[int, int]) -> None:
        self.profile = profile
        req_r, self.req_w = _pipe()
        self.res_r, res_w = _pipe(PIPE_SIZE)
        self.out_r, out_w = _pipe(PIPE_SIZE)
        self.fin_r, fin_w = _pipe()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                child.serve(env, profile, (req_r, out_w, res_w, fin_w))
            finally:
                os._exit(70)
        for fd in (req_r, res_w, out_w, fin_w):
            os.close(fd)
        self.reaped = False
        self.wait_status = 0

    def hand_over(self, data: bytes) -> bool:
        """Send the request; False if the spare is gone."""
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self.req_w, view) :]
            return True
        except OSError:
            return False
        finally:
            os.close(self.req_w)
            self.req_w = -1

    def reap(self) -> int:
        """Kill the child's whole process group and collect its exit status."""
        if not self.reaped:
            _kill_group(self.pid)
            _, self.wait_status = os.waitpid(self.pid, 0)
            self.reaped = True
        return self.wait_status

    def close(self, wait: bool = True) -> bool:
        """Kill the child and close its pipes; True once it is reaped (always, if `wait`)."""
        if self.req_w >= 0:
            os.close(self.req_w)
            self.req_w = -1
        if self.res_r >= 0:
            for fd in (self.res_r, self.out_r, self.fin_r):
                os.close(fd)
            self.res_r = self.out_r = self.fin_r = -1
        if wait:
            self.reap()
        elif not self.reaped:
            _kill_group(self.pid)
            pid, self.wait_status = os.waitpid(self.pid, os.WNOHANG)
            self.reaped = pid == self.pid
        return self.reaped


class Request:
    """A check as the server sees it: its limits, and the child's request as raw JSON.

    On the wire: a fixed binary header (time limit, memory MB, body size) and the body,
    which only the child parses; the server reads no more than it needs.
    """

    HEADER = protocol.REQUEST_HEADER

    def __init__(self, time_limit: float, memory_mb: int, body: bytes) -> None:
        if not (0 < time_limit <= protocol.MAX_TIME_LIMIT and 16 <= memory_mb <= 1 << 20):
            raise ValueError(f"limits out of range: {time_limit} s, {memory_mb} MB")
        self.time_limit, self.memory_mb, self.body = time_limit, memory_mb, body

    @property
    def profile(self) -> tuple[int, int]:
        return limits.cpu_seconds(self.time_limit), self.memory_mb

    @classmethod
    def read(cls, stream) -> Request | None:
        head = stream.read(cls.HEADER.size)
        if len(head) < cls.HEADER.size:
            return None
        time_limit, memory_mb, size = cls.HEADER.unpack(head)
        if size > protocol.MAX_REQUEST:
            raise ValueError("request too large")
        body = stream.read(size)
        if len(body) < size:
            return None
        return cls(time_limit, memory_mb, body)


class Server:
    """Keeps spare children ready so a check waits for neither fork nor lock-down.

    A spare is forked after each reply, with the last request's limits, while the client
    reads the reply; a request with other limits discards it and forks a fresh child.
    (Forking during a check, or keeping two spares, measured slower on two cores: the
    spare's lock-down competes with the running check.)
    """

    def __init__(self, env: child.Environment) -> None:
        self.env = env
        self.profile = DEFAULT_PROFILE
        self.spares: list[Spare] = []
        self.finished: Spare | None = None
        self.dying: list[Spare] = []  # killed, reaped once the kernel is done with them
        self._top_up()

    def _top_up(self) -> None:
        while len(self.spares) < SPARES:
            try:
                self.spares.append(Spare(self.env, self.profile))
            except OSError:
                return

    def _take(self) -> Spare:
        while self.spares:
            spare = self.spares.pop(0)
            if spare.profile == self.profile:
                return spare
            self.dying.append(spare)
            spare.close(wait=False)
        return Spare(self.env, self.profile)

    def check(self, request: Request) -> tuple[dict, bytes]:
        self.profile = request.profile
        for _ in range(2):
            current = self._take()
            if current.hand_over(request.body):
                break
            current.close()
        else:
            raise OSError(errno.EAGAIN, "could not start a sandboxed child")
        self.finished = current
        return watch(current, request, time.monotonic())

    def after_reply(self) -> None:
        """Fork the next spare and let the last child go, while the client reads the reply.

        A killed child takes about a millisecond to tear down, so it is reaped later rather
        than waited for.
        """
        self._top_up()
        if self.finished is not None:
            self.dying.append(self.finished)
            self.finished = None
        self.dying = [proc for proc in self.dying if not proc.close(wait=False)]

    def close(self) -> None:
        for proc in (self.finished, *self.spares, *self.dying):
            if proc is not None:
                proc.close()
        self.finished, self.spares, self.dying = None, [], []


class _Collector:
    """Reads a child's records and output, keeping within the caps."""

    def __init__(self, res_r: int, out_r: int) -> None:
        self.res_r, self.out_r = res_r, out_r
        self.results, self.output = bytearray(), bytearray()
        self.output_total = 0
        for fd in (res_r, out_r):
            os.set_blocking(fd, False)

    def read(self, fd: int) -> tuple[bool, int]:
        if fd == self.res_r:
            return _read_into(fd, self.results, RESULTS_CAP + 1)
        eof, n = _read_into(fd, self.output, OUTPUT_KEEP)
        self.output_total += n
        return eof, n

    def drain(self) -> int:
        """Read what is buffered now (bounded, as a live child may keep writing)."""
        total = 0
        for fd in (self.res_r, self.out_r):
            budget = 2 * PIPE_SIZE
            while budget > 0:
                eof, n = self.read(fd)
                total += n
                budget -= n
                if eof or not n:
                    break
        return total

    @property
    def too_large(self) -> bool:
        return len(self.results) > RESULTS_CAP


def watch(proc: Spare, request: Request, start: float) -> tuple[dict, bytes]:
    """Follow one child until it finishes or runs out of time, then stop its process group."""
    deadline = start + request.time_limit
    memory = request.memory_mb * limits.MIB
    got = _Collector(proc.res_r, proc.out_r)
    pidfd = -1
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(proc.pid)
        except OSError:
            pidfd = -1
    try:
        status = _wait_lazily(proc, pidfd, got, deadline, memory) if pidfd >= 0 else ""
        if pidfd < 0:
            status = _wait_eagerly(proc, got, deadline, memory)
    finally:
        if pidfd >= 0:
            os.close(pidfd)
    elapsed = (time.monotonic() - start) * 1000
    exit_code = signal_number = None
    if status != "finished":
        wait_status = proc.reap()
        if os.WIFSIGNALED(wait_status):
            signal_number = os.WTERMSIG(wait_status)
        elif os.WIFEXITED(wait_status):
            exit_code = os.WEXITSTATUS(wait_status)
    else:
        _kill_group(proc.pid)
    got.drain()
    if got.too_large:
        status = "too_large"
        del got.results[RESULTS_CAP:]
    if status in ("finished", "exited"):
        if signal_number == getattr(signal, "SIGXCPU", None):
            status = "timeout"
        elif signal_number is not None:
            status = "crashed"
        else:
            status = "exited"
    header = {
        "status": status,
        "exit_code": exit_code,
        "signal": signal_number,
        "elapsed_ms": elapsed,
        "results_len": len(got.results),
        "output_len": len(got.output),
        "output_total": got.output_total,
    }
    return header, bytes(got.results) + bytes(got.output)


def _said_done(proc: Spare) -> bool:
    """The finish pipe woke us: a byte means done, end-of-file means the child died first."""
    try:
        return os.read(proc.fin_r, 1) != b""
    except OSError:
        return False


def _wait_lazily(proc: Spare, pidfd: int, got: _Collector, deadline: float, memory: int) -> str:
    """Sleep until the child finishes, exits or runs out of time, reading pipes in batches.

    Waking the server for every record costs more than the check itself on small machines,
    so pipes are drained on a timer that speeds up while output is flowing.
    """
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    poller.register(proc.fin_r, select.POLLIN)
    interval = DRAIN_FIRST
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        events = poller.poll(max(1, int(min(remaining, interval) * 1000 + 0.999)))
        if events:
            return "finished" if any(fd == proc.fin_r for fd, _ in events) and _said_done(proc) else "exited"
        moved = got.drain()
        if got.too_large:
            return "too_large"
        interval = DRAIN_FAST if moved > PIPE_SIZE // 4 else min(interval * 2, DRAIN_SLOW)
        if not limits.AS_ENFORCED and limits.resident(proc.pid) > memory:
            return "memory"


def _wait_eagerly(proc: Spare, got: _Collector, deadline: float, memory: int) -> str:
    """Without pidfd: wake on every write and poll for the exit."""
    poller = select.poll()
    open_fds = {proc.res_r, proc.out_r}
    for fd in (*open_fds, proc.fin_r):
        poller.register(fd, select.POLLIN)
    while True:
        pid, wait_status = os.waitpid(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.reaped, proc.wait_status = True, wait_status
            return "exited"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        for fd, _ in poller.poll(max(1, int(min(remaining, MEMORY_POLL) * 1000))):
            if fd == proc.fin_r:
                return "finished" if _said_done(proc) else "exited"
            eof, _ = got.read(fd)
            if eof:
                poller.unregister(fd)
                open_fds.discard(fd)
        if got.too_large:
            return "too_large"
        if not limits.AS_ENFORCED and limits.resident(proc.pid) > memory:
            return "memory"


def _reply(out, header: dict, payload: bytes = b"") -> None:
    out.write(json.dumps(header, separators=(",", ":")).encode() + b"\n")
    out.write(payload)
    out.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.dont_write_bytecode = True
    env = prepare()
    gc.collect()
    gc.freeze()
    server = Server(env)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _reply(stdout, {"ready": True, "pid": os.getpid(), "python": sys.version.split()[0]})
    while True:
        try:
            request = Request.read(stdin)
        except ValueError as e:
            _reply(stdout, {"status": "bad_request", "detail": str(e)[:200]})
            return
        if request is None:
            server.close()
            return
        try:
            header, payload = server.check(request)
        except (ValueError, KeyError, TypeError) as e:
            header, payload = {"status": "bad_request", "detail": str(e)[:200]}, b""
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ENOMEM):
                raise
            header, payload = {"status": "busy", "detail": e.strerror}, b""
        _reply(stdout, header, payload)
        server.after_reply()
