from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Tests never see the developer's own banks or progress."""
    from drills import cache

    monkeypatch.delenv("DRILL_BANK", raising=False)
    monkeypatch.setenv("DRILL_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(cache, "_home", None)


@pytest.fixture
def utc_local_time(monkeypatch):
    """Local time is UTC, so drill days and rollovers are predictable."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def fixture_bank() -> Path:
    return FIXTURE_BANK


@pytest.fixture
def fixture_questions():
    from drills.bank import load_bank

    return load_bank([FIXTURE_BANK]).questions


def flat(result) -> str:
    """A command's output with every run of spaces and line breaks as one space: wrapping aside."""
    return " ".join(result.output.split())


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
