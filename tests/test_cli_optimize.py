"""`drill optimize`: a fit applied only when better and confirmed; the workload curve."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from drills.scheduler import default_parameters
from drills.store import Store

from . import reviewlog
from .conftest import flat
from .test_cli_today import drill

START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
pytestmark = pytest.mark.usefixtures("utc_local_time")


@pytest.fixture(scope="module")
def learnt(tmp_path_factory):
    """A store holding 2,500 drills' reviews by a memory the default parameters do not describe."""
    home = tmp_path_factory.mktemp("learnt")
    Store(home).close()
    reviewlog.write(home, reviewlog.generate(reviewlog.true_parameters(), 2500, 365, START))
    return home


def copy_of(home, tmp_path):
    shutil.copytree(home, tmp_path / "home")
    return tmp_path / "home"


def test_too_few_reviews_says_how_many_more(tmp_path):
    result = drill(tmp_path, "optimize", "--yes")
    assert result.exit_code == 0
    assert flat(result).startswith("Not fitted: 0 of the 400 reviews a meaningful fit needs")
    assert "400 more to go" in flat(result)
    assert Store(tmp_path).fits.current() is None


def test_a_better_fit_is_applied_with_yes_and_shown_in_config(learnt, tmp_path):
    home = copy_of(learnt, tmp_path)
    result = drill(home, "optimize", "--yes")
    assert result.exit_code == 0, result.output
    out = flat(result)
    assert "in use (defaults)" in out and "fitted" in out and "log loss RMSE" in out
    assert "The fitted parameters are in use" in out
    fit = Store(home).fits.current()
    assert len(fit["parameters"]) == 21 and fit["parameters"] != list(default_parameters())
    assert fit["figures"]["fitted"]["log_loss"] < fit["figures"]["current"]["log_loss"]
    config = drill(home, "config").output.splitlines()[-1]
    assert config.startswith(f"parameters = fitted {dt.date.today().isoformat()[:4]}")
    # fitted again on the same log, the parameters in use are no worse: nothing changes
    again = drill(home, "optimize", "--yes")
    assert "nothing changed" in flat(again)
    assert drill(home, "optimize", "--reset").output == "the default parameters are in use again\n"
    assert Store(home).fits.current() is None


def test_without_yes_it_asks_and_a_no_changes_nothing(learnt, tmp_path):
    home = copy_of(learnt, tmp_path)
    result = drill(home, "optimize", input="n\n")
    assert "Use the fitted parameters from now on? [y/N]" in result.output
    assert result.output.endswith("Nothing changed.\n")
    assert Store(home).fits.current() is None


def test_the_workload_curve(tmp_path):
    result = drill(tmp_path, "optimize", "--retention")
    assert result.exit_code == 0, result.output
    out = flat(result)
    assert "a year ahead (no interview date)" in out and "90% ← now" in out
    rows = [line.split() for line in result.output.splitlines() if line.strip()[:2].isdigit()]
    assert [r[0] for r in rows] == ["70%", "75%", "80%", "85%", "90%", "93%", "95%", "97%"]
    minutes = [float(r[3] if r[1] == "←" else r[1]) for r in rows]
    assert minutes[-1] >= minutes[0] > 0  # 97% costs no less than 70%
