"""`drill new`: a drill file from a commented template, in the right folder, with a free id."""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from importlib import resources
from pathlib import Path

from drills import kinds
from drills.errors import DrillError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEHOLDER = re.compile(r"\bTODO\b")


def template(kind: str) -> str:
    try:
        return kinds.get(kind).template()
    except FileNotFoundError:
        raise DrillError(f"no template for kind '{kind}'") from None


def free_id(wanted: str, taken: Collection[str]) -> str:
    """`wanted` if nobody uses it, else the first of wanted-2, wanted-3, ..."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def resolve_id(kind: str, topic: str | None, drill_id: str | None) -> str:
    topic = topic or (drill_id.split("/", 1)[0] if drill_id and "/" in drill_id else kinds.get(kind).default_topic)
    slug = drill_id.rsplit("/", 1)[-1] if drill_id else f"new-{kind}-drill"
    full = drill_id if drill_id and "/" in drill_id else f"{topic}/{slug}"
    for part in full.split("/"):
        if not _SLUG.match(part):
            raise DrillError(f"'{full}' is not a valid id: use lowercase letters, digits and dashes, "
                             "as topic/slug (for example sql/top-3-per-group)")
    return full


def new_drill(bank: Path, kind: str, drill_id: str, taken: Collection[str]) -> Path:
    """Write the template for `kind` as bank/<id>.yaml and return its path."""
    if drill_id in taken:
        raise DrillError(f"the id '{drill_id}' is already used; try '{free_id(drill_id, taken)}'")
    path = bank / f"{drill_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise DrillError(f"{path} already exists; try '{free_id(drill_id, {*taken, drill_id})}'")
    schema = Path(str(resources.files("drills").joinpath("schema.json"))).resolve()
    repo = bank.resolve().parent
    # inside a checkout, a relative path keeps working for everyone who clones it
    schema_ref = os.path.relpath(schema, path.parent.resolve()) if schema.is_relative_to(repo) else str(schema)
    topic = drill_id.rsplit("/", 1)[0]
    text = (template(kind).replace("__SCHEMA__", schema_ref).replace("__ID__", drill_id)
            .replace("__TOPIC__", topic.split("/")[0]).replace("__PATH__", str(path)))
    with open(path, "x", encoding="utf-8") as f:
        f.write(text)
    return path


def placeholders(path: Path) -> list[int]:
    """Lines that still hold a TODO from the template."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [i for i, line in enumerate(lines, 1) if PLACEHOLDER.search(line)]
