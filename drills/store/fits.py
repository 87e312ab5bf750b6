"""The memory model's fitted parameters, and how its forecasts fared against mock rounds.

Each `drill optimize` that is applied adds a fit; the newest is the one in use, and the
earlier ones stay as history (an export carries them all).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drills.store.connection import Store


class Fits:
    """The `fits` table of an open store, and the `mock_predictions` a judged round leaves."""

    def __init__(self, store: Store):
        self.store = store

    def save(self, fitted_at: str, parameters: list[float] | None, reviews: int, figures: dict) -> None:
        """Put parameters in use (None: back to the defaults); earlier fits stay as history."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO fits (fitted_at, parameters, reviews, figures) VALUES (?, ?, ?, ?)",
                       (fitted_at, json.dumps(parameters) if parameters is not None else None, reviews,
                        json.dumps(figures)))

    def current(self) -> dict | None:
        """The fit in use: {'fitted_at', 'parameters', 'reviews', 'figures'}, or None for the defaults."""
        row = self.store.db.execute("SELECT fitted_at, parameters, reviews, figures FROM fits "
                                    "ORDER BY fitted_at DESC, id DESC LIMIT 1").fetchone()
        if row is None or row[1] is None:
            return None
        return {"fitted_at": row[0], "parameters": json.loads(row[1]), "reviews": row[2],
                "figures": json.loads(row[3])}

    def predictions(self) -> list[tuple[float, int]]:
        """(predicted recall, 1 when correct) for every drill of every judged mock round."""
        return list(self.store.db.execute("SELECT predicted, correct FROM mock_predictions "
                                          "ORDER BY round_id, drill_id"))
