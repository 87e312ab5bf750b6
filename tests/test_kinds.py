"""The kind registry: every kind is one module, and the schema editors use is generated from them."""

import json
import re
from pathlib import Path

import pytest

from drills import kinds
from drills.errors import DrillError
from drills.kinds import schema as kind_schema

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_generated_from_the_kinds():
    committed = (ROOT / "drills" / "schema.json").read_text("utf-8")
    assert committed == kind_schema.text(), "run `python -m drills.kinds.schema` and commit drills/schema.json"


def test_every_kind_has_a_module_a_template_and_a_schema_branch():
    schema = json.loads(kind_schema.text())
    branches = {rule["if"]["properties"]["kind"]["const"] for rule in schema["allOf"]}
    assert branches == set(kinds.NAMES) == set(schema["properties"]["kind"]["enum"])
    for kind in kinds.all_kinds():
        assert kind.name in kinds.NAMES
        assert "__ID__" in kind.template()
        assert set(kind.fields) <= set(schema["properties"])


def test_a_field_of_one_kind_is_refused_in_another():
    schema = json.loads(kind_schema.text())
    sql = next(r for r in schema["allOf"] if r["if"]["properties"]["kind"]["const"] == "sql")
    assert sql["then"]["properties"]["tests"] is False
    assert "setup" in sql["then"]["required"]


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(DrillError, match="no judge for cobol drills; upgrade drill"):
        kinds.get("cobol")


def test_no_module_outside_the_kinds_branches_on_a_kind_name():
    """A kind's behaviour lives in its module: cli, session, mock, ui, render ... ask the registry."""
    names = "|".join(kinds.NAMES)
    branch = re.compile(rf"""kind\\s*(==|!=|in)\\s*[("'].*\\b({names})\\b""")
    offenders = []
    for path in (ROOT / "drills").rglob("*.py"):
        if "kinds" in path.parts:
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if branch.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_version_does_not_import_the_judges():
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from drills.cli import cli; "
            "CliRunner().invoke(cli, ['--version']); "
            "print(sorted(m for m in ('duckdb', 'pandas', 'numpy', 'drills.judge.sql') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_listing_the_bank_leaves_the_sandbox_and_the_judges_unloaded(tmp_path):
    """The bank's folders are hidden from answers from the start, without loading the sandbox."""
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from drills.cli import cli; "
            f"r = CliRunner().invoke(cli, ['--home', {str(tmp_path)!r}, 'list']); assert r.exit_code == 0, r.output; "
            "from drills.sandbox import hidden; assert any(p.endswith('questions') for p in hidden._protected); "
            "print(sorted(m for m in ('duckdb', 'pandas', 'drills.judge.sql', 'drills.sandbox.client') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_sandbox_package_names_resolve_and_match_what_type_checkers_see():
    import ast

    from drills import sandbox

    tree = ast.parse(Path(sandbox.__file__).read_text("utf-8"))
    checked = {alias.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
               for alias in node.names}
    assert checked == set(sandbox.__all__)
    assert all(getattr(sandbox, name) is not None for name in sandbox.__all__)
