"""The HTML pages load in headless Chromium and produce a screenshot (skipped without Chromium)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="Debian's chromium package is not installed")
def test_pages_render_in_headless_chromium(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot_pages.py"), str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    for name in ("mock", "stats", "mock-phone", "stats-phone"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5000
    for name in ("mock", "stats"):
        assert (tmp_path / f"{name}.html").read_text().startswith("<!doctype html>")
