"""Drills already proved: `drill validate` judges again only what changed.

Proving a drill runs its reference, every wrong answer and (with --mutants) every mutant
through its judge: minutes for a whole bank. A proof depends on nothing but the drill file's
bytes, where it lives, drill's own code and the engines that judge it, so a drill that passed
is remembered under a key made of all of them, and skipped while the key is unchanged. Any
edit to the drill, to drill's code, or an upgrade of DuckDB, sqlglot or Python makes a new
key. Only passes are remembered (with their warnings, and the mutation counts for the
score); a drill with a problem is judged every time. `drill validate --fresh` ignores them,
and CI starts from an empty home, so it always proves everything.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from functools import cache as once
from pathlib import Path
from typing import Any

from drills import cache
from drills.model import Question

FILE = "proved.json"
KEEP = 5000  # entries; the oldest go first


@once
def code_version() -> str:
    """drill's own source and the versions of what judges a drill."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml") and "questions" not in path.parts and path.is_file():
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    for name in ("duckdb", "sqlglot", "pandas", "numpy"):
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None)
        if version is None:
            try:
                from importlib.metadata import version as installed

                version = installed(name)
            except Exception:  # noqa: BLE001 - not installed: nothing judges with it
                version = ""
        h.update(f"{name}={version};".encode())
    h.update(f"{sys.version};{platform.machine()}".encode())
    return h.hexdigest()


def key(q: Question) -> str:
    data = json.dumps([q.content_hash, str(q.path.resolve()) if q.path else q.id, code_version()])
    return hashlib.sha256(data.encode()).hexdigest()[:32]


class Proofs:
    """The remembered passes of this home."""

    def __init__(self) -> None:
        self.file = cache.folder("validate") / FILE
        found = cache.read_json(self.file)
        self.entries: dict[str, dict] = found if isinstance(found, dict) else {}
        self.changed = False

    def get(self, q: Question, mutants: bool) -> dict | None:
        """The pass remembered for this drill, if it covers what is asked (a pass with mutants
        covers one without)."""
        entry = self.entries.get(key(q))
        if not isinstance(entry, dict) or (mutants and not isinstance(entry.get("mutants"), dict)):
            return None
        return entry

    def put(self, q: Question, warnings: list[dict], mutants: dict | None) -> None:
        k = key(q)
        old = self.entries.get(k)
        if mutants is None and isinstance(old, dict) and isinstance(old.get("mutants"), dict):
            mutants = old["mutants"]  # a plain pass keeps the mutants proof of the same bytes
        self.entries.pop(k, None)
        self.entries[k] = {"warnings": warnings, "mutants": mutants}
        while len(self.entries) > KEEP:
            self.entries.pop(next(iter(self.entries)))
        self.changed = True

    def save(self) -> None:
        if self.changed:
            try:
                cache.write_json(self.file, self.entries)
            except OSError:  # a read-only home: the next run proves them again
                pass


def counts(value: Any) -> tuple[int, int, int] | None:
    """(killed, equivalent, total) from a remembered mutants entry."""
    try:
        return int(value["killed"]), int(value["equivalent"]), int(value["total"])
    except (KeyError, TypeError, ValueError):
        return None
