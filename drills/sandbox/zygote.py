"""The zygote: the one process that forks sandboxed children, and never sees a request.

The server forks it at start-up, before reading anything, so a child's memory holds the
zygote's (modules, the Landlock ruleset, the seccomp program) and its own request, never an
earlier request's source, inputs or results: a reference solution and an answer never share
an ancestor that saw either. The zygote isolates itself once (namespaces, the filesystem
view, an unprivileged uid), forks a child for each spawn message with the pipes that came
with it, and reports every exit. As a subreaper it also collects whatever a child left behind.

Messages on a datagram socket pair: spawn (memory limit + four pipe ends) -> spawned (pid);
exited (pid, wait status) whenever a child ends; layers (JSON) once, when ready.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import signal
import socket
import struct
import sys

from . import child, frames, landlock, libc, limits, namespaces, packages, seccomp, view

SPAWN = struct.Struct("<cI")  # b"S", memory MB
SPAWNED = struct.Struct("<ci")  # b"P", pid
EXITED = struct.Struct("<cii")  # b"X", pid, wait status
READY = b"L"
PREIMPORT = (
    "abc array base64 bisect calendar cmath collections collections.abc contextlib copy dataclasses "
    "datetime decimal enum fractions functools graphlib hashlib heapq itertools json math numbers "
    "operator queue random re reprlib secrets statistics string struct textwrap threading time "
    "traceback linecache types typing unicodedata weakref zlib"
).split()


class Config:
    """What the server tells the zygote at fork time (never anything from a request).

    `paths` are the standard library's; `hide` must never be readable. `disable` and
    `expose` (extra read-only paths) exist for the sandbox's own tests.
    """

    def __init__(self, paths: list[str], hide: list[str], disable: frozenset[str] = frozenset(),
                 expose: list[str] | None = None, packages: list[list[str]] | None = None) -> None:
        self.paths, self.hide, self.disable, self.expose = paths, hide, disable, expose or []
        self.packages = packages or []  # [top-level name, location]: pandas and what it needs


def start(config: Config) -> Link:
    """Fork the zygote (called by the server before it reads any request)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    server = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            main(config, theirs, server)
        finally:
            os._exit(70)
    theirs.close()
    return Link(pid, ours)


class Link:
    """The server's side of the socket: spawn children, learn their exits."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid, self.sock = pid, sock
        self.exits: dict[int, int] = {}
        self.layers: dict | None = None
        self.dead = False

    def fileno(self) -> int:
        return self.sock.fileno()

    def alive(self) -> bool:
        """Whether the zygote still runs (the server is its parent, so it can tell for sure)."""
        if not self.dead:
            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid = self.pid
            self.dead = pid == self.pid
        return not self.dead

    def _receive(self, timeout: float | None) -> bytes | None:
        """Read one message (None on timeout); exits and layers are filed as they come."""
        if timeout is not None and not select.select([self.sock], [], [], timeout)[0]:
            return None
        try:
            data = self.sock.recv(1 << 20)
        except OSError:
            data = b""
        if not data:
            self.dead = True
            raise OSError(32, "the sandbox zygote is gone")
        if data[:1] == b"X":
            _, pid, status = EXITED.unpack(data)
            self.exits[pid] = status
            if len(self.exits) > 4096:
                self.exits.pop(next(iter(self.exits)))
        elif data[:1] == READY:
            self.layers = json.loads(data[1:])
        return data

    def poll(self) -> None:
        """File every message already waiting."""
        while select.select([self.sock], [], [], 0)[0]:
            self._receive(None)

    def wait_ready(self, timeout: float) -> dict:
        while self.layers is None:
            if self._receive(timeout) is None:
                raise OSError(110, "the sandbox zygote did not get ready")
        return self.layers

    def spawn(self, memory_mb: int, fds: list[int]) -> int:
        """Ask for a child holding `fds` (its request, output, records and finish pipes)."""
        socket.send_fds(self.sock, [SPAWN.pack(b"S", memory_mb)], fds)
        while True:
            data = self._receive(10.0)
            if data is None:
                raise OSError(110, "the sandbox zygote did not answer")
            if data[:1] == b"P":
                pid = SPAWNED.unpack(data)[1]
                if pid < 0:
                    raise OSError(-pid, "fork failed in the sandbox zygote")
                return pid

    def exit_status(self, pid: int, timeout: float) -> int | None:
        """The wait status of child `pid`, waiting up to `timeout` for the zygote to report it."""
        while pid not in self.exits:
            if self._receive(timeout) is None:
                return None
        return self.exits.pop(pid)

    def forget(self, pid: int) -> None:
        self.exits.pop(pid, None)

    def close(self) -> None:
        self.sock.close()
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def isolate(config: Config, env: child.Environment) -> None:
    """Enter namespaces, build the filesystem view, drop root: once, for every child."""
    layers = env.base_layers
    if not env.on_linux:
        for name in ("namespaces", "filesystem", "identity"):
            layers[name] = {"active": False, "detail": "Linux only"}
        return
    root = os.geteuid() == 0
    roots, hidden = view.plan(config.paths + config.expose, config.hide, [p for _, p in config.packages])
    flags, detail = (0, "switched off") if "namespaces" in config.disable else namespaces.enter_private(root)
    layers["namespaces"] = {"active": bool(flags), "detail": detail}
    built = False
    if flags & namespaces.CLONE_NEWNS and "filesystem" not in config.disable:
        try:
            view.build(roots, hidden)
            built = True
            shown = "only the standard library, read-only"
            if hidden:
                shown += f" ({', '.join(sorted({os.path.basename(h) for h in hidden}))} hidden)"
            layers["filesystem"] = {"active": True, "detail": f"private mount namespace: {shown}"}
        except OSError as e:
            layers["filesystem"] = {"active": False, "detail": f"no private file view ({e.strerror or e})"}
    else:
        why = "switched off" if "filesystem" in config.disable else "no mount namespace here"
        layers["filesystem"] = {"active": False, "detail": f"{why}; Landlock alone limits reads"}
    if not root:
        layers["identity"] = {"active": True, "detail": f"your own uid {os.getuid()}, never root"}
    elif "identity" in config.disable:
        layers["identity"] = {"active": False, "detail": "runs as root (switched off)"}
    elif built or all(view.reachable_by_others(r) for r in roots):
        try:
            uid = namespaces.become_unprivileged()
            layers["identity"] = {
                "active": True,
                "detail": f"uid {uid}, not root: owns no file, RLIMIT_NPROC applies",
            }
        except OSError as e:
            layers["identity"] = {"active": False, "detail": f"runs as root: cannot change uid ({e.strerror})"}
    else:
        layers["identity"] = {
            "active": False,
            "detail": "runs as root: the standard library is not readable by other users here "
            "and no mount namespace can expose it",
        }
    env.uid = os.getuid()
    readable = view.readable(roots, hidden)
    if "landlock" not in config.disable:
        try:
            fd, env.landlock_abi = landlock.build_ruleset(readable)
            env.ruleset_fd = _high(fd)
        except OSError:
            env.ruleset_fd, env.landlock_abi = -1, 0
    if "seccomp" in config.disable:
        env.seccomp_detail = "switched off"
    else:
        ok, env.seccomp_detail = seccomp.supported()
        if ok:
            env.seccomp = seccomp.assemble()


def _high(fd: int) -> int:
    """Move a long-lived fd out of the range children renumber (0-5)."""
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


def main(config: Config, sock: socket.socket, server: int) -> None:
    """The zygote's life: isolate, then fork on demand until the server goes away."""
    # Standard input for every child: a pipe nobody writes to, so reading it gives end of
    # file, and no file of the machine (such as /dev/null) is within a child's reach.
    empty, writer = os.pipe()
    os.close(writer)
    empty = _high(empty)
    os.dup2(empty, 0)  # the server's stdin holds requests: never read, never inherited
    os.dup2(empty, 1)
    for name in PREIMPORT:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    packages.preload(config.packages)
    if config.packages:
        try:
            frames.exercise()
        except Exception:  # noqa: BLE001 - only a head start: a check then pays the first use itself
            pass
    env = child.Environment()
    env.empty_input = empty
    isolate(config, env)
    if env.on_linux:
        libc.prctl(libc.PR_SET_PDEATHSIG, signal.SIGKILL)  # after the uid change, which clears it
        libc.prctl(libc.PR_SET_CHILD_SUBREAPER, 1)
        if os.getppid() != server:
            os._exit(0)
    env.zygote_pid = os.getpid()
    env.memory_base = limits.address_space()
    wake_r, wake_w = os.pipe()
    for fd in (wake_r, wake_w):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    gc.collect()
    gc.freeze()
    sock.send(READY + json.dumps(env.base_layers).encode())
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    poller.register(wake_r, select.POLLIN)
    while True:
        for fd, _ in poller.poll():
            if fd == wake_r:
                try:
                    os.read(wake_r, 4096)
                except BlockingIOError:
                    pass
                _reap(sock)
                continue
            try:
                data, fds, _, _ = socket.recv_fds(sock, 64, 4)
            except OSError:
                data, fds = b"", []
            if not data:
                os._exit(0)
            if len(data) != SPAWN.size or len(fds) != 4:
                for fd in fds:
                    os.close(fd)
                continue
            _, memory_mb = SPAWN.unpack(data)
            pid = _fork(env, memory_mb, fds, (sock.fileno(), wake_r, wake_w))
            sock.send(SPAWNED.pack(b"P", pid))
            _reap(sock)


def _fork(env: child.Environment, memory_mb: int, fds: list[int], own: tuple[int, ...]) -> int:
    try:
        pid = os.fork()
    except OSError as e:
        pid = -(e.errno or 1)
    if pid == 0:
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in own:
                os.close(fd)
            child.serve(env, memory_mb, tuple(fds))  # type: ignore[arg-type]
        finally:
            os._exit(70)
    for fd in fds:
        os.close(fd)
    return pid


def _reap(sock: socket.socket) -> None:
    """Collect every ended child (and orphan), telling the server how each ended."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        try:
            sock.send(EXITED.pack(b"X", pid, status))
        except OSError:
            os._exit(0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("the zygote is started by the sandbox server")
