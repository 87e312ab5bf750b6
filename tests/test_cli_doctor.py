"""drill doctor: every layer of the sandbox, the truth about each, and the time scale."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from drills.cli import cli

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sandbox layers are Linux's")

LAYERS = ("session", "namespaces", "filesystem", "identity", "capabilities", "landlock", "seccomp", "rlimits")


def test_doctor_lists_every_layer_and_the_time_scale():
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in LAYERS:
        assert any(line[2:].startswith(name) for line in lines), name
    marks = [line[0] for line in lines[: len(LAYERS)]]
    assert set(marks) <= {"✓", "✗"}
    missing = [line.split()[1] for line in lines[: len(LAYERS)] if line.startswith("✗")]
    assert ("all layers active" in result.output) == (not missing)
    if missing:
        assert f"reduced isolation: {', '.join(missing)} missing" in result.output
    assert "time limits: CPU time of the answer's own work" in result.output
    assert "x the reference machine's time" in result.output
