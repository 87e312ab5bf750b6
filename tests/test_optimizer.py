"""The fit, on review logs generated from known parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from drills import optimizer
from drills.scheduler import default_parameters
from drills.store import Store

from . import reviewlog

START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
pytestmark = pytest.mark.usefixtures("utc_local_time")


@pytest.fixture(scope="module")
def generated():
    truth = reviewlog.true_parameters()
    log = optimizer.read_log(reviewlog.generate(truth, 2500, 365, START), 4)  # about 18,000 reviews
    return truth, log, optimizer.fit(log, default_parameters())


def test_the_fit_recovers_the_memory_that_made_the_log(generated):
    """Tolerance: on the held-out third, the fitted parameters predict within 0.003 log loss and
    0.01 RMSE of the true ones; the parameters the log pins down are within 10% (w8, how much a
    successful review grows stability; w4, the first difficulty) and 25% (w2, the first stability
    after Good; w20, the forgetting curve's decay)."""
    truth, log, fit = generated
    items = [item for _, item in optimizer._items(log)]
    held_out = items[int(len(items) * optimizer.TRAIN_SHARE):]
    true_figures = optimizer._evaluate(truth, held_out)
    assert fit.tested == len(held_out)
    assert fit.fitted.log_loss - true_figures.log_loss < 0.003
    assert fit.fitted.rmse - true_figures.rmse < 0.01
    for index, tolerance in ((8, 0.10), (4, 0.10), (2, 0.25), (20, 0.25)):
        assert fit.parameters[index] == pytest.approx(truth[index], rel=tolerance), index


def test_the_fit_beats_the_defaults_on_a_memory_they_do_not_describe(generated):
    _, _, fit = generated
    assert fit.better
    assert fit.fitted.log_loss < fit.current.log_loss
    assert fit.figures()["tested"] == fit.tested


def test_the_split_tests_only_on_reviews_after_everything_fitted():
    rows = reviewlog.generate(reviewlog.true_parameters(), 60, 120, START)
    keys = [when for when, _ in optimizer._items(optimizer.read_log(rows, 4))]
    assert keys == sorted(keys)  # cutting this list at two thirds splits by time


def test_below_the_minimum_it_says_how_many_more_reviews_are_needed():
    # one drill reviewed on day 0 and on each of the next 399 days: 399 later-day reviews
    rows = [("sql/a", (START + dt.timedelta(days=d, hours=12)).isoformat(), 3) for d in range(400)]
    with pytest.raises(optimizer.NotEnoughReviews, match="399 of the 400 reviews .*: 1 more to go"):
        optimizer.fit(optimizer.read_log(rows, 4), default_parameters())
    same_day = rows[:1] + [("sql/a", (START + dt.timedelta(minutes=m)).isoformat(), 3) for m in range(1, 50)]
    assert optimizer.read_log(same_day, 4).long_term == 0  # learning steps alone teach the fit nothing


def test_cram_reviews_are_left_out_and_mock_reviews_count(tmp_path):
    Store(tmp_path).close()
    rows = [("sql/a", (START + dt.timedelta(days=d, hours=12)).isoformat(), 3) for d in range(5)]
    reviewlog.write(tmp_path, rows[:3], mode="today")
    reviewlog.write(tmp_path, rows[3:4], mode="mock")
    reviewlog.write(tmp_path, rows[4:], mode="cram")
    with Store(tmp_path) as store:
        log = optimizer.log_of(store, 4)
    assert [rating for _, rating, _ in log.histories[0]] == [3, 3, 3, 3]
    assert log.long_term == 3
