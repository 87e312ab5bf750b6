"""What an answer buffer asks for: an answer, or a command on its last non-empty line.

A command counts wherever the buffer holds other text above it (the starter code of a
Python drill, half a query), so `:hint` typed under the code asks for a hint instead of
being judged as code, and the code above is kept for the next edit.
"""

from __future__ import annotations

from dataclasses import dataclass

SESSION = (":run", ":tables", ":hint", ":skip", ":reveal", ":quit")
MOCK = (":run", ":tables", ":skip", ":next", ":goto", ":quit", ":hint", ":reveal")


@dataclass(frozen=True)
class Entry:
    """A buffer read: the command (None for an answer), its argument, and the text above it."""

    command: str | None
    argument: str
    text: str

    @property
    def unknown(self) -> bool:
        return self.command == ":?"


def read(buffer: str, known: tuple[str, ...] = SESSION) -> Entry:
    """The command on the buffer's last non-empty line, if it is one, and the text above it.

    A last line that starts with ':' but names no command is reported as unknown (`:?`), since
    no SQL query, Python function or number ends with such a line."""
    lines = buffer.rstrip().splitlines()
    last = lines[-1].strip() if lines else ""
    if not last.startswith(":") or last.startswith("::"):
        return Entry(None, "", buffer)
    word, _, argument = last.partition(" ")
    above = "\n".join(lines[:-1]).rstrip()
    above = above + "\n" if above else ""
    if word.lower() in known:
        return Entry(word.lower(), argument.strip(), above)
    return Entry(":?", last, above)


def submits_on_enter(text: str, current_line: str, kind: str, known: tuple[str, ...] = SESSION) -> bool:
    """Enter submits a one-line answer of a one-line kind, or a command typed as the last line;
    anywhere else it starts a new line."""
    stripped = text.strip()
    if not stripped:
        return False
    entry = read(text, known)
    if entry.command is not None and current_line.strip() == text.rstrip().splitlines()[-1].strip():
        return True
    from drills import kinds

    return kinds.get(kind).one_line and "\n" not in stripped


def names(known: tuple[str, ...]) -> str:
    return ", ".join(c for c in known if c != ":next")
