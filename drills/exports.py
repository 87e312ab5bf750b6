"""The export file: what `drill import` accepts, checked in full before anything is written.

An export is untrusted input: a value of the wrong type or out of range would keep `today`,
`due`, `stats` or `undo` failing long after the import, so every field is checked against
the same rules the store's own writers follow, and datetimes are brought to the store's form.
"""

from __future__ import annotations

import json
from typing import Any

from drills.errors import InputError

FORMAT = "drill-progress"
SHOW_PROBLEMS = 5
FIRST_YEAR, LAST_YEAR = 2000, 2199

_WHEN = {"type": "string", "minLength": 1, "maxLength": 64}
_INT = {"type": "integer", "minimum": 0, "maximum": 2**53}
_RATING = {"type": "integer", "minimum": 1, "maximum": 4}


def _id() -> dict:
    from drills.schema import load_schema

    return {"type": "string", "maxLength": 200, "pattern": load_schema()["properties"]["id"]["pattern"]}


def _schema() -> dict:
    drill_id = _id()
    return {
        "type": "object",
        "required": ["format", "schema"],
        "properties": {
            "format": {"const": FORMAT},
            "schema": {"type": "integer", "minimum": 1},
            "reviews": {"type": "array", "items": {
                "type": "object",
                "required": ["uid", "drill_id", "reviewed_at", "rating", "auto_rating", "verdict", "elapsed_ms",
                             "answer", "mode", "content_hash"],
                "properties": {
                    "uid": {"type": "string", "minLength": 1, "maxLength": 100}, "drill_id": drill_id,
                    "reviewed_at": _WHEN, "rating": _RATING, "auto_rating": _RATING,
                    "verdict": {"enum": ["correct", "wrong", "error", "timeout", "revealed", "self"]},
                    "elapsed_ms": _INT, "answer": {"type": "string", "maxLength": 1_000_000},
                    "mode": {"enum": ["today", "mock", "cram"]}, "content_hash": {"type": "string", "maxLength": 100},
                    "hints": {"type": "integer", "minimum": 0, "maximum": 1000},
                    "card_before": {"type": ["string", "null"], "maxLength": 10_000}}}},
            "cards": {"type": "array", "items": {
                "type": "object", "required": ["drill_id", "card", "updated_at"],
                "properties": {"drill_id": drill_id, "card": {"type": "object"}, "updated_at": _WHEN}}},
            "suspended": {"type": "array", "items": {
                "type": "object", "required": ["drill_id", "since"],
                "properties": {"drill_id": drill_id, "since": _WHEN}}},
            "settings": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
            "mock_rounds": {"type": "array", "items": {
                "type": "object",
                "required": ["started_at", "minutes", "drill_ids", "options", "used_s", "status", "answers"],
                "properties": {
                    "started_at": _WHEN, "minutes": {"type": "number", "minimum": 1, "maximum": 600},
                    "drill_ids": {"type": "array", "minItems": 1, "items": drill_id},
                    "options": {"type": "object"}, "used_s": {"type": "number", "minimum": 0, "maximum": 36_000},
                    "status": {"enum": ["running", "finished"]}, "finished_at": {"type": ["string", "null"]},
                    "report": {"type": ["object", "null"]},
                    "predictions": {"type": "array", "items": {
                        "type": "object", "required": ["drill_id", "predicted", "correct"],
                        "properties": {"drill_id": drill_id, "correct": {"type": "boolean"},
                                       "predicted": {"type": "number", "minimum": 0, "maximum": 1}}}},
                    "answers": {"type": "array", "items": {
                        "type": "object", "required": ["drill_id", "answer", "seconds", "updated_at"],
                        "properties": {"drill_id": drill_id, "answer": {"type": "string", "maxLength": 1_000_000},
                                       "seconds": {"type": "number", "minimum": 0, "maximum": 36_000},
                                       "hints": {"type": "integer", "minimum": 0, "maximum": 1000},
                                       "updated_at": _WHEN}}}}}},
            "fits": {"type": "array", "items": {
                "type": "object", "required": ["fitted_at", "parameters", "reviews", "figures"],
                "properties": {"fitted_at": _WHEN, "parameters": {"type": ["array", "null"], "maxItems": 100},
                               "reviews": _INT, "figures": {"type": "object"}}}},
        },
    }


def read(text: str, name: str) -> Any:
    """The JSON of an export file, or an InputError naming the file and line."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not a number an export holds")

    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:
        raise InputError(f"{name}: not valid JSON ({exc})") from None
    except RecursionError:
        raise InputError(f"{name}: not an export: nested too deeply") from None


def check(data: Any) -> dict:
    """The export with datetimes in the store's form, or an InputError listing what is wrong."""
    from drills import schema
    from drills.report import REPORT_SCHEMA
    from drills.store import SCHEMA_VERSION

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError("not a drill progress export (expected the JSON written by `drill export`)")
    if isinstance(data.get("schema"), int) and data["schema"] > SCHEMA_VERSION:
        raise InputError("this export comes from a newer drill; upgrade drill to import it")
    problems = [f"{schema.format_path(where)}: {message}" for where, message in schema.validate(data, _schema())]
    if not problems:
        problems = _check_values(data, REPORT_SCHEMA)
    if problems:
        more = len(problems) - SHOW_PROBLEMS
        raise InputError(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was imported:\n  "
                         + "\n  ".join(problems[:SHOW_PROBLEMS]) + (f"\n  (and {more} more)" if more > 0 else ""))
    return data


def _check_values(data: dict, report_schema: dict) -> list[str]:
    """What a JSON schema cannot say: datetimes, cards, settings, answers of drills in their round."""
    from drills import scheduler as sched
    from drills import schema
    from drills.clock import utc_text
    from drills.errors import DrillError
    from drills.report import RoundReport

    problems: list[str] = []

    def when(item: dict, key: str, where: str, optional: bool = False) -> None:
        if optional and item.get(key) is None:
            return
        try:
            item[key] = utc_text(item[key])
            if not FIRST_YEAR <= int(item[key][:4]) <= LAST_YEAR:
                problems.append(f"{where}.{key}: {item[key][:10]} is not a date drill could have written")
        except (TypeError, ValueError, OverflowError):
            problems.append(f"{where}.{key}: {item[key]!r} is not a date and time (2026-03-02T09:00:00+00:00)")

    def card(value: Any, where: str) -> None:
        why = sched.check_card(value)
        if why is None:
            dates = {k: value[k] for k in ("due", "last_review") if value.get(k) is not None}
            when(dates, "due", where)
            when(dates, "last_review", where, optional=True)
        else:
            problems.append(f"{where}: {why}")

    for i, r in enumerate(data.get("reviews", [])):
        when(r, "reviewed_at", f"reviews[{i}]")
        if r.get("card_before") is not None:
            try:
                before = json.loads(r["card_before"])
            except (ValueError, RecursionError):
                before = None
            card(before, f"reviews[{i}].card_before")
    for i, c in enumerate(data.get("cards", [])):
        when(c, "updated_at", f"cards[{i}]")
        card(c["card"], f"cards[{i}].card")
    for i, s in enumerate(data.get("suspended", [])):
        when(s, "since", f"suspended[{i}]")
    for key, value in data.get("settings", {}).items():
        try:
            data["settings"][key] = sched.check_setting(key, str(value))
        except DrillError as exc:
            problems.append(f"settings.{key}: {exc}")
    for i, r in enumerate(data.get("mock_rounds", [])):
        where = f"mock_rounds[{i}]"
        when(r, "started_at", where)
        when(r, "finished_at", where, optional=True)
        for j, a in enumerate(r["answers"]):
            when(a, "updated_at", f"{where}.answers[{j}]")
            if a["drill_id"] not in r["drill_ids"]:
                problems.append(f"{where}.answers[{j}].drill_id: {a['drill_id']} is not one of the round's drills")
        for j, p in enumerate(r.get("predictions", [])):
            if p["drill_id"] not in r["drill_ids"]:
                problems.append(f"{where}.predictions[{j}].drill_id: {p['drill_id']} is not one of the round's drills")
        if r["status"] == "finished" and r.get("report") is None:
            problems.append(f"{where}.report: a finished round needs its report")
        if r.get("report") is not None:
            found = [f"{where}.report{'.' if path else ''}{schema.format_path(path) if path else ''}: {message}"
                     for path, message in schema.validate(r["report"], report_schema)]
            if not found:  # stored in the form this version writes, whichever version wrote it
                try:
                    r["report"] = RoundReport.from_dict(r["report"]).to_dict()
                except ValueError as exc:
                    found.append(f"{where}.report: {exc}")
            problems += found
    for i, f in enumerate(data.get("fits", [])):
        when(f, "fitted_at", f"fits[{i}]")
        why = sched.check_parameters(f["parameters"]) if f["parameters"] is not None else None
        if why:
            problems.append(f"fits[{i}].parameters: {why}")
    return problems

