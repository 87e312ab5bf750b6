"""`drill optimize`: FSRS parameters fitted to a person's own review log.

fsrs-rs-python fits, evaluates and simulates in a 0.6 MB wheel; the fsrs package's own
optimizer needs torch (a 555 MB wheel before its CUDA libraries). Only this module and
forecast.py import it, and only when a command needs it.

What the fit learns from follows FSRS's advice for Anki: a drill's reviews in order, one
card per drill, days counted in drill days (the rollover hour); reviews that did not
reschedule (cram) are left out, as Anki leaves out filtered-deck reviews with rescheduling
off; mock rounds do reschedule, so they count. Same-day reviews (learning steps) stay in,
with an interval of 0 days, for the short-term parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from drills.days import day_numbers
from drills.errors import DrillError

MIN_REVIEWS = 400  # reviews on a later day than the drill's previous one; Anki asked for 400 before fitting
TRAIN_SHARE = 2 / 3  # time-series split: fit on the earliest two thirds of the reviews, test on the rest
SCHEDULED_MODES = ("today", "mock")


@dataclass(frozen=True)
class Evaluation:
    """How well parameters predict recall on reviews they were not fitted to."""

    log_loss: float
    rmse: float  # RMSE of predicted against actual recall in bins (fsrs-rs's rmse_bins)


@dataclass(frozen=True)
class Fit:
    reviews: int                   # long-term reviews learned from
    tested: int                    # reviews the figures below were measured on
    parameters: tuple[float, ...]  # fitted on every review
    current: Evaluation
    fitted: Evaluation

    @property
    def better(self) -> bool:
        """Lower log loss and no worse RMSE on the held-out reviews: only then is a fit worth applying."""
        return self.fitted.log_loss < self.current.log_loss and self.fitted.rmse <= self.current.rmse

    def figures(self) -> dict:
        return {"current": vars(self.current), "fitted": vars(self.fitted), "tested": self.tested}


class NotEnoughReviews(DrillError):
    def __init__(self, have: int):
        self.have = have
        self.more = MIN_REVIEWS - have
        super().__init__(
            f"{have} of the {MIN_REVIEWS} reviews a meaningful fit needs (reviews of a drill on a later day than "
            f"its last one; cram reviews do not count): {self.more} more to go. Until then the default "
            "parameters are used.")


@dataclass(frozen=True)
class Log:
    """A review log as the fit reads it: per drill, (drill day number, rating) in order."""

    histories: list[list[tuple[int, int, str]]]  # (day number, rating, reviewed_at)

    @property
    def long_term(self) -> int:
        return sum(1 for h in self.histories for i in range(1, len(h)) if h[i][0] > h[i - 1][0])


def read_log(rows: Iterable[tuple[str, str, int]], rollover_hour: int) -> Log:
    """From (drill_id, reviewed_at, rating) rows ordered by time; keeps what FSRS learns from."""
    rows = list(rows)
    by_drill: dict[str, list[tuple[int, int, str]]] = {}
    for (drill_id, reviewed_at, rating), day in zip(rows, day_numbers((r[1] for r in rows), rollover_hour),
                                                    strict=True):
        by_drill.setdefault(drill_id, []).append((day, rating, reviewed_at))
    return Log(list(by_drill.values()))


def log_of(store, rollover_hour: int) -> Log:
    return read_log(store.history.log(SCHEDULED_MODES), rollover_hour)


def _items(log: Log) -> list[tuple[str, object]]:
    """One FSRS item per review after a drill's first: its history up to that review, keyed by
    when the review happened, so a split by time never trains on the future."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items: list[tuple[str, object]] = []
    for history in log.histories:
        reviews = []
        long_term = False  # an item needs a review on a later day than the one before it
        for i, (day, rating, when) in enumerate(history):
            gap = day - history[i - 1][0] if i else 0
            reviews.append(FSRSReview(rating, gap))
            long_term = long_term or gap > 0
            if long_term:
                items.append((when, FSRSItem(list(reviews))))
    items.sort(key=lambda pair: pair[0])
    return items


def _evaluate(parameters: Sequence[float], items: list) -> Evaluation:
    from fsrs_rs_python import FSRS

    result = FSRS(list(parameters)).evaluate(items)
    return Evaluation(round(result.log_loss, 4), round(result.rmse_bins, 4))


def _train(items: list) -> list[float]:
    from fsrs_rs_python import FSRS

    from drills.scheduler import default_parameters

    try:
        return list(FSRS(list(default_parameters())).compute_parameters(items))
    except Exception as exc:  # fsrs-rs raises its own errors for data it cannot fit
        raise DrillError(f"the fit failed on this review log ({exc}); the parameters in use are unchanged") from None


def fit(log: Log, current: Sequence[float]) -> Fit:
    """Fit on every review; measure the current parameters and the fitting itself on a
    time-series split (fit on the earlier reviews, test on the later ones), so neither figure
    is measured on the data it was fitted to."""
    have = log.long_term
    if have < MIN_REVIEWS:
        raise NotEnoughReviews(have)
    items = [item for _, item in _items(log)]
    cut = int(len(items) * TRAIN_SHARE)
    train, test = items[:cut], items[cut:]
    fitted = _evaluate(_train(train), test)
    from drills.scheduler import within_bounds

    return Fit(have, len(test), within_bounds([round(w, 4) for w in _train(items)]), _evaluate(current, test), fitted)
