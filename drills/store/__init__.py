"""The progress database: what a person has practised, kept in SQLite beside their settings.

    connection.py  Store: opening (read-only when it cannot be written), transactions,
                   migrations and the daily backup; the table families hang off it
    migrations.py  the tables, as the schema versions that build them
    faults.py      what an SQLite or OS error on the store means and what to do about it
    history.py     cards, reviews and suspensions (`store.history`)
    rounds.py      mock rounds, their answers and reports (`store.rounds`)
    fits.py        fitted parameters and forecasts checked against rounds (`store.fits`)
    settings.py    `drill config`'s values (`store.settings`)
    transfer.py    the whole store to and from the export file

No module outside this package runs SQL on the store's connection.
"""

from drills.store.connection import DB_NAME, Store, default_home
from drills.store.faults import fault
from drills.store.history import Review, Schedule
from drills.store.migrations import SCHEMA_VERSION

__all__ = ["DB_NAME", "SCHEMA_VERSION", "Review", "Schedule", "Store", "default_home", "fault"]
