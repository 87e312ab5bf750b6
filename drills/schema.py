"""A small validator for the subset of JSON Schema that drills/schema.json uses.

The schema file is the single source of truth: editors read it while people type, and
this module applies it at load time with messages that say how to fix the file. It is
a few dozen lines instead of a dependency, and fast enough to run on every load.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

Path = tuple[str | int, ...]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "a mapping", "null": "null"}


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(resources.files("drills").joinpath("schema.json").read_text("utf-8"))


def field_names() -> tuple[str, ...]:
    return tuple(load_schema()["properties"])


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False  # .nan and .inf compare false with every bound: no limit could hold them
    return isinstance(value, _TYPES[name])


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} (not a finite number)"
    for name in ("string", "integer", "number", "array", "object", "null"):
        if _is_type(value, name):
            return _TYPE_WORDS[name]
    return type(value).__name__


def validate(doc: Any, schema: dict[str, Any] | bool | None = None, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Yield (path, message) for every way `doc` breaks `schema` (default: the drill schema)."""
    if schema is None:
        schema = load_schema()
    if schema is True:
        return
    if schema is False:
        yield path, "is not allowed here"
        return
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is_type(doc, n) for n in names):
            wanted = " or ".join(_TYPE_WORDS[n] for n in names)
            yield path, f"must be {wanted}, not {_describe(doc)}"
            return
    if "const" in schema and doc != schema["const"]:
        yield path, f"must be {json.dumps(schema['const'])}"
    if "enum" in schema and doc not in schema["enum"]:
        options = ", ".join(str(o) for o in schema["enum"])
        yield path, f"must be one of: {options} (got {doc!r})"
    if isinstance(doc, str):
        if len(doc.strip()) < schema.get("minLength", 0):
            yield path, "must not be empty"
        if len(doc) > schema.get("maxLength", len(doc)):
            yield path, f"is longer than {schema['maxLength']} characters"
        if "pattern" in schema and not re.search(schema["pattern"], doc):
            yield path, f"{doc!r} does not match the pattern {schema['pattern']}"
    if isinstance(doc, (int, float)) and not isinstance(doc, bool):
        if "minimum" in schema and doc < schema["minimum"]:
            yield path, f"must be at least {schema['minimum']}"
        if "maximum" in schema and doc > schema["maximum"]:
            yield path, f"must be at most {schema['maximum']}"
        if "exclusiveMinimum" in schema and doc <= schema["exclusiveMinimum"]:
            yield path, f"must be more than {schema['exclusiveMinimum']}"
    if isinstance(doc, list):
        if len(doc) < schema.get("minItems", 0):
            yield path, f"needs at least {schema['minItems']} item{'s' if schema['minItems'] > 1 else ''}"
        if "items" in schema:
            for i, item in enumerate(doc):
                yield from validate(item, schema["items"], (*path, i))
    if isinstance(doc, dict):
        yield from _validate_object(doc, schema, path)
    for sub in schema.get("allOf", ()):
        yield from validate(doc, sub, path)
    if "oneOf" in schema:
        passing = sum(1 for sub in schema["oneOf"] if not any(validate(doc, sub, path)))
        if passing != 1:
            options = " or ".join(
                "/".join(sub.get("required", [])) or "another form" for sub in schema["oneOf"]
            )
            yield path, f"must have exactly one of: {options}"
    if "if" in schema and not any(validate(doc, schema["if"], path)):
        yield from validate(doc, schema.get("then", True), path)


def _validate_object(doc: dict[str, Any], schema: dict[str, Any], path: Path) -> Iterator[tuple[Path, str]]:
    props = schema.get("properties", {})
    for key in schema.get("required", ()):
        if key not in doc:
            where = f" for a {doc['kind']} drill" if not path and isinstance(doc.get("kind"), str) else ""
            yield path, f"missing required field '{key}'{where}"
    for key, value in doc.items():
        if key in props:
            sub = props[key]
            if sub is False:
                kind = doc.get("kind")
                yield (*path, key), f"field '{key}' does not apply to {kind} drills; remove it"
            else:
                yield from validate(value, sub, (*path, key))
        elif isinstance(schema.get("additionalProperties"), dict):
            yield from validate(value, schema["additionalProperties"], (*path, key))
        elif schema.get("additionalProperties") is False:
            known = list(load_schema()["properties"]) if not path else list(props)
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
            yield (*path, key), f"unknown field '{key}'{hint}"


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"
