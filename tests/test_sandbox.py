"""Hostile answers against the sandbox: none may pass, escape, hang, or break the next check.

Each attack is judged through the real python judge. After every one we check that the
verdict is not correct, that it came back within its time limit plus a second, that nothing
changed outside the sandbox, and that an honest answer is still judged correct afterwards.
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import sys
import textwrap
import time
from pathlib import Path

import pytest

from drills import sandbox
from drills.judge import judge
from drills.model import Question
from drills.sandbox import client, hidden, report

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox tests target Linux")

GOOD = "def solve(n):\n    return n * 2\n"


def drill(time_limit: float = 1.0, **extra) -> Question:
    return Question(
        id="sandbox/double",
        kind="python",
        title="Double it",
        topic="sandbox",
        prompt="Return twice n.",
        solution=GOOD,
        function="solve",
        tests=({"args": [1], "expected": 2}, {"args": [5], "expected": 10}),
        time_limit=time_limit,
        **extra,
    )


def _processes() -> dict[int, tuple[int, bytes]]:
    """pid -> (parent pid, command line) of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{entry}/stat", "rb") as f:
                parent = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        found[int(entry)] = (parent, cmdline)
    return found


def sandbox_tree() -> tuple[int, int, list[int]]:
    """(server, zygote, the zygote's children) of this test process's sandbox."""
    server = sandbox.server_pid()
    assert server is not None
    procs = _processes()
    zygotes = [pid for pid, (parent, _) in procs.items() if parent == server]
    assert len(zygotes) == 1, f"the server should have exactly one child, the zygote: {zygotes}"
    return server, zygotes[0], [pid for pid, (parent, _) in procs.items() if parent == zygotes[0]]


def assert_no_stray_processes() -> int:
    """Every process with the server's command line is the server, its zygote or one spare.

    Anything else (a grandchild, an orphan adopted by init, a second child still alive after
    its check) escaped. Servers of other test sessions have other command lines.
    """
    deadline = time.monotonic() + 5
    while True:
        server, zygote, children = sandbox_tree()
        procs = _processes()
        cmdline = procs[server][1]
        strays = [
            pid
            for pid, (parent, line) in procs.items()
            if line == cmdline and pid not in (server, zygote) and parent != zygote
        ]
        assert not strays, f"processes escaped the sandbox: {strays}"
        if len(children) <= 1:
            return server
        assert time.monotonic() < deadline, f"children still alive after the check: {children}"
        time.sleep(0.01)


def attack(answer: str, time_limit: float = 1.0, **extra):
    """Judge a hostile answer and check everything that must hold after any attack."""
    q = drill(time_limit, **extra)
    judge(q, GOOD)  # the server is up, so its pid is known before the attack
    server_before = sandbox.server_pid()
    verdict = judge(q, textwrap.dedent(answer))
    assert verdict.outcome != "correct", verdict
    assert judge(q, GOOD).outcome == "correct"
    assert assert_no_stray_processes() == server_before, "the attack killed the server"
    return verdict


LAYERS = {"rlimits", "session", "namespaces", "filesystem", "identity", "capabilities", "landlock", "seccomp"}


@functools.cache
def active_layers() -> frozenset[str]:
    return frozenset(name for name, layer in sandbox.doctor().items() if layer["active"])


def require(*layers: str) -> None:
    """Skip an attack whose containment rests on a layer this kernel does not offer."""
    missing = set(layers) - active_layers()
    if missing:
        pytest.skip(f"isolation reduced here: no {', '.join(sorted(missing))}")


def test_doctor_reports_every_layer():
    layers = sandbox.doctor()
    assert set(layers) == LAYERS
    assert all(layer["detail"] for layer in layers.values())
    require(*LAYERS)  # on a full Linux machine every layer must actually be on


def test_infinite_loop_times_out():
    verdict = attack("def solve(n):\n    while True:\n        pass\n")
    assert verdict.outcome == "timeout"
    assert verdict.details["test"] == 1


def test_sleep_sixty_seconds_times_out():
    verdict = attack("import time\ndef solve(n):\n    time.sleep(60)\n")
    assert verdict.outcome == "timeout"


@pytest.mark.parametrize(
    "body",
    [
        "return len(bytearray(10**10))",
        "hog = []\n    while True:\n        hog.append(bytearray(10**7))",
    ],
    ids=["one-huge", "growing"],
)
def test_memory_bomb_is_stopped(body):
    verdict = attack(f"def solve(n):\n    {body}\n", time_limit=3.0)
    assert verdict.outcome in ("error", "timeout")
    if verdict.outcome == "error":
        assert "MemoryError" in verdict.message or "memory" in verdict.message


def test_bounded_fork_loop_creates_nothing(tmp_path):
    require("seccomp")
    marker = tmp_path / "forked"
    verdict = attack(f"""
        import os, time
        def solve(n):
            made = 0
            for _ in range(20):
                try:
                    pid = os.fork()
                except OSError:
                    continue
                if pid == 0:
                    open({str(marker)!r}, "w").close()
                    time.sleep(30)
                    os._exit(0)
                made += 1
            return made
        """)
    assert verdict.details.get("actual") == "0" or verdict.outcome == "error"
    assert not marker.exists()


def test_subprocess_run_is_blocked(tmp_path):
    require("seccomp")
    marker = tmp_path / "touched"
    verdict = attack(f"""
        import subprocess
        def solve(n):
            subprocess.run(["touch", {str(marker)!r}])
            return n * 2
        """)
    assert verdict.outcome == "error"
    assert "PermissionError" in verdict.message or "not permitted" in verdict.message
    assert not marker.exists()


@pytest.mark.parametrize("path", ["/etc/passwd", "SECRET", "HOME"])
def test_reading_files_outside_the_sandbox_fails(tmp_path, path):
    require("landlock")
    secret = tmp_path / "secret.txt"
    secret.write_text("the-secret-token")
    target = {"SECRET": str(secret), "HOME": str(Path.home())}.get(path, path)
    verdict = attack(f"""
        import os
        def solve(n):
            if os.path.isdir({target!r}):
                return os.listdir({target!r})
            with open({target!r}) as f:
                return f.read()
        """)
    assert verdict.outcome == "error"
    shown = str(verdict.details) + verdict.output + verdict.message
    assert "root:" not in shown and "the-secret-token" not in shown


def test_writing_and_deleting_files_fails(tmp_path):
    require("landlock")
    canary = tmp_path / "canary"
    canary.write_text("alive")
    before = sorted(os.listdir(tmp_path))
    verdict = attack(f"""
        import os
        def solve(n):
            for action in (
                lambda: open({str(tmp_path / "pwned")!r}, "w").write("x"),
                lambda: os.remove({str(canary)!r}),
                lambda: os.rename({str(canary)!r}, {str(tmp_path / "moved")!r}),
                lambda: os.mkdir({str(tmp_path / "dir")!r}),
                lambda: open("/tmp/drill-sandbox-escape", "w").write("x"),
            ):
                try:
                    action()
                except OSError:
                    pass
            return n * 3
        """)
    assert verdict.outcome == "wrong"
    assert canary.read_text() == "alive"
    assert sorted(os.listdir(tmp_path)) == before
    assert not os.path.exists("/tmp/drill-sandbox-escape")


def test_network_to_localhost_fails():
    require("namespaces", "seccomp")
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with tcp, udp:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        udp.bind(("127.0.0.1", 0))
        tcp.setblocking(False)
        udp.setblocking(False)
        verdict = attack(f"""
            import socket
            def solve(n):
                reached = []
                try:
                    c = socket.create_connection(("127.0.0.1", {tcp.getsockname()[1]}), timeout=0.5)
                    c.sendall(b"hello")
                    reached.append("tcp")
                except OSError as e:
                    pass
                try:
                    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    u.sendto(b"hello", ("127.0.0.1", {udp.getsockname()[1]}))
                    reached.append("udp")
                except OSError:
                    pass
                return reached
            """)
        assert verdict.outcome == "wrong"
        assert verdict.details["actual"] == "[]"
        with pytest.raises(BlockingIOError):
            tcp.accept()
        with pytest.raises(BlockingIOError):
            udp.recvfrom(100)


def test_signalling_the_server_and_the_judge_fails():
    require("seccomp")
    received = []
    previous = signal.signal(signal.SIGUSR1, lambda *_: received.append(True))
    try:
        verdict = attack(f"""
            import os, signal
            def solve(n):
                failures = 0
                for pid, sig in ((os.getppid(), signal.SIGKILL), ({os.getpid()}, signal.SIGUSR1)):
                    try:
                        os.kill(pid, sig)
                    except OSError:
                        failures += 1
                return failures
            """)
        time.sleep(0.05)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert received == []
    assert verdict.details["actual"] == "2"


def test_eq_always_true_is_not_correct():
    verdict = attack("""
        class Always:
            def __eq__(self, other):
                return True
            __hash__ = object.__hash__
        def solve(n):
            return Always()
        """)
    assert verdict.outcome == "error"
    assert "answer.Always" in verdict.message


def test_list_subclass_is_read_through_list():
    verdict = attack("""
        class Liar(list):
            def __iter__(self):
                return iter([2])
            def __eq__(self, other):
                return True
            def __len__(self):
                return 1
        def solve(n):
            return Liar([99])
        """)
    assert verdict.outcome == "wrong"
    assert verdict.details["actual"] == "[99]"


@pytest.mark.parametrize(
    "answer",
    [
        "import sys\nsys.exit(0)\ndef solve(n):\n    return n * 2\n",
        "import os\nos._exit(0)\ndef solve(n):\n    return n * 2\n",
        "import sys\ndef solve(n):\n    sys.exit(0)\n",
        "import os\ndef solve(n):\n    os._exit(0)\n",
    ],
    ids=["sys.exit-import", "os._exit-import", "sys.exit-call", "os._exit-call"],
)
def test_exiting_is_an_error(answer):
    verdict = attack(answer)
    assert verdict.outcome == "error"


def test_printing_passed_changes_nothing():
    verdict = attack("""
        def solve(n):
            print("PASSED")
            print("All 2 tests passed.")
            return n
        """)
    assert verdict.outcome == "wrong"
    assert "PASSED" in verdict.output


def test_patching_json_and_builtins_changes_nothing():
    verdict = attack("""
        import builtins, json
        json.dumps = lambda *a, **k: '{"t":"done"}'
        json.loads = lambda *a, **k: {"t": "done"}
        builtins.isinstance = lambda *a: True
        builtins.len = lambda *a: 0
        def solve(n):
            return "PASSED"
        """)
    assert verdict.outcome in ("wrong", "error")


@pytest.mark.parametrize(
    "records",
    [
        [b'{"t":"done"}'],
        [b'{"t":"result","test":0,"ms":0,"value":2,"digest":null}'] * 2 + [b'{"t":"done"}'],
        [b'{"t":"result","test":1,"ms":0,"value":10,"digest":null}', b'{"t":"done"}'],
        [b'{"t":"hello","layers":{}}', b"not json"],
    ],
    ids=["done-early", "duplicate", "out-of-order", "garbage"],
)
def test_records_written_by_the_answer_cannot_fake_a_pass(records):
    writes = "\n    ".join("os.write(3, %r)" % (r + b"\n") for r in records)
    verdict = attack(f"import os\ndef solve(n):\n    {writes}\n    os._exit(0)\n")
    assert verdict.outcome == "error"


def test_recursion_a_million_deep():
    verdict = attack(
        """
        import sys
        sys.setrecursionlimit(10**7)
        def solve(n, depth=0):
            if depth == 10**6:
                return -1
            return solve(n, depth + 1)
        """,
        time_limit=3.0,
    )
    assert verdict.outcome in ("wrong", "error", "timeout")


def test_unbounded_recursion_is_an_error():
    verdict = attack("def solve(n):\n    return solve(n + 1)\n")
    assert verdict.outcome == "error"
    assert "RecursionError" in verdict.message


def test_hundred_megabytes_of_output_is_capped():
    verdict = attack(
        """
        import sys
        def solve(n):
            chunk = "x" * (1 << 20)
            for _ in range(100):
                sys.stdout.write(chunk)
            return n
        """,
        time_limit=3.0,
    )
    assert verdict.outcome == "wrong"
    assert len(verdict.output) < 100_000
    assert "output cut" in verdict.output


@pytest.mark.parametrize("exc", ["KeyboardInterrupt", "SystemExit"])
def test_raising_base_exceptions_is_an_error(exc):
    verdict = attack(f"def solve(n):\n    raise {exc}\n")
    assert verdict.outcome == "error"
    assert exc in verdict.message


def test_thread_left_running_does_not_hold_the_check():
    verdict = attack(
        """
        import threading
        def spin():
            while True:
                print("still here")
        def solve(n):
            threading.Thread(target=spin).start()
            return n * 3
        """,
        time_limit=2.0,
    )
    assert verdict.outcome in ("wrong", "error")


def test_thread_left_running_after_a_right_answer_is_still_judged_promptly():
    require("seccomp")  # without it RLIMIT_NPROC forbids threads altogether
    q = drill(2.0)
    start = time.monotonic()
    verdict = judge(
        q,
        textwrap.dedent("""
        import threading, time
        def solve(n):
            threading.Thread(target=time.sleep, args=(60,)).start()
            return n * 2
        """),
    )
    assert time.monotonic() - start < 1.0
    assert verdict.outcome == "correct"


def test_server_restarts_after_it_dies():
    q = drill()
    assert judge(q, GOOD).outcome == "correct"
    server, zygote, children = sandbox_tree()
    os.kill(server, signal.SIGKILL)
    assert judge(q, GOOD).outcome == "correct"
    deadline = time.monotonic() + 5
    while any(os.path.exists(f"/proc/{pid}") and _state(pid) != "Z" for pid in (zygote, *children)):
        assert time.monotonic() < deadline, "the zygote or a child outlived its server"
        time.sleep(0.02)


def test_a_new_server_starts_when_the_zygote_dies():
    q = drill()
    assert judge(q, GOOD).outcome == "correct"
    _, zygote, _ = sandbox_tree()
    os.kill(zygote, signal.SIGKILL)
    for _ in range(3):  # the spare forked before may still finish one check; then a new zygote
        assert judge(q, GOOD).outcome == "correct"
    assert sandbox_tree()[1] != zygote


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0].decode()
    except OSError:
        return "gone"


def test_forked_process_gets_its_own_server():
    q = drill()
    assert judge(q, GOOD).outcome == "correct"
    parent_server = sandbox.server_pid()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            ok = judge(q, GOOD).outcome == "correct" and sandbox.server_pid() != parent_server
            os.write(write, b"1" if ok else b"0")
            sandbox.shutdown()
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        answer = f.read()
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert sandbox.server_pid() == parent_server
    assert judge(q, GOOD).outcome == "correct"


def test_isolation_notice_is_silent_when_every_layer_is_on():
    require(*LAYERS)
    assert sandbox.isolation_notice() is None


def reduced_server(*off: str, **config) -> client._Server:
    """A server of its own with some layers switched off, as on a machine without them."""
    return client._Server(config={"disable": list(off), **config})


def check(server: client._Server, source: str, args: list, time_limit: float = 1.0) -> report.Run:
    message = {"op": "run", "source": textwrap.dedent(source), "function": "solve",
               "tests": [{"args": [a]} for a in args], "time_limit": time_limit * server.speed,
               "memory_mb": 512, "pure": False}
    return report.parse(*server.request(message, 30), len(args))


def stdlib_reachable_by_others() -> bool:
    import sysconfig

    from drills.sandbox import view

    return view.reachable_by_others(sysconfig.get_paths()["stdlib"])


def test_missing_layers_still_judge_with_limits_and_say_so(monkeypatch):
    server = reduced_server("landlock", "seccomp", "namespaces", "filesystem")
    try:
        run = check(server, GOOD, [1, 5])
        assert [r.value for r in run.results] == [2, 10]
        missing = {name for name, layer in run.layers.items() if not layer["active"]}
        expected = {"landlock", "seccomp", "namespaces", "filesystem"}
        if os.geteuid() == 0 and not stdlib_reachable_by_others():
            # without a mount namespace the standard library under /root stays root's only:
            # the child keeps uid 0, and doctor says processes are not limited
            expected |= {"identity", "rlimits"}
            assert "processes not limited (root)" in run.layers["rlimits"]["detail"]
        else:
            assert "threads" in run.layers["rlimits"]["detail"]  # RLIMIT_NPROC stands in for seccomp
        assert missing == expected
        looping = check(server, "def solve(n):\n    while True:\n        pass\n", [1, 5])
        assert looping.status == "timeout"
    finally:
        server.close()

    monkeypatch.setattr(client, "_layers", run.layers)
    monkeypatch.setattr(client, "_notice_shown", False)
    notice = sandbox.isolation_notice()
    assert notice is not None and "landlock" in notice and "seccomp" in notice and "drill doctor" in notice
    assert sandbox.isolation_notice() is None


def test_warm_starts_the_server_in_the_background_and_a_check_uses_it():
    sandbox.shutdown()
    sandbox.warm()
    deadline = time.monotonic() + 30
    while sandbox.server_pid() is None:
        assert time.monotonic() < deadline, "warm() never started the server"
        time.sleep(0.01)
    pid = sandbox.server_pid()
    run = sandbox.run("def f(x):\n    return x + 1\n", "f", [{"args": [1]}], time_limit=1.0)
    assert run.results[0].value == 2 and sandbox.server_pid() == pid


def test_the_banks_in_use_are_hidden_from_answers(tmp_path):
    from click.testing import CliRunner

    from drills.cli import cli

    bank = tmp_path / "bank"
    (bank / "probability").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "home"), "--no-builtin", "--bank", str(bank), "list"])
    assert result.exit_code == 0, result.output
    try:
        assert str(bank.resolve()) in hidden.hidden_paths()
    finally:
        hidden._protected.remove(str(bank.resolve()))


def test_only_a_pandas_check_starts_a_server_that_preloads_pandas():
    sandbox.shutdown()
    sandbox.run("def f():\n    return 1\n", "f", [{"args": []}], time_limit=1.0)
    plain_server = client._server
    assert plain_server is not None and not plain_server.with_packages  # a Python session pays no pandas import
    with client._lock:
        server = client._started(with_packages=True)
    assert server.with_packages and server is not plain_server
    with pytest.raises(ProcessLookupError):  # the one without pandas is stopped
        os.kill(plain_server.pid, 0)
    with client._lock:
        assert client._started() is server  # and then serves Python drills too


def test_a_busy_process_is_runnable_and_a_sleeping_one_is_not():
    """The idle limit (an answer that sleeps or blocks) asks the process's state before it
    fires: on a crowded virtual machine a busy answer's lost time is neither running nor
    waiting in its schedstat, and it must not be judged idle."""
    import subprocess

    from drills.sandbox import timing

    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    asleep = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.5)
        assert timing.runnable(busy.pid)
        assert not timing.runnable(asleep.pid)
    finally:
        for p in (busy, asleep):
            p.kill()
            p.wait()
    assert not timing.runnable(busy.pid)  # gone


def test_times_are_reported_on_the_scale_the_budget_used(monkeypatch):
    """The budget is scaled by the fastest speed this machine has shown; the CPU seconds a
    verdict reports must be divided by the same factor, not by the server's own (possibly
    busier) reading at start-up, or a timeout reads as using less than its limit."""
    sandbox.shutdown()
    monkeypatch.setattr(client, "machine_speed", lambda measured, executable: measured / 3)
    try:
        run = sandbox.run("def f():\n    return 1\n", "f", [{"args": []}], time_limit=1.0)
        assert run.speed == client._server.speed
    finally:
        sandbox.shutdown()
