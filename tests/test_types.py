"""The package type-checks: mypy, configured in pyproject.toml, finds nothing in drills/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors():
    # The default cache (.mypy_cache in the checkout) keeps a rerun near a second; a cold run takes ~15 s.
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
