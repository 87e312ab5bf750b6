"""The shipped bank is itself a test: every reference passes, every wrong answer fails."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from drills import sandbox
from drills.bank import bundled_bank, drill_files, load_bank
from drills.judge import pandas as pdjudge
from drills.schema import load_schema
from drills.validate import validate_paths


def test_every_shipped_drill_is_proven():
    report = validate_paths([bundled_bank()], jobs=2)
    assert report.checked > 0
    assert [str(p) for p in report.problems] == []


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(load_schema())


@pytest.mark.parametrize("path", list(drill_files(bundled_bank())), ids=lambda p: p.stem)
def test_editors_accept_what_drill_accepts(path):
    """schema.json is what editors use: it must agree with the loader on every shipped drill."""
    doc = yaml.safe_load(path.read_text("utf-8"))
    jsonschema.validate(json.loads(json.dumps(doc, default=str)), load_schema())
    assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=")


def test_editors_reject_what_drill_rejects():
    good = {"id": "a/b", "kind": "recall", "title": "t", "topic": "a", "difficulty": "easy", "time_target": 10,
            "prompt": "p", "solution": "s", "explanation": "e", "see_also": ["https://x"]}
    jsonschema.validate(good, load_schema())
    for bad in ({**good, "setup": "x"}, {**good, "kind": "essay"}, {**good, "tittle": "t"},
                {**good, "kind": "sql", "setup": "x", "hints": ["h"], "wrong_answers": [{"answer": "a", "why": "w"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, load_schema())


def test_bank_meets_its_totals():
    """The bank people come for: SQL above all window functions, probability, algorithms, recall."""
    qs = list(load_bank([bundled_bank()]).questions.values())
    sql = [q for q in qs if q.kind == "sql"]
    assert len(sql) >= 70
    assert sum("window-functions" in q.tags for q in sql) >= 45
    assert all(len(q.wrong_answers) >= 2 for q in sql)
    assert sum(q.kind == "numeric" for q in qs) >= 45
    assert sum(q.kind == "python" for q in qs) >= 55
    assert sum(q.kind == "recall" for q in qs) >= 30
    assert all(q.explanation.strip() and q.see_also for q in qs)


def _unasked_index_levels(prompt: str, index_names: list) -> list[str]:
    """The named index levels of a result that the prompt never names as `a_column`: the judge
    takes a named index as leading columns, so each one is a column the candidate must return."""
    asked = {span.strip() for span in re.findall(r"`([^`]*)`", prompt)}
    return [n for n in index_names if n is not None and n not in asked]


def test_pandas_references_return_no_column_the_prompt_does_not_ask_for():
    """A reference that keeps a named index (a `set_index("id")` never reset) makes every answer
    returning exactly the prompt's columns wrong. `customers(id, name)` names a table, not a
    column to return, so only a backticked name of its own counts."""
    assert _unasked_index_levels("`customers(id, name)`: return `name`, `paid`", ["id"]) == ["id"]
    drills = [q for q in load_bank([bundled_bank()]).questions.values() if q.kind == "pandas" and not q.index]
    assert drills
    unasked = {}
    for q in drills:
        run = sandbox.run(q.solution, q.function, pdjudge.inputs(q)[:1], time_limit=q.time_limit * 3, frames=True)
        assert [r.kind for r in run.results] == ["value"], q.id
        value = run.results[0].value
        if value[0] == "frame" and _unasked_index_levels(q.prompt, value[2]):
            unasked[q.id] = _unasked_index_levels(q.prompt, value[2])
    assert unasked == {}
