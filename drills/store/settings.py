"""`drill config`'s values as the store keeps them: text by key, checked and typed by
scheduler.Settings when read."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drills.store.connection import Store


class Settings:
    """The `settings` table of an open store."""

    def __init__(self, store: Store):
        self.store = store

    def all(self) -> dict[str, str]:
        """The values set; a key not here has its default."""
        return dict(self.store.db.execute("SELECT key, value FROM settings"))

    def set(self, key: str, value: str | None) -> None:
        """Set a value, or (None) go back to the default."""
        with self.store.transaction() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           (key, value))
