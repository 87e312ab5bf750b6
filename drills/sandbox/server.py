"""The sandbox server: one `python -I -S` process per drill session, between judge and zygote.

Before it reads anything it forks the zygote (which isolates itself and forks every child),
then measures the machine's speed while the zygote gets ready. Each request goes to a spare
child, asked of the zygote ahead of time and already locked down. The server follows the
child with the kernel's clocks: the CPU time of the program's own work against its budget,
time spent neither running nor waiting for a CPU (sleeping, blocked) against a limit of its
own, and the wall clock only as a last resort on a machine too busy to run anything. It
enforces the output caps, kills the child's process group and replies (framing in protocol.py).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import select
import signal
import sys
import time
from typing import Any

from . import limits, protocol, timing, zygote
from .plain import Malformed, loads

OUTPUT_KEEP = 64 * 1024
RESULTS_CAP = 64 * 1024 * 1024
PIPE_SIZE = 1024 * 1024
DRAIN_FIRST = 0.005
DRAIN_FAST = 0.002
DRAIN_SLOW = 0.05
STARTUP_TIMEOUT = 15.0
DEFAULT_MEMORY_MB = 512

# The CPU budget enforced from outside is the limit plus a margin for the judge's own work
# inside the child after each call: encoding results (by their size), checking a pure
# drill's inputs were not changed (as long as digesting them took before the program ran),
# and a little slack. An answer that tampers with its records to report less time than it
# used gains at most the slack.
BUDGET_SLACK = 0.25  # of the limit, and at most:
BUDGET_SLACK_NS = 200_000_000
RESULT_BYTE_NS = 100  # encoding cost allowed per byte of results, at reference speed
BEFORE_READY_NS = 30_000_000_000  # decoding and digesting inputs: the judge's own work
IDLE_RECHECK_S = 0.05  # a busy answer the host's other guests delay is checked again this often
IDLE_SLACK_NS = 1_000_000_000  # sleeping or blocked beyond limit + this is a timeout
STARVED_FACTOR, STARVED_SLACK = 10, 10.0  # wall-clock backstop: an error, never a timeout


def _high(fd: int) -> int:
    """Move a long-lived fd out of the range children renumber (0-5)."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


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
    """A child forked by the zygote ahead of time, locked down and waiting for its request.

    Its pipes: the request (in), records and output (out, 1 MB buffers so the server can
    read them in batches), and `finished`, one byte written after the last record so the
    server can reply without waiting for the child's exit.
    """

    def __init__(self, link: zygote.Link, profile: int) -> None:
        self.profile, self.link = profile, link
        req_r, self.req_w = _pipe()
        self.res_r, res_w = _pipe(PIPE_SIZE)
        self.out_r, out_w = _pipe(PIPE_SIZE)
        self.fin_r, fin_w = _pipe()
        try:
            self.pid = link.spawn(profile, [req_r, out_w, res_w, fin_w])
        except BaseException:
            for fd in (self.req_w, self.res_r, self.out_r, self.fin_r):
                os.close(fd)
            raise
        finally:
            for fd in (req_r, res_w, out_w, fin_w):
                os.close(fd)
        self.killed = False

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

    def kill(self) -> None:
        if not self.killed:
            _kill_group(self.pid)
            self.killed = True

    def wait_status(self, timeout: float = 5.0) -> int | None:
        """Kill the child's process group and learn how it ended (from the zygote)."""
        self.kill()
        return self.link.exit_status(self.pid, timeout)

    def close(self) -> None:
        """Kill the child and close its pipes; the zygote reaps it."""
        if self.req_w >= 0:
            os.close(self.req_w)
            self.req_w = -1
        if self.res_r >= 0:
            for fd in (self.res_r, self.out_r, self.fin_r):
                os.close(fd)
            self.res_r = self.out_r = self.fin_r = -1
        self.kill()


class Request:
    """A check as the server sees it: what to do, its limits, and the child's request as raw JSON.

    `time_limit` is the CPU budget in seconds for the program's own work (already scaled to
    this machine's speed by the client), or for building inputs.
    """

    HEADER = protocol.REQUEST_HEADER

    def __init__(self, op: str, time_limit: float, memory_mb: int, body: bytes) -> None:
        if not (0 < time_limit <= protocol.MAX_TIME_LIMIT and 16 <= memory_mb <= 1 << 20):
            raise ValueError(f"limits out of range: {time_limit} s, {memory_mb} MB")
        self.op, self.time_limit, self.memory_mb, self.body = op, time_limit, memory_mb, body

    @property
    def profile(self) -> int:
        """What a spare must have been made with to take this request: its memory limit."""
        return self.memory_mb

    @classmethod
    def read(cls, stream) -> Request | None:
        head = stream.read(cls.HEADER.size)
        if len(head) < cls.HEADER.size:
            return None
        op, time_limit, memory_mb, size = cls.HEADER.unpack(head)
        if size > protocol.MAX_REQUEST or op >= len(protocol.OPS):
            raise ValueError("request too large or unknown")
        body = stream.read(size)
        if len(body) < size:
            return None
        return cls(protocol.OPS[op], time_limit, memory_mb, body)


class Server:
    """Keeps a spare child ready so a check waits for neither fork nor lock-down.

    A spare is asked for after each reply, with the last request's limits, while the client
    reads the reply; a request with other limits discards it and asks for a fresh child.
    """

    def __init__(self, link: zygote.Link, speed: float) -> None:
        self.link, self.speed = link, speed
        self.profile = DEFAULT_MEMORY_MB
        self.spare: Spare | None = None
        self.finished: Spare | None = None
        self.contained = True  # no process a child starts can outlive it (seccomp, or not root)
        self._top_up()

    def _top_up(self) -> None:
        if self.spare is None:
            try:
                self.spare = Spare(self.link, self.profile)
            except OSError:
                self.spare = None

    def _take(self) -> Spare:
        spare, self.spare = self.spare, None
        if spare is not None and spare.profile == self.profile:
            return spare
        if spare is not None:
            spare.close()
        return Spare(self.link, self.profile)

    def check(self, request: Request) -> tuple[dict, bytes]:
        if not self.link.alive():
            raise OSError(errno.ECHILD, "the sandbox zygote is gone")
        self.profile = request.profile
        for _ in range(2):
            current = self._take()
            if current.hand_over(request.body):
                break
            current.close()
        else:
            raise OSError(errno.EAGAIN, "could not start a sandboxed child")
        self.finished = current
        watcher = Watch(current, request, self.speed)
        header, payload = watcher.follow()
        if header["status"] != "exited" and not self.link.alive():
            raise OSError(errno.ECHILD, "the sandbox zygote died during the check")  # not the program's doing
        if watcher.layers is not None:
            self.contained = _contained(watcher.layers)
        if not self.contained:
            current.wait_status(2.0)
            sweep_orphans(self.link.pid, {self.spare.pid} if self.spare else set())
        return header, payload

    def after_reply(self) -> None:
        """Ask for the next spare and let the last child go, while the client reads the reply."""
        self._top_up()
        if self.finished is not None:
            self.finished.close()
            self.finished = None
        self.link.poll()

    def close(self) -> None:
        for proc in (self.finished, self.spare):
            if proc is not None:
                proc.close()
        self.finished = self.spare = None


def _contained(layers: dict) -> bool:
    """Whether a child's layers stop it from leaving a process behind on its own."""
    seccomp = layers.get("seccomp", {}).get("active")
    identity = layers.get("identity", {}).get("active")
    return bool(seccomp or (identity and layers.get("rlimits", {}).get("active")))


def sweep_orphans(zygote_pid: int, keep: set[int], rounds: int = 50) -> int:
    """Kill processes a check left behind: the zygote, a subreaper, inherits them as orphans.

    Only needed where nothing stopped the child from starting processes (root without
    seccomp); returns how many were killed.
    """
    killed = 0
    for _ in range(rounds):
        found = [pid for pid in _children_of(zygote_pid) if pid not in keep]
        if not found:
            break
        for pid in found:
            _kill_group(pid)
            killed += 1
        time.sleep(0.001)
    return killed


def _children_of(parent: int) -> list[int]:
    found: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != b"Z":
            found.append(int(entry))
    return found


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


class Watch:
    """Follows one child until it finishes or breaks a limit, then stops its process group.

    The first records (`hello`, then `ready` with the child's own CPU clock) are written
    before the program runs, so the server may read them: from `ready` on, every nanosecond
    of the child's CPU clock is the program's.
    """

    def __init__(self, proc: Spare, request: Request, speed: float) -> None:
        self.proc, self.request, self.speed = proc, request, speed
        self.got = _Collector(proc.res_r, proc.out_r)
        self.start = time.monotonic()
        self.cpu_start = timing.process_cpu_ns(proc.pid) or 0
        self.sched_start = timing.schedstat(proc.pid)
        self.limit_ns = int(request.time_limit * 1e9)
        self.ready_ns: int | None = None if request.op == "run" else self.cpu_start
        self.digest_ns = 0
        self.layers: dict | None = None
        self.scanned = 0
        self.used_ns = 0
        self.hard_wall = self.start + request.time_limit * STARVED_FACTOR + STARVED_SLACK

    def follow(self) -> tuple[dict, bytes]:
        status = self._wait()
        if self.ready_ns is not None:
            cpu = timing.process_cpu_ns(self.proc.pid)
            if cpu is not None:
                self.used_ns = max(cpu - self.ready_ns, self.used_ns)
        elapsed = (time.monotonic() - self.start) * 1000
        exit_code = signal_number = None
        if status == "exited":
            wait_status = self.proc.wait_status()
            if wait_status is None:
                status = "crashed"
            elif os.WIFSIGNALED(wait_status):
                signal_number = os.WTERMSIG(wait_status)
                status = "timeout" if signal_number == getattr(signal, "SIGXCPU", None) else "crashed"
            elif os.WIFEXITED(wait_status):
                exit_code = os.WEXITSTATUS(wait_status)
        else:
            self.proc.kill()
        self.got.drain()
        self._scan()
        if self.got.too_large:
            status = "too_large"
            del self.got.results[RESULTS_CAP:]
        if status == "finished":
            status = "exited"
        header = {
            "status": status,
            "exit_code": exit_code,
            "signal": signal_number,
            "elapsed_ms": elapsed,
            "used_ns": self.used_ns,
            "speed": self.speed,
            "results_len": len(self.got.results),
            "output_len": len(self.got.output),
            "output_total": self.got.output_total,
        }
        return header, bytes(self.got.results) + bytes(self.got.output)

    def _scan(self) -> None:
        """Read `hello` and `ready` from the first complete records, once."""
        if self.ready_ns is not None and self.layers is not None:
            return
        buf = self.got.results
        while self.scanned < len(buf) and self.scanned < 1 << 16:
            end = buf.find(b"\n", self.scanned)
            if end < 0:
                return
            line = bytes(buf[self.scanned : end])
            self.scanned = end + 1
            record: Any  # the child's JSON, checked field by field below
            try:
                record = loads(line)
            except Malformed:
                record = None
            kind = record.get("t") if isinstance(record, dict) else None
            if kind == "hello" and self.layers is None and isinstance(record.get("layers"), dict):
                self.layers = record["layers"]
            elif kind == "ready" and self.ready_ns is None and type(record.get("cpu_ns")) is int:
                self.ready_ns = record["cpu_ns"]
                digest = record.get("digest_ns")
                self.digest_ns = digest if type(digest) is int and digest > 0 else 0
                return
            else:
                self.scanned = 1 << 16  # anything else: the first records are over
                return

    def _budget_ns(self) -> int:
        """The program's CPU budget, with the margin for the judge's work in the child."""
        encoding = int(len(self.got.results) * RESULT_BYTE_NS * self.speed)
        slack = min(int(self.limit_ns * BUDGET_SLACK), BUDGET_SLACK_NS)
        return self.limit_ns + slack + 2 * self.digest_ns + encoding

    def _over(self) -> tuple[str | None, float]:
        """A broken limit's status, else None; and how long it is safe to sleep."""
        now = time.monotonic()
        cpu = timing.process_cpu_ns(self.proc.pid)
        sleep = DRAIN_SLOW
        if cpu is not None:
            if self.ready_ns is None:
                left = BEFORE_READY_NS - (cpu - self.cpu_start)
            else:
                self.used_ns = max(cpu - self.ready_ns, 0)
                left = self._budget_ns() - self.used_ns
            if left <= 0:
                return "timeout", 0
            sleep = min(sleep, left / 2e9)  # two threads can burn CPU twice as fast
        sched = timing.schedstat(self.proc.pid) if self.sched_start else None
        if sched is not None and self.sched_start is not None:
            busy = (sched[0] - self.sched_start[0]) + (sched[1] - self.sched_start[1])
            idle = (now - self.start) * 1e9 - busy
            left_idle = self.limit_ns + IDLE_SLACK_NS - idle
            if left_idle <= 0 and not timing.runnable(self.proc.pid):
                return "idle", 0
            sleep = min(sleep, max(left_idle / 1e9, IDLE_RECHECK_S))
        if now >= self.hard_wall:
            return "starved", 0
        if not limits.AS_ENFORCED and limits.resident(self.proc.pid) > self.request.memory_mb * limits.MIB:
            return "memory", 0
        return None, max(sleep, 0.001)

    def _wait(self) -> str:
        """Sleep until the child finishes, ends or breaks a limit, reading pipes in batches.

        Waking the server for every record costs more than the check itself on small
        machines, so pipes are drained on a timer that speeds up while output is flowing.
        """
        proc = self.proc
        poller = select.poll()
        poller.register(proc.fin_r, select.POLLIN)
        interval = DRAIN_FIRST
        while True:
            broken, safe = self._over()
            if broken:
                return broken
            events = poller.poll(max(1, int(min(safe, interval) * 1000 + 0.999)))
            if events:
                return "finished" if _said_done(proc) else "exited"
            moved = self.got.drain()
            self._scan()
            if self.got.too_large:
                return "too_large"
            interval = DRAIN_FAST if moved > PIPE_SIZE // 4 else min(interval * 2, DRAIN_SLOW)


def _said_done(proc: Spare) -> bool:
    """The finish pipe woke us: a byte means done, end-of-file means the child died first."""
    try:
        return os.read(proc.fin_r, 1) != b""
    except OSError:
        return False


def _reply(out, header: dict, payload: bytes = b"") -> None:
    out.write(json.dumps(header, separators=(",", ":")).encode() + b"\n")
    out.write(payload)
    out.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.dont_write_bytecode = True
    config = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    paths = [p for p in sys.path if p]
    settings = zygote.Config(paths, list(config.get("hide", ())), frozenset(config.get("disable", ())),
                             list(config.get("expose", ())), list(config.get("packages", ())))
    link = zygote.start(settings)
    speed = float(config["speed"]) if config.get("speed") else timing.calibrate()
    layers = link.wait_ready(STARTUP_TIMEOUT)
    server = Server(link, speed)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _reply(stdout, {"ready": True, "pid": os.getpid(), "zygote": link.pid, "python": sys.version.split()[0],
                    "speed": speed, "layers": layers})
    while True:
        try:
            request = Request.read(stdin)
        except ValueError as e:
            _reply(stdout, {"status": "bad_request", "detail": str(e)[:200]})
            return
        if request is None:
            server.close()
            link.close()
            return
        try:
            header, payload = server.check(request)
        except (ValueError, KeyError, TypeError) as e:
            header, payload = {"status": "bad_request", "detail": str(e)[:200]}, b""
        except OSError as e:
            if link.dead:
                raise
            header, payload = {"status": "busy", "detail": e.strerror}, b""
        _reply(stdout, header, payload)
        server.after_reply()
