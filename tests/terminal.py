"""Drive `drill` in a pseudo-terminal, as a person at a keyboard would."""

from __future__ import annotations

import os
import re
import select
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIVE = b"\x1b[?2004h"  # an editor prompt turns on bracketed paste when it is ready for keys
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")


class Terminal:
    """`drill ARGS` in a pty of `columns` x `lines`; keys are bytes, the screen is what it wrote."""

    def __init__(self, home: Path, bank: Path, *args: str, columns: int = 100, lines: int = 40,
                 env: dict[str, str] | None = None):
        import fcntl
        import pty
        import struct
        import termios

        pid, fd = pty.fork()
        if pid == 0:  # the child: drill in the pseudo-terminal
            os.environ.update({"DRILL_HOME": str(home), "PYTHONPATH": str(ROOT), "TERM": "xterm",
                               "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": str(columns), "LINES": str(lines),
                               **(env or {})})
            os.execv(sys.executable, [sys.executable, "-m", "drills", "--no-builtin", "--bank", str(bank), *args])
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.pid, self.fd, self.screen, self.prompts = pid, fd, b"", 0

    def _grab(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                self.screen += os.read(self.fd, 65536)
            except OSError:
                pass

    def read_until(self, text: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in ANSI.sub(b"", self.screen):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen tail: {self.screen[-800:]!r}")
            self._grab(0.1)

    def type_at_prompt(self, keys: bytes) -> None:
        """Wait for the next editor prompt to be live, then type `keys`."""
        self.prompts += 1
        deadline = time.monotonic() + 30
        while self.screen.count(LIVE) < self.prompts and time.monotonic() < deadline:
            self._grab(0.1)
        assert self.screen.count(LIVE) >= self.prompts, self.screen[-800:]
        os.write(self.fd, keys)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, kind, *_) -> None:
        if kind is not None:
            self.kill()

    def quit(self, keys: bytes = b":quit\r") -> int:
        """Type `keys` at the next prompt, wait for the summary, and return the exit status."""
        self.type_at_prompt(keys)
        self.read_until(b"summary")
        return self.finish()

    def text(self) -> str:
        """What was written, without escape sequences."""
        return ANSI.sub(b"", self.screen).decode("utf-8", "replace")

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self._grab(0.1)
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            self._grab(0.1)
        self.kill()
        raise AssertionError("drill did not exit")

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
