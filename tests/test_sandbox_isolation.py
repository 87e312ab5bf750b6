"""The red team's findings, one hostile test per class, each asserting the side effect did not happen.

1. The reference leaking into an answer (stack frames, heap, buffered input of earlier requests).
2. File metadata changed from the sandbox (chmod, chown, utime, xattrs), also with seccomp off.
3. The bank, site-packages or drill's home readable, in any interpreter layout.
4. Caches that execute code, ignore --home, or trust files another user wrote.
5. Reduced isolation as root: no process started by a check outlives it.

Run as root they also run the metadata attack as an unprivileged user where the machine allows.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import textwrap
import time
from pathlib import Path

import pytest

from drills import cache, sandbox
from drills.bank import bundled_bank
from drills.judge import judge
from drills.judge import python as pyjudge
from drills.model import Question
from drills.sandbox import client, hidden, report, server, view

from .test_sandbox import GOOD, assert_no_stray_processes, check, drill, reduced_server

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox tests target Linux")

ROOT = os.geteuid() == 0


@pytest.fixture(autouse=True)
def _fresh_judge(monkeypatch):
    monkeypatch.setattr(pyjudge, "_memory_cache", {})
    monkeypatch.setattr(pyjudge, "_inputs_cache", {})


# --- 1. nothing of an earlier request in an answer's process ------------------------------

SECRET = "s3cr3t-ref-91f4e2"
REFERENCE = f"""\
def solve(n):
    # {SECRET}
    return n * 7919 + 104729
"""

# Looks for the secret everywhere a forked child could find it: stack frames and their locals,
# every object the garbage collector knows, the memory pages around them and the whole malloc
# heap (read through write(2), which fails with EFAULT instead of crashing on unmapped pages),
# and standard input. Whatever it finds is printed and used.
STEALER = r'''
import ctypes, gc, os, sys

HALVES = MARK_HALVES  # the secret never exists whole in this answer's memory, unless found
PAGE = 4096

def _has_mark(data):
    first, second = HALVES
    start = data.find(first)
    while start >= 0:
        if data[start + len(first):start + len(first) + len(second)] == second:
            return True
        start = data.find(first, start + 1)
    return False

def _readable(addr, size, pipe):
    r, w = pipe
    try:
        n = os.write(w, (ctypes.c_char * size).from_address(addr))
    except OSError:
        return b""
    return os.read(r, n)

def _scan():
    hits = []
    frame = sys._getframe()
    while frame is not None:
        for value in list(frame.f_locals.values()):
            if isinstance(value, (bytes, bytearray)) and _has_mark(value):
                hits.append("frame")
        frame = frame.f_back
    pages = set()
    for obj in gc.get_objects():
        base = id(obj) & ~(PAGE - 1)
        for delta in range(-16, 17):
            pages.add(base + delta * PAGE)
    libc = ctypes.CDLL(None)
    libc.sbrk.restype = ctypes.c_void_p
    top = libc.sbrk(0) or 0
    for i in range(1, 1 << 16):
        pages.add(top - i * PAGE)
    pipe = os.pipe()
    os.set_blocking(pipe[0], False)
    for page in sorted(pages):
        if page <= 0:
            continue
        data = _readable(page, PAGE, pipe)
        if _has_mark(data):
            hits.append(hex(page))
            if len(hits) > 3:
                break
    try:
        if _has_mark(os.read(0, 1 << 20)):
            hits.append("stdin")
    except OSError:
        pass
    return hits

def solve(n):
    hits = _scan()
    if hits:
        print("FOUND", hits)
        return n * 7919 + 104729
    return None
'''


def stealer() -> str:
    secret = SECRET.encode()
    return STEALER.replace("MARK_HALVES", repr((secret[:8], secret[8:])))


def leak_drill() -> Question:
    return Question(
        id="sandbox/leak",
        kind="python",
        title="Leak",
        topic="sandbox",
        prompt="p",
        solution=REFERENCE,
        function="solve",
        tests=({"args_code": "[5]"}, {"args_code": "[11]"}),
        time_limit=5.0,
        content_hash="leak-" + str(time.monotonic_ns()),
    )


def test_the_stealer_finds_a_secret_that_is_in_its_own_memory():
    """Control: the scanner works, so finding nothing below means there is nothing to find."""
    q = leak_drill()
    answer = stealer() + "\nKEEP = (HALVES[0] + HALVES[1]) * 3\n"
    verdict = judge(q, answer)
    assert verdict.outcome == "correct"
    assert "FOUND" in verdict.output


def test_the_reference_run_just_before_leaves_nothing_for_the_answer():
    q = leak_drill()  # no cached expected values: the reference runs right before the answer
    answer = stealer()
    verdict = judge(q, answer)
    assert verdict.outcome == "wrong"
    assert "FOUND" not in verdict.output and SECRET not in json.dumps(verdict.to_dict())
    again = judge(q, answer)  # and with the reference's values cached, a second request later
    assert again.outcome == "wrong" and "FOUND" not in again.output


def test_an_answer_that_defines_the_function_as_the_last_request_fails():
    """The published attack: take whatever function the previous request's source defined."""
    q = leak_drill()
    answer = textwrap.dedent("""
        import gc, json, sys
        def solve(n):
            for obj in gc.get_objects():
                for value in (getattr(obj, "body", None), obj if isinstance(obj, (bytes, bytearray)) else None):
                    if isinstance(value, (bytes, bytearray)) and b'"source"' in value:
                        try:
                            request = json.loads(value)
                        except ValueError:
                            continue
                        if "solve" in request.get("source", "") and "gc.get_objects" not in request["source"]:
                            space = {}
                            exec(request["source"], space)
                            return space["solve"](n)
            frame = sys._getframe()
            while frame:
                for value in frame.f_locals.values():
                    body = getattr(value, "body", None)
                    if isinstance(body, (bytes, bytearray)) and b"7919" in body:
                        space = {}
                        exec(json.loads(body)["source"], space)
                        return space["solve"](n)
                frame = frame.f_back
            return None
        """)
    assert judge(q, answer).outcome == "wrong"


# --- 2. file metadata ------------------------------------------------------------------------

METADATA_ATTACK = """
import os
def solve(n):
    target = TARGET
    done = []
    attempts = {
        "chmod": lambda: os.chmod(target, 0o777),
        "chown": lambda: os.chown(target, 0, 0),
        "utime": lambda: os.utime(target, (1, 1)),
        "setxattr": lambda: os.setxattr(target, b"user.drill", b"pwned"),
        "removexattr": lambda: os.removexattr(target, b"user.keep"),
    }
    for name, attempt in attempts.items():
        try:
            attempt()
            done.append(name)
        except OSError:
            pass
    print("changed:", done)
    # stdin is an anonymous pipe of the sandbox's own, never a file of the machine such as
    # /dev/null: changing its mode changes nothing outside (the test checks /dev/null)
    for attempt in (lambda: os.chmod(0, 0o600), lambda: os.utime(0, (1, 1))):
        try:
            attempt()
        except OSError:
            pass
    return n * 2 + len(done)
"""


def _fingerprint(path: Path, ctime: bool = True) -> tuple:
    """Mode, owner, times and xattrs. `ctime=False` for a shared file (the standard library)
    that another test run may hard-link meanwhile, which moves only its ctime."""
    st = os.stat(path)
    try:
        attrs = {name: os.getxattr(path, name) for name in os.listxattr(path)}
    except OSError:
        attrs = {}
    return st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns, st.st_atime_ns, st.st_ctime_ns if ctime else 0, attrs


@pytest.fixture
def canary(tmp_path):
    folder = tmp_path / "exposed"
    folder.mkdir()
    folder.chmod(0o755)
    file = folder / "canary.txt"
    file.write_text("alive")
    file.chmod(0o644)
    try:
        os.setxattr(file, "user.keep", b"1")
    except OSError:
        pass
    return file


@pytest.mark.parametrize(
    "off",
    [(), ("seccomp",), ("seccomp", "landlock")],
    ids=["every-layer", "no-seccomp", "no-seccomp-no-landlock"],
)
def test_metadata_cannot_change_outside_the_sandbox(canary, off):
    """The canary is visible to the child (exposed read-only); /dev/null is its stdin."""
    devnull = _fingerprint(Path(os.devnull))
    before = _fingerprint(canary)
    server_ = reduced_server(*off, expose=[str(canary.parent)])
    try:
        run = check(server_, METADATA_ATTACK.replace("TARGET", repr(str(canary))), [1], time_limit=2.0)
    finally:
        server_.close()
    assert run.results and run.results[0].value == 2, run.output
    assert "changed: []" in run.output
    assert _fingerprint(canary) == before
    assert _fingerprint(Path(os.devnull)) == devnull


def test_metadata_of_a_file_the_user_owns_is_safe_even_as_root_without_seccomp(canary):
    """As root without seccomp, the unprivileged uid and the read-only view still hold."""
    if not ROOT:
        pytest.skip("a root-only layer")
    server_ = reduced_server("seccomp", expose=[str(canary.parent)])
    try:
        run = check(server_, GOOD, [1])
        assert run.layers["identity"]["active"], run.layers["identity"]
        assert "not root" in run.layers["identity"]["detail"]
    finally:
        server_.close()


HOSTILE_DRILL = """\
id: algorithms/{slug}
kind: python
title: Metadata
topic: algorithms
difficulty: easy
time_target: 60
prompt: Return n.
function: solve
starter: |
  def solve(n):
      ...
solution: |
  import os
  def solve(n):
      for attempt in (lambda: os.chmod(os.__file__, 0o777), lambda: os.utime(os.__file__, (1, 1))):
          try:
              attempt()
          except OSError:
              pass
      return n
tests:
  - {test}
hints: [h]
explanation: e
see_also: [https://example.com]
wrong_answers:
  - answer: "def solve(n):\\n    return n + 1\\n"
    why: off by one
  - answer: "def solve(n):\\n    return 0\\n"
    why: zero
"""


def test_hostile_args_code_and_reference_change_nothing_in_validate(tmp_path):
    """A contributed drill whose args_code and solution try to change a standard library file."""
    from drills.validate import validate_paths

    bank = tmp_path / "bank"
    (bank / "algorithms").mkdir(parents=True)
    target = Path(os.__file__)
    args_code = "args_code: \"(__import__('os').chmod(__import__('os').__file__, 0o777), 1)[1:]\""
    (bank / "algorithms" / "meta-args.yaml").write_text(HOSTILE_DRILL.format(slug="meta-args", test=args_code))
    (bank / "algorithms" / "meta-solution.yaml").write_text(
        HOSTILE_DRILL.format(slug="meta-solution", test="args_code: \"(7,)\""))
    before = _fingerprint(target, ctime=False)
    report_ = validate_paths([bank])
    assert _fingerprint(target, ctime=False) == before
    problems = {p.id: p.message for p in report_.problems}
    assert set(problems) == {"algorithms/meta-args"}, problems  # the reference's attempt changed nothing
    assert "PermissionError" in problems["algorithms/meta-args"]


UNPRIVILEGED_SCRIPT = """
import json, os, sys
sys.path.insert(0, {checkout!r})
from drills.sandbox import client, report
server = client._Server(config={{"expose": [{folder!r}], "disable": {off!r}}})
try:
    source = {source!r}
    message = {{"op": "run", "source": source, "function": "solve", "tests": [{{"args": [1]}}],
               "time_limit": 5.0, "memory_mb": 512, "pure": False}}
    run = report.parse(*server.request(message, 60), 1)
    print(json.dumps({{"values": [r.value for r in run.results], "output": run.output,
                      "layers": run.layers}}))
finally:
    server.close()
"""


def _unprivileged_python() -> list[str] | None:
    """A command that runs a Python with only the standard library as an unprivileged user."""
    if not ROOT or shutil.which("setpriv") is None:
        return None
    for python in (sys.executable, sys._base_executable, "/usr/bin/python3"):
        if not python or not os.path.exists(python):
            continue
        # the interpreter must be able to start itself again as that user (the sandbox server)
        probe = ("import os, sys; "
                 "os.waitpid(os.posix_spawn(sys.executable, [sys.executable, '-c', 'import json'], {}), 0)")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", python, "-I", "-S", "-c", probe]
        if subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0:
            return cmd[:-4]
    return None


@pytest.fixture
def shared_tmp():
    """A folder other users can reach (pytest's own are private to root)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="drill-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("off", [[], ["seccomp"]], ids=["every-layer", "no-seccomp"])
def test_metadata_attack_as_an_unprivileged_user(shared_tmp, off):
    command = _unprivileged_python()
    if command is None:
        pytest.skip("needs root, setpriv and a Python an unprivileged user can run")
    for parent in shared_tmp.parents:
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            pytest.skip(f"{parent} is not reachable by other users")
    folder = shared_tmp / "mine"
    folder.mkdir()
    canary = folder / "canary.txt"
    canary.write_text("alive")
    os.chown(folder, 65534, 65534)
    os.chown(canary, 65534, 65534)
    before = _fingerprint(canary)
    checkout = str(Path(__file__).resolve().parents[1])
    script = UNPRIVILEGED_SCRIPT.format(checkout=checkout, folder=str(folder), off=off,
                                        source=METADATA_ATTACK.replace("TARGET", repr(str(canary))))
    done = subprocess.run([*command, "-I", "-S", "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["values"] == [2], result
    assert "changed: []" in result["output"]
    assert _fingerprint(canary) == before
    assert result["layers"]["filesystem"]["active"] or "seccomp" not in off, result["layers"]
    assert result["layers"]["identity"]["active"] and "your own uid 65534" in result["layers"]["identity"]["detail"]


def test_reading_attack_as_an_unprivileged_user(shared_tmp):
    """The user's own secret file, the bank and the system's dist-packages stay unreadable."""
    command = _unprivileged_python()
    if command is None:
        pytest.skip("needs root, setpriv and a Python an unprivileged user can run")
    folder = shared_tmp / "mine"
    folder.mkdir()
    secret = shared_tmp / "secret.txt"
    secret.write_text("SECRET-OF-THE-USER")
    os.chown(secret, 65534, 65534)
    targets = [str(secret), str(bundled_bank()), "/usr/lib/python3/dist-packages", "/etc/passwd", str(shared_tmp)]
    script = UNPRIVILEGED_SCRIPT.format(checkout=str(Path(__file__).resolve().parents[1]), folder=str(folder),
                                        off=[], source=_reader(targets))
    done = subprocess.run([*command, "-I", "-S", "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["values"] == [2], result["output"]
    assert "SECRET-OF-THE-USER" not in result["output"]


# --- 3. nothing but the standard library is readable --------------------------------------

READER = """
import os
def solve(n):
    seen = []
    for path in PATHS:
        try:
            if os.path.isdir(path):
                seen.append((path, sorted(os.listdir(path))[:3]))
            else:
                with open(path, "rb") as f:
                    seen.append((path, f.read(200)))
        except OSError:
            pass
    print("read:", seen)
    return n * 2 + len(seen)
"""


def _reader(paths: list[str]) -> str:
    return textwrap.dedent(READER).replace("PATHS", repr(paths))


def test_site_packages_bank_home_and_package_are_unreadable(tmp_path):
    import drills

    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.txt").write_text("SECRET-PROGRESS")
    cache.set_home(home)
    purelib = sysconfig.get_paths()["purelib"]
    base_site = [p for p in sys.path if p.endswith("site-packages")]
    yaml_file = next(bundled_bank().rglob("*.yaml"))
    targets = [
        str(home / "progress.txt"),
        str(home),
        str(yaml_file),
        str(bundled_bank()),
        str(Path(drills.__file__)),
        purelib,
        *base_site,
        str(Path(sysconfig.get_paths()["stdlib"]) / "site-packages"),
        "/etc/passwd",
        str(Path.home()),
    ]
    q = drill(2.0)
    verdict = judge(q, _reader(targets))
    assert verdict.outcome == "correct", verdict.output  # n * 2 + 0: nothing could be read
    assert "SECRET-PROGRESS" not in verdict.output and "kind:" not in verdict.output


def test_the_standard_library_stays_importable():
    q = drill(5.0)
    answer = textwrap.dedent("""
        import fractions, heapq, bisect, statistics, decimal, dataclasses, typing
        import xml.dom.minidom, csv, textwrap, graphlib, zoneinfo
        def solve(n):
            return n * 2
        """)
    assert judge(q, answer).outcome == "correct"


def _hardlink_tree(source: Path, target: Path, skip: set[str]) -> None:
    """A copy of `source` made of hard links (or copies across file systems), minus `skip`."""
    for folder, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d not in skip and d != "__pycache__"]
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            src, dst = Path(folder) / name, target / rel / name
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)


def test_a_layout_with_site_packages_under_the_standard_library(tmp_path):
    """python.org, pyenv and Docker put site-packages (with drill and its bank) beneath the stdlib."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    version = stdlib.name
    prefix = tmp_path / "prefix"
    lib = prefix / "lib" / version
    _hardlink_tree(stdlib, lib, {"site-packages", "dist-packages", "test", "idlelib", "tkinter", "turtledemo",
                                 "ensurepip", "lib2to3"})
    site = lib / "site-packages"
    (site / "drills" / "questions").mkdir(parents=True)
    (site / "drills" / "questions" / "secret.yaml").write_text("solution: SECRET-SOLUTION\n")
    bank = lib / "mybank"
    bank.mkdir()
    (bank / "drill.yaml").write_text("solution: SECRET-BANK\n")
    (prefix / "bin").mkdir()
    python = prefix / "bin" / Path(sys.executable).name
    shutil.copy2(os.path.realpath(sys._base_executable), python)
    probe = subprocess.run([str(python), "-I", "-S", "-c", "import sys; print(sys.prefix)"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0 or Path(probe.stdout.strip()).resolve() != prefix.resolve():
        pytest.skip(f"this interpreter does not relocate into a copied prefix: {probe.stdout}{probe.stderr}")
    # drill's own package, hidden by name, lies inside the site-packages hidden by the layout
    hidden.protect([bank, site / "drills"])
    try:
        server_ = client._Server(executable=str(python))
    finally:
        hidden._protected.remove(str(bank.resolve()))
        hidden._protected.remove(str((site / "drills").resolve()))
    try:
        targets = [str(site), str(site / "drills" / "questions" / "secret.yaml"), str(bank / "drill.yaml")]
        run = check(server_, _reader(targets), [1], time_limit=5.0)
        assert run.results and run.results[0].value == 2, run.output
        if sandbox.run("def f():\n    return 1\n", "f", [{"args": []}], time_limit=5).layers["filesystem"]["active"]:
            # where this machine gives the usual layout a private view, this layout gets one too
            assert run.layers["filesystem"]["active"], run.layers["filesystem"]
        assert "SECRET" not in run.output
        imported = check(server_, "import fractions, csv\ndef solve(n):\n    return n * 2\n", [1], 5.0)
        assert imported.results and imported.results[0].value == 2, imported.output
        assert run.layers["filesystem"]["active"] or run.layers["landlock"]["active"]
    finally:
        server_.close()


def test_readable_paths_leave_out_what_is_hidden(tmp_path):
    std = tmp_path / "lib" / "python3.x"
    for part in ("json", "site-packages/pkg", "lib-dynload", "deep/site-packages/x"):
        (std / part).mkdir(parents=True)
    (std / "os.py").write_text("")
    bank = std / "json" / "bank"
    bank.mkdir()
    roots, hidden = view.plan([str(std), str(std / "lib-dynload")], [str(bank)])
    assert roots == [str(std.resolve())]
    assert set(hidden) == {str((std / "site-packages").resolve()), str((std / "deep" / "site-packages").resolve()),
                           str(bank.resolve())}
    readable = view.readable(roots, hidden)
    assert str(std / "os.py") in readable and str(std / "lib-dynload") in readable
    assert not any(p.startswith(str(std / "site-packages")) for p in readable)
    assert not any(p.startswith(str(bank)) for p in readable)
    assert not any(view._within(h, p) for p in readable for h in hidden)


# --- 4. caches hold data, in the chosen home, written by its owner --------------------------


def _args_code_drill() -> Question:
    return Question(
        id="sandbox/cached", kind="python", title="t", topic="sandbox", prompt="p",
        solution="def solve(n):\n    return n * 3\n", function="solve",
        tests=({"args_code": "[7]"},), time_limit=2.0, content_hash="cache-test",
    )


def test_caches_are_json_in_the_chosen_home_only(tmp_path, fixture_bank):
    from click.testing import CliRunner

    from drills.cli import cli

    home = tmp_path / "elsewhere"
    answer = tmp_path / "a.sql"
    answer.write_text("SELECT 1")
    result = CliRunner().invoke(cli, ["--home", str(home), "list"])
    assert result.exit_code == 0, result.output
    assert judge(_args_code_drill(), "def solve(n):\n    return n * 3\n").outcome == "correct"
    written = [p for p in home.rglob("*") if p.is_file()]
    assert written and all(p.suffix in (".json", ".sqlite3", ".db") or "sqlite" in p.name for p in written)
    assert not list(home.rglob("*.pickle"))
    assert not (tmp_path / "home").exists()  # DRILL_HOME of the environment was left alone
    for p in written:
        if "cache" in p.parts:
            assert stat.S_IMODE(p.stat().st_mode) == 0o600


@pytest.mark.parametrize("how", ["group-writable", "other-owner", "shared-folder"])
def test_a_cache_file_others_could_have_written_is_ignored(how):
    if how != "group-writable" and not ROOT:
        pytest.skip("changing owners needs root")
    q = _args_code_drill()
    assert judge(q, "def solve(n):\n    return n * 3\n").outcome == "correct"
    (entry,) = cache.folder("python-expected").glob("*.json")
    data = json.loads(entry.read_text())
    data["values"] = {"0": 999}  # a planted value the right answer would not give
    entry.write_text(json.dumps(data))
    if how == "group-writable":
        entry.chmod(0o664)
    elif how == "other-owner":
        os.chown(entry, 65534, 65534)
    else:
        entry.parent.chmod(0o777)
    pyjudge._memory_cache.clear()
    pyjudge._inputs_cache.clear()
    assert judge(q, "def solve(n):\n    return n * 3\n").outcome == "correct"
    assert judge(q, "def solve(n):\n    return 999\n").outcome == "wrong"


def test_the_bank_cache_is_json_and_rebuilt_when_planted(tmp_path, fixture_bank):
    from drills.bank import load_bank

    cache_file = tmp_path / "cache" / "bank.json"
    first = load_bank([fixture_bank], cache=cache_file)
    assert json.loads(cache_file.read_text())
    again = load_bank([fixture_bank], cache=cache_file)
    assert again.questions == first.questions
    cache_file.chmod(0o666)
    planted = json.loads(cache_file.read_text())
    cache_file.write_text(json.dumps(planted).replace("top-earner", "top-earnerX"))
    assert load_bank([fixture_bank], cache=cache_file).questions == first.questions


# --- 5. no process started by a check outlives it ---------------------------------------------

DETACHER = """
import os, time
def solve(n):
    made = 0
    for _ in range(5):
        try:
            pid = os.fork()
        except OSError:
            continue
        if pid == 0:
            try:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(60)
            finally:
                os._exit(0)
        made += 1
    return made
"""


def _processes_with(cmdline: bytes) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if f.read() == cmdline:
                        found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("off", [("seccomp",), ("seccomp", "identity", "filesystem", "namespaces")],
                         ids=["no-seccomp", "root-without-seccomp"])
def test_a_detached_grandchild_does_not_outlive_the_check(off):
    server_ = reduced_server(*off)
    try:
        run = check(server_, DETACHER, [1], time_limit=3.0)
        with open(f"/proc/{server_.pid}/cmdline", "rb") as f:
            cmdline = f.read()
        deadline = time.monotonic() + 5
        while True:
            procs = _processes_with(cmdline)
            # the server, the zygote and at most one spare may remain
            if len(procs) <= 3:
                break
            assert time.monotonic() < deadline, f"processes outlived the check: {procs}"
            time.sleep(0.02)
        if run.layers["identity"]["active"]:
            assert run.results[0].value == 0  # RLIMIT_NPROC: no process could even start
    finally:
        server_.close()


def test_doctor_tells_whether_processes_are_contained():
    server_ = reduced_server("seccomp", "identity")
    try:
        run = check(server_, GOOD, [1])
    finally:
        server_.close()
    assert not run.layers["identity"]["active"] and not run.layers["seccomp"]["active"]
    assert not run.layers["rlimits"]["active"]
    assert "processes not limited" in run.layers["rlimits"]["detail"]


# --- time: the answer's CPU time, not the machine's load ------------------------------------


def _busy(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def test_cpu_time_decides_under_load():
    """Four busy processes on the machine: a right answer is still right, a slow one still slow."""
    spin = "def solve(n):\n    x = 0\n    for i in range(N):\n        x += i\n    return n * 2\n"
    q = drill(1.0)
    fast = spin.replace("N", "200_000")  # about 10 ms of CPU
    slow = spin.replace("N", "200_000_000")
    procs = _busy(4)
    try:
        for _ in range(3):
            assert judge(q, fast).outcome == "correct"
        verdict = judge(q, slow)
    finally:
        for p in procs:
            p.send_signal(signal.SIGKILL)
            p.wait()
    assert verdict.outcome == "timeout"
    assert verdict.details["cpu_seconds"] > 1.0


def test_sleeping_is_a_timeout_and_blocking_is_told_apart():
    verdict = judge(drill(0.5), "import time\ndef solve(n):\n    time.sleep(30)\n    return n * 2\n")
    assert verdict.outcome == "timeout"
    assert "slept or waited" in verdict.message


def test_time_is_reported_per_answer_and_scaled_to_the_reference_machine():
    verdict = judge(drill(1.0), GOOD)
    assert verdict.outcome == "correct"
    assert 0 <= verdict.details["cpu_seconds"] < 0.1
    assert 0.25 <= sandbox.speed() <= 20


def test_a_starved_check_is_no_verdict(monkeypatch):
    monkeypatch.setattr(server, "STARVED_FACTOR", 0)
    monkeypatch.setattr(server, "STARVED_SLACK", 0.0)
    run = report.Run(status="starved", layers={"x": {"active": True, "detail": ""}})
    with pytest.raises(sandbox.SandboxError, match="too busy"):
        pyjudge._verdict(drill(), run, [2, 10], pyjudge.test_inputs(drill()))


def test_assert_no_stray_processes_after_all_of_this():
    judge(drill(), GOOD)
    assert_no_stray_processes()


def test_records_forged_to_report_less_time_cannot_hide_a_slow_answer():
    """A right but slow answer writes its own records claiming each call took a microsecond.

    The server reads the child's CPU clock from outside, so the answer is stopped once it has
    used its limit plus a small slack, whatever its records say.
    """
    q = drill(0.5)
    answer = textwrap.dedent("""
        import os, sys
        def solve(n):
            x = 0
            for i in range(60_000_000):  # several times the limit
                x += i
            child = sys.modules["_drill_sandbox.child"]
            child._emit({"t": "result", "test": 0, "cpu_ns": 1000, "value": 2, "digest": None})
            child._emit({"t": "result", "test": 1, "cpu_ns": 1000, "value": 10, "digest": None})
            child._emit({"t": "done"})
            os.write(child.FINISH_FD, b".")
            os._exit(0)
        """)
    verdict = judge(q, answer)
    assert verdict.outcome == "timeout", verdict.message


def test_a_hidden_folder_above_the_standard_library_keeps_it_readable(tmp_path):
    std = tmp_path / "home" / ".pyenv" / "lib" / "python3.x"
    std.mkdir(parents=True)
    roots, hidden = view.plan([str(std)], [str(tmp_path / "home")])
    assert roots == [str(std.resolve())] and hidden == []
