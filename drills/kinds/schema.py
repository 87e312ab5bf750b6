"""drills/schema.json, generated from the kinds: the fields every drill has, then each kind's
own fields, and per kind which fields it requires and which do not apply.

    python -m drills.kinds.schema    # rewrites drills/schema.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drills.kinds import NAMES, all_kinds

COMMON_REQUIRED = ["id", "kind", "title", "topic", "difficulty", "time_target", "prompt", "solution",
                   "explanation", "see_also"]

COMMON_FIELDS: dict[str, dict] = {
    "format_version": {"description": "Bank format this file is written in.", "type": "integer", "const": 1},
    "id": {"description": "Unique, stable id: topic/slug, the file's place in the bank. Progress is keyed on it; "
                          "never reuse one.",
           "type": "string", "pattern": "^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)+$"},
    "kind": {"description": "How answers are judged.", "enum": list(NAMES)},
    "title": {"description": "A short title, shown in lists.", "type": "string", "minLength": 1, "maxLength": 100},
    "topic": {"description": "sql, probability, statistics, algorithms, ml, ...",
              "type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
    "tags": {"description": "Kebab-case tags from questions/TAGS.md.",
             "type": "array", "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}},
    "difficulty": {"enum": ["easy", "medium", "hard"]},
    "time_target": {"description": "Seconds a fluent candidate needs.", "type": "integer", "minimum": 5,
                    "maximum": 7200},
    "prompt": {"description": "Markdown. Say what to return, in which column order, whether row order matters, "
                              "how to round.",
               "type": "string", "minLength": 1},
    "solution": {"description": "The reference: SQL text, Python source, a model answer, or the exact number or "
                                "expression (numeric: taken as exact; a value with no closed form is written with "
                                "more digits than any answer, such as 20).",
                 "type": ["string", "number"], "minLength": 1},
    "hints": {"description": "Revealed one at a time.", "type": "array", "items": {"type": "string", "minLength": 1}},
    "explanation": {"description": "Shown after answering: why the reference works and the trap it avoids.",
                    "type": "string", "minLength": 1},
    "see_also": {"description": "Further reading.", "type": "array", "minItems": 1,
                 "items": {"type": "string", "pattern": "^https?://"}},
    "wrong_answers": {
        "description": "Answers the judge must reject; each proves the drill catches a trap.",
        "type": "array",
        "items": {
            "type": "object", "additionalProperties": False, "required": ["answer", "why"],
            "properties": {
                "answer": {"type": ["string", "number"], "minLength": 1},
                "why": {"type": "string", "minLength": 1},
                "slow": {"description": "python: right values, too slow; validate proves it runs out of "
                                        "time.",
                         "type": "boolean"},
            },
        },
    },
}


def build() -> dict[str, Any]:
    """The drill schema as a JSON-ready dict."""
    kinds = all_kinds()
    own: dict[str, dict] = {}
    users: dict[str, list[str]] = {}
    for kind in kinds:
        for name, spec in kind.fields.items():
            if name in own and own[name] != spec:
                raise ValueError(f"kinds disagree on the schema of field '{name}'")
            own.setdefault(name, spec)
            users.setdefault(name, []).append(kind.name)
    properties = dict(COMMON_FIELDS)
    for name, spec in own.items():
        text = spec.get("description", "")
        prefix = ", ".join(users[name])
        properties[name] = {**spec, "description": text if text.startswith(prefix) else f"{prefix}: {text}"}
    rules = []
    for kind in kinds:
        then: dict[str, Any] = {}
        if kind.required:
            then["required"] = list(kind.required)
        props: dict[str, Any] = {}
        if kind.min_wrong_answers is None:
            props["wrong_answers"] = False
        elif kind.min_wrong_answers:
            props["wrong_answers"] = {"minItems": kind.min_wrong_answers}
        props.update({name: False for name in own if name not in kind.fields})
        then["properties"] = props
        rules.append({"if": {"properties": {"kind": {"const": kind.name}}}, "then": then})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/drill-trainer/drill/blob/main/drills/schema.json",
        "title": "drill question",
        "description": "One drill of the drill question bank. Field reference: CONTRIBUTING.md. Generated from "
                       "drills/kinds/ by `python -m drills.kinds.schema`.",
        "type": "object",
        "additionalProperties": False,
        "required": COMMON_REQUIRED,
        "properties": properties,
        "allOf": rules,
    }


def text() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.json"

if __name__ == "__main__":
    SCHEMA_FILE.write_text(text(), encoding="utf-8")
