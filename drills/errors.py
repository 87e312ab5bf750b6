"""One exception family: every error a user can act on is a DrillError."""

from __future__ import annotations

from pathlib import Path


class DrillError(Exception):
    """An expected failure; the CLI prints it as `Error: ...` and exits 1."""


class BankError(DrillError):
    """A problem in a drill file, located at path:line so an editor can jump to it."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(self.location_message())

    @property
    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def location_message(self) -> str:
        loc = self.location
        return f"{loc}: {self.message}" if loc else self.message


class AnswerError(DrillError):
    """An answer that cannot be judged at all (empty, unreadable)."""


class InputError(DrillError):
    """A file given on the command line that cannot be read (not text, not the expected format):
    a usage error, exit 2."""


class StoreError(DrillError):
    """The progress store cannot be used as asked (disk full, read-only, damaged): the message
    names the file, what is wrong and what to do."""

    def __init__(self, message: str, path: Path | str | None = None, kind: str = "other"):
        self.path = Path(path) if path is not None else None
        self.kind = kind  # full | read_only | damaged | busy | other
        super().__init__(message)
